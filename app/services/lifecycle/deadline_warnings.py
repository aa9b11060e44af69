"""Warning people of their deadlines: once when a task falls due within 3 days, once when it is late.

The worker runs this on every pass; a notification already sent for a task and kind is not sent
again, so a pass may run any number of times; with several workers, one at a time does it
(``timers.HOUSEKEEPING``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, select

from ...clock import PROGRAMME_TZ
from ...extensions import db
from ...models import Notification, ReadyTask
from ...scope import users_acting_on
from ..notices.record import notify
from ..notices.texts import DUE_SOON, OVERDUE
from ..store.announcements import task_params

WARN_BEFORE = timedelta(days=3)


def _not_yet_told(kind: str):
    return ~exists().where(Notification.task_id == ReadyTask.id, Notification.kind == kind)


def warn_of_deadlines(now: datetime) -> int:
    """Notify the people of tasks due within ``WARN_BEFORE`` and of late tasks; returns how many tasks."""
    warned = 0
    for kind, when in (
        (OVERDUE, ReadyTask.due_at < now),
        (DUE_SOON, ReadyTask.due_at.between(now, now + WARN_BEFORE)),
    ):
        for task in db.session.scalars(
            select(ReadyTask).where(when, _not_yet_told(kind)).order_by(ReadyTask.due_at)
        ):
            people = db.session.scalars(users_acting_on(task, now)).all()
            due = task.due_at.astimezone(PROGRAMME_TZ).date().isoformat() if task.due_at else ""
            params = {**task_params(task), "due": due}
            notify(
                people,
                kind,
                now,
                instance_id=task.instance_id,
                task_id=task.id,
                link=f"/tasks/{task.id}",
                params=params,
            )
            warned += 1
        db.session.commit()
    return warned
