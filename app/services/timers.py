"""Firing due timers (e.g. the call deadline, R5). The worker calls this; tests call it with a set clock."""

from __future__ import annotations

import logging

from sqlalchemy import select, update

from .. import clock
from ..extensions import db
from ..models import Instance
from .runs import load_run
from .transitions import StaleRevision, commit_transition, timer_events

log = logging.getLogger(__name__)


def fire_due_timers() -> int:
    """Fire every timer due by now; one transaction per instance. Returns how many timers fired.

    One instance that fails (a broken diagram, a database hiccup) is logged and skipped, so the
    deadlines of all the others still take effect.
    """
    now = clock.now()
    due_ids = list(
        db.session.scalars(
            select(Instance.id).where(Instance.status == "running", Instance.next_timer_at <= now)
        )
    )
    fired = 0
    for instance_id in due_ids:
        try:
            fired += _fire_for(instance_id, now)
        except Exception:
            db.session.rollback()
            log.exception("timers of instance %s could not be fired", instance_id)
    return fired


def _fire_for(instance_id: int, now) -> int:
    instance = db.session.get(Instance, instance_id)
    revision_seen = instance.revision
    run = load_run(instance)
    fired = run.fire_due_timers(now)
    if not fired:
        # The stored due time was stale (e.g. the timer's activity already finished): correct it so
        # the instance is not looked at again on every pass.
        db.session.execute(
            update(Instance)
            .where(Instance.id == instance_id, Instance.revision == revision_seen)
            .values(next_timer_at=run.next_timer_due())
        )
        db.session.commit()
        return 0
    try:
        commit_transition(instance, run, revision_seen, timer_events(fired, now), now)
    except StaleRevision:
        return 0  # someone completed a task meanwhile; the next pass looks again
    return len(fired)
