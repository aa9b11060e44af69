"""The worker's pass: firing due timers (e.g. the call deadline, R5), incidents, deadline warnings, mail,
plan similarity checks.

Several workers may run at once, on several hosts (see ``services.leases``): each claims the due
applications it fires, a batch at a time, and the stall sweep and the deadline warnings are done by
one worker at a time. Tests call it with a set clock.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import and_
from sqlalchemy.exc import SQLAlchemyError

from ... import clock
from ...engine import EngineError
from ...extensions import db
from ...models import Instance
from .. import leases
from ..notices.mailer import send_due_mails
from ..similarity import run_pending_checks
from ..store import incidents
from ..store.step import open_step
from ..store.transitions import StaleRevision
from .deadline_warnings import warn_of_deadlines

log = logging.getLogger(__name__)

# How many due applications a worker claims at once: small enough that its leases outlast the batch.
BATCH = 20
# The stall sweep and the deadline warnings: one worker at a time does them.
HOUSEKEEPING = "sweep-and-warn"
# The plan similarity checks: one worker at a time does them (a check reads every other plan).
SIMILARITY = "plan-similarity"


def fire_due_timers() -> int:
    """Fire every timer due by now; one transaction per instance. Returns how many timers fired.

    Applications are claimed a batch at a time (``leases.claim``), so another worker fires the others.
    Each application is isolated: one whose step fails (a broken or runaway script, a diagram that no
    longer parses) gets a ``timer_failed`` incident and is skipped from then on, so the deadlines of all
    the others still take effect on time. A database error is only logged: the next pass tries again.
    """
    now = clock.now()
    held_back = incidents.has_open_timer_failure()
    due = and_(Instance.status == "running", Instance.next_timer_at <= now, ~held_back)
    fired, tried = 0, set[int]()
    # Each application once per pass: one whose step was lost to a race, or could not be written, is
    # still due, and waits for the next pass rather than being claimed again at once.
    while batch := leases.claim(Instance, due & Instance.id.not_in(tried), BATCH):
        for instance_id in batch:
            fired += _fire_isolated(instance_id, now)
        leases.release(Instance, batch)
        tried.update(batch)
    return fired


def _fire_isolated(instance_id: int, now: datetime) -> int:
    """Fire one application's due timers; a failure is logged (or made an incident), never raised."""
    try:
        return _fire_for(instance_id, now)
    except SQLAlchemyError:
        db.session.rollback()
        log.exception("timers of instance %s could not be fired; trying again on the next pass", instance_id)
    except Exception as exc:
        log.exception("timers of instance %s failed; recorded as an incident", instance_id)
        element = exc.element_id if isinstance(exc, EngineError) else None
        incidents.record_failure(incidents.TIMER_FAILED, instance_id, element, _describe(exc), now)
    return 0


def _describe(exc: Exception) -> str:
    return str(exc) if isinstance(exc, EngineError) else f"{type(exc).__name__}: {exc}"


def _fire_for(instance_id: int, now: datetime) -> int:
    instance = db.session.get_one(Instance, instance_id)  # one of the due ids just read
    try:
        with open_step(instance, now) as step:
            fired = step.fire_due_timers()
            if not fired:
                step.keep_next_timer()
    except StaleRevision:
        return 0  # someone completed a task meanwhile; the next pass looks again
    return len(fired)


class WorkerPass(NamedTuple):
    fired: int  # timers fired
    stalled: int  # applications found stalled
    warned: int  # tasks whose people were warned of a deadline
    mailed: int  # e-mails sent from the outbox
    compared: int  # plans checked for similarity with other counties' plans


def worker_pass() -> WorkerPass:
    """One pass of the worker: fire what is due, look for stalled applications, warn of deadlines, mail,
    check submitted plans for similarity.

    The sweep and the warnings, and the similarity checks, are skipped while another worker does them.
    """
    fired = fire_due_timers()
    stalled = warned = 0
    with leases.chore(HOUSEKEEPING) as mine:
        if mine:
            stalled = incidents.sweep(clock.now())
            warned = warn_of_deadlines(clock.now())
    mailed = send_due_mails(clock.now())
    compared = 0
    with leases.chore(SIMILARITY) as mine:
        if mine:
            compared = run_pending_checks()
    return WorkerPass(fired, stalled, warned, mailed, compared)
