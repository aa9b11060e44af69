"""Incidents: running applications that cannot go on by themselves, kept for operations to act on.

Three kinds, each recorded with the elements where the application stopped:

* ``stalled``: after a step nothing can move the workflow on (no user task ready, no timer or message
  awaited, nothing a participant may start). Every step checks this in its own transaction
  (``note_step``), and the timer worker sweeps for it periodically (``sweep``), which also finds
  applications that stalled before the check existed.
* ``step_failed``: a participant's step broke on a script, a condition or a timer expression, or hit
  the evaluator's limits. The step changed nothing and the participant was told; the process owner
  must look at the diagram.
* ``timer_failed``: the same, for a timer the worker fired. The worker then skips the application's
  timers, so one broken application cannot hold up the deadlines of the others, until an
  administrator asks for a retry.

A step that moves an application on resolves its open incidents.
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Exists, exists, select, update

from ...engine import EngineError
from ...extensions import db
from ...models import Incident, Instance, ReadyTask, User
from ...scope import can_retry_incidents
from ..errors import Forbidden, NotFound, RuleViolation, ServiceError
from .deployment import engine_for
from .runs import load_run

log = logging.getLogger(__name__)

STALLED, STEP_FAILED, TIMER_FAILED = "stalled", "step_failed", "timer_failed"
MOVED_ON, RETRY = "moved_on", "retry"


def _is_open() -> ColumnElement[bool]:
    return Incident.resolved_at.is_(None)


def _names(instance: Instance, element_ids: list[str]) -> str:
    names = engine_for(instance.version).definition.element_names()
    return "、".join(names.get(element_id, element_id) for element_id in element_ids)


def _open(
    instance: Instance, kind: str, element_ids: list[str], message: str, revision: int, now: datetime
) -> None:
    already = db.session.scalar(
        select(Incident.id).where(Incident.instance_id == instance.id, Incident.kind == kind, _is_open())
    )
    if already is not None:
        return
    db.session.add(
        Incident(
            instance_id=instance.id,
            kind=kind,
            element_ids=",".join(element_ids)[:512],
            element_names=_names(instance, element_ids)[:1024],
            message=message,
            revision=revision,
            opened_at=now,
        )
    )


def note_step(instance: Instance, stalled_at: list[str] | None, revision: int, now: datetime) -> None:
    """Inside a step's transaction: open a ``stalled`` incident, or resolve what the step moved on."""
    if stalled_at:
        log.error("instance %s stalled at %s", instance.id, ", ".join(stalled_at))
        message = "no task, timer or message can move the application on"
        _open(instance, STALLED, stalled_at, message, revision, now)
        return
    db.session.execute(
        update(Incident)
        .where(Incident.instance_id == instance.id, _is_open())
        .values(resolved_at=now, resolution=MOVED_ON)
        .execution_options(synchronize_session=False)
    )


def record_failure(kind: str, instance_id: int, element_id: str | None, message: str, now: datetime) -> None:
    """In a transaction of its own (the failed step was rolled back): open a failure incident."""
    db.session.rollback()
    instance = db.session.get(Instance, instance_id)
    if instance is None:
        return
    _open(instance, kind, [element_id] if element_id else [], message, instance.revision, now)
    db.session.commit()


def failed_step(instance_id: int, error: EngineError, fallback_element: str, now: datetime) -> ServiceError:
    """A participant's step broke in the diagram's code: record it, and say so in the user's words.

    The step is rolled back first, so it changed nothing; the returned error is for the caller to raise.
    """
    element = error.element_id or fallback_element
    log.error("instance %s: step at %s failed: %s", instance_id, element, error.message)
    record_failure(STEP_FAILED, instance_id, element, str(error), now)
    return cannot_continue(element)


def cannot_continue(element: str) -> ServiceError:
    """What a participant is told when the diagram's code broke at ``element``: it is not their fault."""
    return ServiceError(
        _("The process cannot continue at step %(element)s; please tell the process owner.", element=element)
    )


def has_open_timer_failure() -> Exists:
    """SQL condition: the instance has an open ``timer_failed`` incident (its timers are held back)."""
    return exists().where(Incident.instance_id == Instance.id, Incident.kind == TIMER_FAILED, _is_open())


def sweep(now: datetime) -> int:
    """Find running applications with nothing ready and no timer that have stalled; returns how many.

    The SQL narrows the search to applications with no ready task and no timer; only those are loaded.
    """
    candidates = db.session.scalars(
        select(Instance).where(
            Instance.status == "running",
            Instance.next_timer_at.is_(None),
            ~exists().where(ReadyTask.instance_id == Instance.id),
            ~exists().where(Incident.instance_id == Instance.id, _is_open()),
        )
    ).all()
    found = 0
    for instance in candidates:
        stalled_at = load_run(instance).stalled_at()
        if stalled_at:
            note_step(instance, stalled_at, instance.revision, now)
            found += 1
    db.session.commit()
    return found


def open_incidents_of(instance: Instance) -> list[Incident]:
    return list(
        db.session.scalars(
            select(Incident).where(Incident.instance_id == instance.id, _is_open()).order_by(Incident.id)
        )
    )


def retry(user: User, incident_id: int, now: datetime) -> Incident:
    """Let the timer worker fire a failed application's timers again (administrators only)."""
    if not can_retry_incidents(user):
        raise Forbidden(_("Only administrators can retry a failed step."))
    incident = db.session.get(Incident, incident_id) if 0 < incident_id < 2**63 else None
    if incident is None or incident.resolved_at is not None:
        raise NotFound(_("No such open incident."))
    if incident.kind != TIMER_FAILED:
        raise RuleViolation(
            _("Only a failed timer can be retried; the process owner must correct the diagram.")
        )
    incident.resolved_at, incident.resolution, incident.resolved_by_id = now, RETRY, user.id
    db.session.commit()
    return incident
