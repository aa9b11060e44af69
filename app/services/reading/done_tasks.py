"""已办: the steps a user, or the unit they work for, has taken, newest first, read from the history.

A done task is a history event that carries a person's submission (a task completed, a request
started). A unit's accounts share their work (a city's clerk sees what a colleague forwarded); a
person's role (an expert) has only their own. Each is shown as the viewer may read it
(``disclosure``): the decision and the comments, with the form's own labels.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from ...extensions import db
from ...models import HistoryEvent, Instance, User
from ...roles import Role
from ...scope import visible_instances_filter
from ..store.deployment import engine_for
from .history_view import EventView, event_view
from .submission import SUBMISSION_KINDS

# Roles whose work belongs to the unit (organisation) rather than to the person.
_UNIT_ROLES = frozenset({Role.APPLICANT, Role.CITY, Role.PROVINCE})
DONE_SORTS = ("newest", "oldest")
# The page shows the latest steps; older ones stay in each application's history.
DONE_LIMIT = 200


@dataclass(frozen=True)
class DoneTask:
    instance: Instance
    view: EventView  # the event as the viewer may read it (decision and comments in `lines`)
    phase: str | None  # the name of the process the step belongs to

    @property
    def event(self) -> HistoryEvent:
        return self.view.event


def _done_by(user: User):
    """A SQL condition on HistoryEvent: taken by `user`, or by an account of their unit."""
    if user.org_id and _UNIT_ROLES & user.roles:
        colleagues = select(User.id).where(User.org_id == user.org_id)
        return or_(HistoryEvent.actor_id == user.id, HistoryEvent.actor_id.in_(colleagues))
    return HistoryEvent.actor_id == user.id


def _phases(instance: Instance) -> dict[str, str]:
    """Element id -> the name of the process it belongs to, for the steps people take."""
    definition = engine_for(instance.version).definition
    names = definition.process_names()
    phases = {t.element_id: names.get(t.process_id, t.process_id) for t in definition.user_tasks()}
    for start in definition.message_starts():
        phases[start.element_id] = names.get(start.owner_process_id, start.owner_process_id)
    return phases


def _done_steps(user: User, sort: str) -> list[tuple[HistoryEvent, Instance, str | None]]:
    """(event, application, phase) of the latest steps `user` or their unit took, in `sort` order."""
    order = (
        (HistoryEvent.at, HistoryEvent.id)
        if sort == "oldest"
        else (HistoryEvent.at.desc(), HistoryEvent.id.desc())
    )
    rows = db.session.execute(
        select(HistoryEvent, Instance)
        .join(Instance, Instance.id == HistoryEvent.instance_id)
        .where(HistoryEvent.kind.in_(SUBMISSION_KINDS), _done_by(user), visible_instances_filter(user))
        .order_by(*order)
        .limit(DONE_LIMIT)
    ).all()
    phases: dict[int, dict[str, str]] = {}  # per diagram version
    steps = []
    for event, instance in rows:
        if instance.version_id not in phases:
            phases[instance.version_id] = _phases(instance)
        steps.append((event, instance, phases[instance.version_id].get(event.element_id or "")))
    return steps


def done_tasks_for(
    user: User, *, sort: str = "newest", phase: str | None = None, locale: str = "zh_CN"
) -> list[DoneTask]:
    """What `user` (or their unit) has done on the applications they may still see, newest first."""
    return [
        DoneTask(instance, event_view(instance, event, user, locale), step_phase)
        for event, instance, step_phase in _done_steps(user, sort)
        if not phase or step_phase == phase
    ]


def done_phases(user: User) -> list[str]:
    """The phases of the steps `user` has done, for the filter."""
    return sorted({step_phase for _, _, step_phase in _done_steps(user, "newest") if step_phase})
