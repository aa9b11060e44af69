"""Firing due timers (e.g. the call deadline, R5). The worker calls this; tests call it with a set clock."""

from __future__ import annotations

import logging

from sqlalchemy import select

from .. import clock
from ..engine import ScriptError
from ..extensions import db
from ..models import Instance
from .deployment import engine_for
from .transitions import EventRecord, StaleRevision, commit_transition

log = logging.getLogger(__name__)


def fire_due_timers() -> int:
    """Fire every timer due by now; one transaction per instance. Returns how many timers fired."""
    now = clock.now()
    due_ids = list(
        db.session.scalars(
            select(Instance.id).where(Instance.status == "running", Instance.next_timer_at <= now)
        )
    )
    fired = 0
    for instance_id in due_ids:
        instance = db.session.get(Instance, instance_id)
        revision_seen = instance.revision
        run = engine_for(instance.version).restore(
            db.session.scalar(select(Instance.state).where(Instance.id == instance_id))
        )
        try:
            timers = run.fire_due_timers(now)
        except ScriptError:
            log.exception("timer of instance %s failed", instance_id)
            db.session.rollback()
            continue
        if not timers:
            continue
        events = [
            EventRecord("timer_fired", now, None, t.element_id, t.name, data={"due": t.due.isoformat()})
            for t in timers
        ]
        if run.is_completed:
            end_id, end_name, _outcome = run.end_outcome
            events.append(EventRecord("ended", now, None, end_id, end_name))
        try:
            commit_transition(instance, run, revision_seen, events, now)
        except StaleRevision:
            continue  # someone completed a task meanwhile; the next pass looks again
        fired += len(timers)
    return fired
