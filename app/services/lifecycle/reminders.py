"""催办: the province (on any task) or a city (on its counties' tasks) reminds whoever holds a task.

The reminder is recorded in the application's history, as a note chained like every event (it
changes no state), and reaches the task's people as a notification, by e-mail too if they chose so.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import Select, exists, select
from sqlalchemy.exc import IntegrityError

from ... import clock
from ...extensions import db
from ...forms import FieldError, has_unstorable_character
from ...models import Instance, ReadyTask, User
from ...scope import can_remind, can_see_instance, reminds_at_all, users_acting_on, visible_instances_filter
from ..errors import Forbidden, NotFound, ValidationFailed
from ..notices.record import notify
from ..notices.texts import REMINDER
from ..reading.reference_text import person_name
from ..store.announcements import task_params
from ..store.step import changed_meanwhile
from ..store.transitions import EventRecord, append_note

MAX_MESSAGE = 500


def checked_message(message: str | None) -> str:
    text = (message or "").strip()
    problem = None
    if len(text) > MAX_MESSAGE:
        problem = _("A reminder's message has at most %(n)s characters.", n=MAX_MESSAGE)
    elif has_unstorable_character(text):
        problem = _("The message contains an invalid character (NUL or a lone UTF-16 surrogate).")
    if problem:
        raise ValidationFailed([FieldError("message", problem)], problem)
    return text


def remindable_task(user: User, task_id: str) -> ReadyTask:
    """The pending task, if ``user`` may see its application (else NotFound) and remind (else Forbidden)."""
    task = db.session.get(ReadyTask, task_id) if task_id and len(task_id) <= 36 else None
    if task is None or not can_see_instance(user, task.instance):
        raise NotFound(_("Task not found."))
    if not can_remind(user, task):
        raise Forbidden(_("Only the province, or the city for its own counties, can send a reminder."))
    return task


def _overdue(user: User, now: datetime) -> Select:
    """The overdue tasks in `user`'s scope, read from the due-date index (``ix_ready_tasks_due``).

    The scope is checked per task (a correlated EXISTS), so that the tasks' due date is the only
    index to start from: joined, SQLite would rather walk every task of a city's counties, its
    planner unable to tell that few are overdue.
    """
    in_scope = exists().where(Instance.id == ReadyTask.instance_id, visible_instances_filter(user))
    return (
        select(ReadyTask)
        .where(ReadyTask.due_order < now, in_scope)  # the undated are due never (UNDATED)
        .order_by(ReadyTask.due_order, ReadyTask.instance_id)
    )


def overdue_remindable(user: User, now: datetime) -> list[ReadyTask]:
    """Pending tasks past their due date that ``user`` sees and may remind, the longest overdue first."""
    if not reminds_at_all(user):
        return []
    return [task for task in db.session.scalars(_overdue(user, now)) if can_remind(user, task)]


def any_overdue_remindable(user: User, now: datetime) -> bool:
    """Whether there is one (read a few at a time: the inbox asks on every page)."""
    if not reminds_at_all(user):
        return False  # not worth reading an expert's thousands of overdue reviews to learn that
    overdue = db.session.scalars(_overdue(user, now).execution_options(yield_per=20))
    try:
        return any(can_remind(user, task) for task in overdue)
    finally:
        overdue.close()


def remindable_ids(user: User, tasks: list[ReadyTask]) -> set[str]:
    """Which of an application's pending tasks ``user`` may send a reminder on (its page shows 催办)."""
    return {task.id for task in tasks if can_remind(user, task)}


def remind(user: User, task_id: str, message: str | None = None) -> ReadyTask:
    """Record the reminder in the history and notify the task's people, in one transaction."""
    text = checked_message(message)
    task = remindable_task(user, task_id)
    now = clock.now()
    sender = user.display_name  # a unit's account is named after the bureau (山东省民政厅)
    event = EventRecord(
        "reminded", now, user.id, task.element_id, task.name, task.id, data={"message": text} if text else {}
    )
    people = db.session.scalars(users_acting_on(task, now)).all()
    params = {**task_params(task), "by": sender, "by_en": person_name(user, english=True)}
    if text:
        params["message"] = text
    try:
        append_note(task.instance, event)
        notify(
            people,
            REMINDER,
            now,
            instance_id=task.instance_id,
            task_id=task.id,
            link=f"/tasks/{task.id}",
            params=params,
        )
        db.session.commit()
    except IntegrityError:  # another event took the same place in the history at the same moment
        db.session.rollback()
        raise changed_meanwhile() from None
    return task
