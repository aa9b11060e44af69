"""Who hears of a step: the people given a task by it, and the applicant when its application ends.

Written in the step's own transaction (``commit_transition`` calls ``announce``), so a notification
exists exactly when the task or the end it tells of does. A task asking the applicant to fill in the
declaration again (the block the diagram marks ``declaration``) is told as a return, not as a new task.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import lazyload

from ...clock import PROGRAMME_TZ
from ...extensions import db
from ...models import HistoryEvent, Instance, ReadyTask, User
from ...roles import Role
from ...scope import Assignee, users_acting_for
from ..notices.record import notify
from ..notices.texts import DECIDED, NEW_TASK, RETURNED, TAKEN_BACK
from .deployment import engine_for

DECLARATION_BLOCK = "declaration"


def application_label(instance: Instance) -> str:
    return f"#{instance.id} {instance.applicant.full_name}"


def task_params(task: ReadyTask) -> dict[str, str]:
    """The task and its application named in a notification, in Chinese and English.

    A notification is shown (and mailed) long after it is written, to readers of either language.
    """
    instance = task.instance
    english = engine_for(instance.version).definition.english_names()
    return {
        "task": task.name,
        "task_en": english.get(task.element_id) or task.name,
        "application": application_label(instance),
        "application_en": f"#{instance.id} {instance.applicant.full_name_en}",
    }


def asks_again(instance: Instance, task: ReadyTask) -> bool:
    """Whether the task asks the applicant for a declaration already given once: a return."""
    blocks = engine_for(instance.version).definition.application_form_blocks()
    if blocks.get(task.element_id) != DECLARATION_BLOCK:
        return False
    declared = [element for element, block in blocks.items() if block == DECLARATION_BLOCK]
    given = db.session.scalar(
        select(HistoryEvent.id)
        .where(
            HistoryEvent.instance_id == instance.id,
            HistoryEvent.kind == "task_completed",
            HistoryEvent.element_id.in_(declared),
        )
        .limit(1)
    )
    return given is not None


def announce(
    instance: Instance,
    new_tasks: list[ReadyTask],
    end: tuple[str, str, str | None] | None,
    now: datetime,
    actor_id: int | None = None,
) -> None:
    """Notify the people of each new task, and the applicant's unit when the application ended.

    The one who took the step is not told of what they just did (a county starting its application
    is not notified of its own declaration task); their colleagues are.
    """
    label = application_label(instance)
    for task in new_tasks:
        people = [
            user
            for user in db.session.scalars(
                # who they are and what mail they want: their roles and units are not read here
                users_acting_for(Assignee(task.role, task.assignee_org_id, task.assignee_user_id)).options(
                    lazyload(User.role_rows), lazyload(User.organisation)
                )
            )
            if user.id != actor_id
        ]
        if not people:
            continue
        params = task_params(task)
        if task.due_at is not None:
            params["due"] = task.due_at.astimezone(PROGRAMME_TZ).date().isoformat()
        kind = RETURNED if asks_again(instance, task) else NEW_TASK
        notify(
            people,
            kind,
            now,
            instance_id=instance.id,
            task_id=task.id,
            link=f"/tasks/{task.id}",
            params=params,
        )
    if end is not None:
        applicants = [
            user
            for user in db.session.scalars(
                users_acting_for(Assignee(Role.APPLICANT, instance.applicant_org_id))
            )
            if user.id != actor_id
        ]
        english = engine_for(instance.version).definition.english_names()
        params = {
            "application": label,
            "application_en": f"#{instance.id} {instance.applicant.full_name_en}",
            "outcome": end[1],
            "outcome_en": english.get(end[0]) or end[1],
        }
        notify(
            applicants,
            DECIDED,
            now,
            instance_id=instance.id,
            link=f"/applications/{instance.id}",
            params=params,
        )


def announce_taken_back(instance: Instance, gone: list[ReadyTask], events: list[Any], now: datetime) -> None:
    """Tell the people of the tasks a participant's request took away (the applicant withdrew what its
    city was reviewing): their task left the inbox without anyone completing it.

    Only for a step that is a request people started (``event_started``) and fired no deadline: a
    deadline or a re-armed due date takes tasks away as the diagram's own business.
    """
    kinds = {event.kind for event in events}
    if "event_started" not in kinds or "timer_fired" in kinds or not gone:
        return
    request = next(event for event in events if event.kind == "event_started")
    starter = db.session.get(User, request.actor_id) if request.actor_id else None
    step_en = engine_for(instance.version).definition.english_name(request.element_id, request.element_name)
    for task in gone:
        people = db.session.scalars(
            users_acting_for(Assignee(task.role, task.assignee_org_id, task.assignee_user_id))
        )
        notify(
            people,
            TAKEN_BACK,
            now,
            instance_id=instance.id,
            link=f"/applications/{instance.id}",
            params={
                **task_params(task),
                "step": request.element_name or "",
                "step_en": step_en or "",
                "by": starter.display_name if starter else "",
            },
        )
