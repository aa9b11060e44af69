"""Completing and drafting user tasks: from a participant's submission to a committed transition."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from .. import clock
from ..engine import ScriptError, TaskNotReady
from ..extensions import db
from ..forms import FieldError, FormDefinition, validate_submission
from ..models import HistoryEvent, Instance, ReadyTask, TaskDraft, User
from ..scope import can_act_on
from .deployment import engine_for, form_for
from .documents import expand_documents, store_documents
from .errors import Conflict, NotFound, ServiceError, ValidationFailed
from .transitions import EventRecord, StaleRevision, commit_transition


@dataclass
class TaskContext:
    """Everything a task page or the API shows about one ready task."""

    task: ReadyTask
    instance: Instance
    form: FormDefinition
    values: dict
    draft_saved_at: object | None


def actionable_task(user: User, task_id: str) -> ReadyTask:
    """The ready task, if `user` may act on it; otherwise NotFound (R10: no probing by id)."""
    task = db.session.get(ReadyTask, task_id)
    if task is None or not can_act_on(user, task):
        completed_by = _completed_by(task_id) if task is None else None
        if completed_by and _was_assigned_to(user, task_id):
            raise Conflict(_("This task has already been completed by %(name)s.", name=completed_by))
        raise NotFound(_("Task not found."))
    return task


def task_context(user: User, task_id: str) -> TaskContext:
    task = actionable_task(user, task_id)
    instance = task.instance
    form = form_for(instance.version, task.form)
    run = engine_for(instance.version).restore(_state_of(instance))
    values = expand_documents(form, run.task_data(task.id))
    draft = db.session.get(TaskDraft, task.id)
    if draft is not None:
        values.update(draft.data)
    return TaskContext(task, instance, form, values, draft.saved_at if draft else None)


def save_draft(user: User, task_id: str, data: dict) -> TaskDraft:
    """Keep what the user typed, unvalidated, until they submit."""
    task = actionable_task(user, task_id)
    draft = db.session.get(TaskDraft, task.id) or TaskDraft(task_id=task.id, instance_id=task.instance_id)
    draft.data, draft.saved_by_id, draft.saved_at = data, user.id, clock.now()
    db.session.add(draft)
    db.session.commit()
    return draft


def complete_task(user: User, task_id: str, data: dict) -> Instance:
    """Validate, run the engine, and commit state + ready tasks + history in one transaction."""
    task = actionable_task(user, task_id)
    instance = task.instance
    form = form_for(instance.version, task.form)
    errors: list[FieldError] = validate_submission(form, data, {"instance": instance, "user": user})
    if errors:
        raise ValidationFailed(errors, _("Please correct the marked fields."))
    revision_seen = instance.revision
    now = clock.now()
    run = engine_for(instance.version).restore(_state_of(instance))
    try:
        # The submission replaces the form's fields: a field the user cleared must not keep its old value.
        submitted = {name: None for name in form.field_names()} | data
        engine_data = store_documents(form, submitted, instance.id, user.id, now)
        run.complete_task(task.id, engine_data, now)
    except TaskNotReady:
        db.session.rollback()
        raise _conflict_for(task_id) from None
    except ScriptError as exc:
        db.session.rollback()
        raise ServiceError(_("The process could not continue: %(reason)s", reason=exc.message)) from exc
    events = [EventRecord("task_completed", now, user.id, task.element_id, task.name, task.id, engine_data)]
    if run.is_completed:
        end_id, end_name, _outcome = run.end_outcome
        events.append(EventRecord("ended", now, user.id, end_id, end_name))
    draft = db.session.get(TaskDraft, task.id)
    if draft is not None:
        db.session.delete(draft)
    try:
        commit_transition(instance, run, revision_seen, events, now)
    except StaleRevision:
        raise _conflict_for(task_id) from None
    return db.session.get(Instance, instance.id)


def _state_of(instance: Instance) -> str:
    return db.session.scalar(select(Instance.state).where(Instance.id == instance.id))


def _completed_by(task_id: str) -> str | None:
    event = db.session.scalar(
        select(HistoryEvent).where(HistoryEvent.task_id == task_id, HistoryEvent.kind == "task_completed")
    )
    if event is None:
        return None
    return event.actor.display_name if event.actor else _("the system")


def _was_assigned_to(user: User, task_id: str) -> bool:
    """Whether the completed task was one `user` could have done: only then say who beat them."""
    event = db.session.scalar(
        select(HistoryEvent).where(HistoryEvent.task_id == task_id, HistoryEvent.kind == "task_completed")
    )
    if event is None or event.actor is None:
        return False
    return event.actor.org_id == user.org_id or event.actor_id == user.id


def _conflict_for(task_id: str) -> Conflict:
    db.session.rollback()
    who = _completed_by(task_id)
    if who:
        return Conflict(_("This task has already been completed by %(name)s.", name=who))
    return Conflict(_("The application changed while you were working on it; please reload and try again."))
