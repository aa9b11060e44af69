"""已退回: an applicant's task that asks for the declaration again says who sent it back and why.

A task that fills the 申报表's declaration block (``applicationFormBlock``, as the diagrams declare
it) after the declaration was already submitted is a return (``store.announcements.asks_again``,
which tells the applicant of it as such): the city returned it, or guided a
revision after the review, or the applicant withdrew it. The step that sent it back is the last
submission recorded before the task became ready; its decision and comments are shown as the
viewer may read them (``disclosure``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ...extensions import db
from ...models import HistoryEvent, Instance, ReadyTask, User
from ..store.announcements import asks_again
from .disclosure import step_role
from .history_view import EventView, event_view
from .reference_text import person_name
from .submission import SUBMISSION_KINDS


@dataclass(frozen=True)
class ReturnMark:
    view: EventView  # the step that sent the declaration back, as the viewer may read it
    withdrawn: bool  # taken back by the applicant itself (撤回), not returned by someone else

    @property
    def at(self) -> datetime:
        return self.view.event.at

    @property
    def by(self) -> str:
        """Who sent it back: a unit's account is named after it (济南市民政局)."""
        return person_name(self.view.actor)


def _sent_back_by(instance: Instance, task: ReadyTask) -> HistoryEvent | None:
    return db.session.scalar(
        select(HistoryEvent)
        .where(
            HistoryEvent.instance_id == instance.id,
            HistoryEvent.kind.in_(SUBMISSION_KINDS),
            HistoryEvent.at <= task.ready_since,
        )
        .order_by(HistoryEvent.seq.desc())
        .limit(1)
    )


def return_mark(task: ReadyTask, viewer: User, locale: str = "zh_CN") -> ReturnMark | None:
    """Why `task` asks for the declaration again; None when it is the first declaration."""
    if not asks_again(task.instance, task):
        return None
    event = _sent_back_by(task.instance, task)
    if event is None:
        return None
    withdrawn = step_role(event) == task.role
    return ReturnMark(event_view(task.instance, event, viewer, locale), withdrawn)


def return_marks(tasks: list[ReadyTask], viewer: User, locale: str = "zh_CN") -> dict[str, ReturnMark]:
    """Task id -> its return mark, for the inbox's rows."""
    marks = {task.id: return_mark(task, viewer, locale) for task in tasks}
    return {task_id: mark for task_id, mark in marks.items() if mark is not None}
