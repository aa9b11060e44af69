"""批量办理: the same submission on several applications at once, and reminders to every late holder.

A form says whether its tasks may be done together (its display hints' ``"batch": true``, e.g. the
province's assignment of review experts); nothing here names a task. Each application still takes
its own step (``tasks.complete_task``: its own validation, named checks such as "a guiding expert
may not review", its own history event), and a reminder is its own note (``reminders.remind``). So
the batch is not all-or-nothing: what succeeded stays done, and each failure is reported with the
application's name and the reason, for the user to correct and try again on those alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, and_, false, or_, select

from ... import clock
from ...extensions import db
from ...forms import FieldError, FormDefinition, PersonChoice
from ...models import Instance, ProcessVersion, ReadyTask, User
from ...scope import actionable_tasks_filter
from ..errors import NotFound, ServiceError, ValidationFailed
from ..reading.people import people_choices
from ..store.announcements import application_label
from ..store.deployment import form_for, forms_hinted
from . import reminders, tasks

BATCH_HINT = "batch"
MAX_BATCH = 100


@dataclass(frozen=True)
class BatchGroup:
    """The user's ready tasks of one batch form, with the form (of the newest application's version)."""

    form: FormDefinition
    tasks: list[ReadyTask]
    choices: dict[str, list[PersonChoice]]


@dataclass
class BatchOutcome:
    done: list[str] = field(default_factory=list)  # application labels
    failed: list[tuple[str, str]] = field(default_factory=list)  # (application label, reason)
    errors: list[FieldError] = field(default_factory=list)  # the first failure's field errors


def batch_groups(user: User) -> list[BatchGroup]:
    """The ready tasks `user` may complete (none another member holds) whose form allows batch work,
    grouped by form, oldest first."""
    by_form: dict[str, list[ReadyTask]] = {}
    for task in db.session.scalars(_batch_tasks(user).order_by(ReadyTask.ready_since)):
        by_form.setdefault(task.form or "", []).append(task)
    groups = []
    for name, found in sorted(by_form.items()):
        form = form_for(found[-1].instance.version, name)
        groups.append(BatchGroup(form, found, people_choices(form)))
    return groups


def batch_group(user: User, form_name: str) -> BatchGroup:
    for group in batch_groups(user):
        if group.form.name == form_name:
            return group
    raise NotFound(_("Nothing of this kind is waiting for you."))


def _reason(exc: ServiceError) -> str:
    if isinstance(exc, ValidationFailed) and exc.errors:
        return "；".join(error.message for error in exc.errors)
    return exc.message


def complete_many(user: User, form_name: str, task_ids: list[str], data: dict) -> BatchOutcome:
    """Complete each chosen task of `user`'s batch group with `data`, each as its own step."""
    group = batch_group(user, form_name)
    offered = {task.id: task for task in group.tasks}
    chosen = [offered[task_id] for task_id in dict.fromkeys(task_ids) if task_id in offered][:MAX_BATCH]
    outcome = BatchOutcome()
    for task in chosen:
        label = application_label(task.instance)
        try:
            tasks.complete_task(user, task.id, data)
        except ServiceError as exc:
            outcome.failed.append((label, _reason(exc)))
            if isinstance(exc, ValidationFailed) and not outcome.errors:
                outcome.errors = list(exc.errors)
        else:
            outcome.done.append(label)
    return outcome


def _batch_tasks(user: User) -> Select:
    """The ready tasks `user` may complete whose form allows batch work, chosen in SQL: the inbox
    asks on every page, so it must not load every task of a province with thousands."""
    batch: list[ColumnElement[bool]] = [false()]
    for version in db.session.scalars(select(ProcessVersion).order_by(ProcessVersion.id)):
        if names := forms_hinted(version, BATCH_HINT):
            batch.append(and_(Instance.version_id == version.id, ReadyTask.form.in_(names)))
    return (
        select(ReadyTask)
        .join(Instance, Instance.id == ReadyTask.instance_id)
        .where(actionable_tasks_filter(user), or_(*batch))
    )


def has_batch_work(user: User) -> bool:
    """Whether the inbox offers `user` the batch page (something to do together, or late holders)."""
    if db.session.scalar(_batch_tasks(user).with_only_columns(ReadyTask.id).limit(1)) is not None:
        return True
    return reminders.any_overdue_remindable(user, clock.now())


def late_tasks(user: User) -> list[ReadyTask]:
    """Pending tasks past their due date that `user` may remind (催办), the longest overdue first."""
    return reminders.overdue_remindable(user, clock.now())


def remind_many(user: User, task_ids: list[str], message: str | None) -> BatchOutcome:
    """Remind the holders of each chosen late task, each reminder its own note in its history."""
    reminders.checked_message(message)  # a bad message fails the whole batch before anything is sent
    offered = {task.id: task for task in late_tasks(user)}
    outcome = BatchOutcome()
    for task_id in list(dict.fromkeys(task_ids))[:MAX_BATCH]:
        task = offered.get(task_id)
        if task is None:
            continue
        label = application_label(task.instance)
        try:
            reminders.remind(user, task_id, message)
        except ServiceError as exc:
            outcome.failed.append((label, _reason(exc)))
        else:
            outcome.done.append(label)
    return outcome
