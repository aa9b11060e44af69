"""办理进度: who holds an application now and since when, in words beside the diagram.

Each pending task is held by a unit (the county, its city, the province) or by a person. The tasks
of a confidential role (``app.visibility``: the review experts) are a panel: everyone who sees the
application learns how many of the round's experts have answered (2/3 位专家已提交); only those who
see every opinion (the province, the auditors) learn who they are and who is still to answer, and
an expert learns about their own task. Nobody learns an opinion here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from sqlalchemy import select

from ...extensions import db
from ...models import HistoryEvent, Instance, Organisation, ReadyTask, User
from ...roles import role_label
from ...visibility import is_confidential, sees_every_submission
from .element_text import element_name
from .language import parenthesised
from .queries import open_tasks_of
from .reference_text import organisation_name, person_name
from .submission import SUBMISSION_KINDS


@dataclass(frozen=True)
class Holding:
    """A pending task and who holds it."""

    task: ReadyTask
    holder: str  # the unit's or the person's name

    @property
    def since(self) -> datetime:
        return self.task.ready_since


@dataclass(frozen=True)
class PanelMember:
    name: str
    answered: bool


@dataclass(frozen=True)
class PanelProgress:
    """A round of a confidential multi-person task (the experts' review)."""

    name: str  # the task's name
    role: str
    since: datetime  # when the round's tasks became ready
    answered: int
    total: int
    members: list[PanelMember] | None  # None for a viewer who may not learn who the experts are
    own_answered: bool | None  # for a member of the panel: whether their own answer is in


@dataclass(frozen=True)
class Progress:
    holdings: list[Holding]
    panels: list[PanelProgress]


def _holder(task: ReadyTask, locale: str) -> str:
    if task.assignee_user_id is not None:
        person = db.session.get(User, task.assignee_user_id)
        if person is not None:
            return person_name(person)
    if task.assignee_org_id is not None:
        unit = db.session.get(Organisation, task.assignee_org_id)
        if unit is not None:  # 济南市（市级民政部门）: the unit, and in which role it holds the task
            return organisation_name(unit) + parenthesised(role_label(task.role or "", locale))
    return role_label(task.role or "", locale)


def _answered_in_round(instance: Instance, element_id: str) -> list[HistoryEvent]:
    """The completions of `element_id` in the round still open: the submissions recorded since
    another step's (the one that opened the round, e.g. the province's assignment), oldest first."""
    submissions = db.session.scalars(
        select(HistoryEvent)
        .where(HistoryEvent.instance_id == instance.id, HistoryEvent.kind.in_(SUBMISSION_KINDS))
        .order_by(HistoryEvent.seq.desc())
    )
    answered = []
    for event in submissions:
        if event.kind != "task_completed" or event.element_id != element_id:
            break
        answered.append(event)
    return answered[::-1]


def _panel(instance: Instance, pending: list[ReadyTask], viewer: User, locale: str) -> PanelProgress:
    first = pending[0]
    since = min(task.ready_since for task in pending)
    answered = _answered_in_round(instance, first.element_id)
    members = None
    if sees_every_submission(viewer):
        members = [PanelMember(person_name(e.actor), True) for e in answered] + [
            PanelMember(_holder(task, locale), False) for task in pending
        ]
    own: bool | None = None
    if any(task.assignee_user_id == viewer.id for task in pending):
        own = False
    elif any(event.actor_id == viewer.id for event in answered):
        own = True
    return PanelProgress(
        element_name(instance.version, first.element_id, first.name),
        first.role or "",
        since,
        len(answered),
        len(answered) + len(pending),
        members,
        own,
    )


def progress_of(instance: Instance, viewer: User, locale: str = "zh_CN") -> Progress:
    """Who holds `instance`'s pending tasks, as `viewer` may know it, oldest first."""
    tasks = sorted(open_tasks_of(instance), key=lambda task: (task.element_id, task.ready_since))
    holdings: list[Holding] = []
    panels: list[PanelProgress] = []
    for _, group in groupby(tasks, key=lambda task: task.element_id):
        same_step = list(group)
        if is_confidential(same_step[0].role):
            panels.append(_panel(instance, same_step, viewer, locale))
        else:
            holdings.extend(Holding(task, _holder(task, locale)) for task in same_step)
    holdings.sort(key=lambda holding: holding.since)
    return Progress(holdings, panels)
