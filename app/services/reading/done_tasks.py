"""已办: the steps a user, or the unit they work for, has taken, newest first, read from the history.

A done task is a history event that carries a person's submission (a task completed, a request
started). A unit's accounts share their work (a city's clerk sees what a colleague forwarded); a
person's role (an expert) has only their own. Each is shown as the viewer may read it
(``disclosure``): the decision and the comments, with the form's own labels.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import ColumnElement, and_, false, or_, select

from ...extensions import db
from ...models import HistoryEvent, Instance, ProcessVersion, User
from ...roles import Role
from ...scope import visible_instances_filter
from ..errors import MAX_ID
from ..store.deployment import engine_for
from .history_view import EventView, event_view
from .paging import DEFAULT_LIMIT, MAX_LIMIT, Ordering, Page, keyset_page
from .submission import SUBMISSION_KINDS

# Roles whose work belongs to the unit (organisation) rather than to the person.
_UNIT_ROLES = frozenset({Role.APPLICANT, Role.CITY, Role.PROVINCE})
DONE_SORTS = ("newest", "oldest")


@dataclass(frozen=True)
class DoneTask:
    instance: Instance
    view: EventView  # the event as the viewer may read it (decision and comments in `lines`)
    phase: str | None  # the name of the process the step belongs to

    @property
    def event(self) -> HistoryEvent:
        return self.view.event


@dataclass(frozen=True)
class DoneQuery:
    """What the 已办 list asks for; every field comes from the URL, so it can be bookmarked."""

    sort: str = "newest"
    phase: str | None = None
    after: int | None = None  # the id of the last step (history event) of the page before
    limit: int | None = None  # DEFAULT_LIMIT; at most MAX_LIMIT

    def normalised(self) -> DoneQuery:
        return replace(
            self,
            sort=self.sort if self.sort in DONE_SORTS else "newest",
            phase=(self.phase or "").strip()[:64] or None,
            after=self.after if self.after is not None and 0 < self.after < MAX_ID else None,
            limit=min(max(self.limit or DEFAULT_LIMIT, 1), MAX_LIMIT),
        )


def _done_by(user: User):
    """A SQL condition on HistoryEvent: taken by `user`, or by an account of their unit."""
    if user.org_id and _UNIT_ROLES & user.roles:
        colleagues = select(User.id).where(User.org_id == user.org_id)
        return or_(HistoryEvent.actor_id == user.id, HistoryEvent.actor_id.in_(colleagues))
    return HistoryEvent.actor_id == user.id


def _phases(version: ProcessVersion) -> dict[str, str]:
    """Element id -> the name of the process it belongs to, for the steps people take."""
    definition = engine_for(version).definition
    names = definition.process_names()
    phases = {t.element_id: names.get(t.process_id, t.process_id) for t in definition.user_tasks()}
    for start in definition.message_starts():
        phases[start.element_id] = names.get(start.owner_process_id, start.owner_process_id)
    return phases


def _versions() -> list[ProcessVersion]:
    return list(db.session.scalars(select(ProcessVersion).order_by(ProcessVersion.id)))


def _in_phase(phase: str) -> ColumnElement[bool]:
    """A SQL condition on HistoryEvent joined to its Instance: the step belongs to `phase`.

    A phase is a process of the diagrams, so its steps are element ids, per deployed version.
    """
    conditions = []
    for version in _versions():
        elements = [element for element, name in _phases(version).items() if name == phase]
        if elements:
            conditions.append(and_(Instance.version_id == version.id, HistoryEvent.element_id.in_(elements)))
    return or_(*conditions) if conditions else false()


def _done_steps(user: User):
    return (
        select(HistoryEvent)
        .join(Instance, Instance.id == HistoryEvent.instance_id)
        .where(HistoryEvent.kind.in_(SUBMISSION_KINDS), _done_by(user), visible_instances_filter(user))
    )


def done_page(user: User, query: DoneQuery = DoneQuery(), locale: str = "zh_CN") -> Page[DoneTask]:
    """What `user` (or their unit) has done on the applications they may still see, a page at a time."""
    query = query.normalised()
    steps = _done_steps(user)
    if query.phase:
        steps = steps.where(_in_phase(query.phase))
    ordering = Ordering(HistoryEvent.at, HistoryEvent.id, query.sort == "newest")
    page = keyset_page(steps, ordering, query.after, query.limit or DEFAULT_LIMIT)
    ids = {event.instance_id for event in page.items}
    instances = {i.id: i for i in db.session.scalars(select(Instance).where(Instance.id.in_(ids)))}
    phases: dict[int, dict[str, str]] = {}  # per diagram version
    items = []
    for event in page.items:
        instance = instances[event.instance_id]
        if instance.version_id not in phases:
            phases[instance.version_id] = _phases(instance.version)
        step_phase = phases[instance.version_id].get(event.element_id or "")
        items.append(DoneTask(instance, event_view(instance, event, user, locale), step_phase))
    return page.showing(items)


def done_phases(user: User) -> list[str]:
    """The phases of the steps `user` has done, for the filter."""
    pairs = db.session.execute(
        _done_steps(user).with_only_columns(Instance.version_id, HistoryEvent.element_id).distinct()
    ).all()
    versions = {v.id: v for v in _versions()}
    names: dict[int, dict[str, str]] = {}
    found = set()
    for version_id, element_id in pairs:
        if version_id not in names:
            names[version_id] = _phases(versions[version_id])
        if element_id in names[version_id]:
            found.add(names[version_id][element_id])
    return sorted(found)
