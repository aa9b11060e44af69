"""Completing and drafting user tasks: from a participant's submission to a committed transition."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from ... import clock
from ...engine import FiredTimer
from ...extensions import db
from ...forms import (
    FieldError,
    FormDefinition,
    PersonChoice,
    draft_problems,
    readable,
    settle_submission,
    validate_submission,
)
from ...forms.checks import GUIDING_EXPERTS_FIELD
from ...models import HistoryEvent, Instance, ProcessVersion, ReadyTask, TaskDraft, User
from ...scope import in_unit_of
from ..errors import Conflict, NotFound, RuleViolation, ValidationFailed
from ..reading import element_text, language
from ..reading.disclosure import shown_data
from ..reading.people import people_choices
from ..similarity import queue_check
from ..store.deployment import form_for
from ..store.documents import expand_documents
from ..store.runs import load_run
from ..store.step import Step, changed_meanwhile, take_step
from ..store.transitions import EventRecord
from . import attachments, claims
from .form_context import validation_context

log = logging.getLogger(__name__)


@dataclass
class TaskContext:
    """Everything a task page or the API shows about one ready task."""

    task: ReadyTask
    instance: Instance
    form: FormDefinition
    values: dict
    draft_saved_at: datetime | None
    choices: dict[str, list[PersonChoice]]


def actionable_task(user: User, task_id: str) -> ReadyTask:
    """The ready task, if it is `user`'s unit's or `user`'s own; otherwise NotFound (R10: no probing by id).

    A task another member of the unit holds is found too: its page shows the holder, and what would
    change it (a draft, a file, the completion) is refused with the holder's name (``claims``).
    """
    task = db.session.get(ReadyTask, task_id)
    if task is None or not in_unit_of(user, task):
        completion = _completion_of(task_id) if task is None else None
        if completion is not None and _could_have_done(user, completion):
            raise Conflict(
                _("This task has already been completed by %(name)s.", name=_actor_name(completion))
            )
        raise NotFound(_("Task not found."))
    return task


def task_form(user: User, task_id: str) -> tuple[ReadyTask, FormDefinition]:
    task = actionable_task(user, task_id)
    return task, form_for(task.instance.version, task.form)


def task_context(user: User, task_id: str) -> TaskContext:
    task, form = task_form(user, task_id)
    # The workflow data the task sees carries earlier steps' data: read it as the user may (the panel
    # of review experts and their verdicts stay with the province; app.visibility).
    data = shown_data(user, task.instance.version, load_run(task.instance).task_data(task.id))
    values = expand_documents(form, data)
    draft = db.session.get(TaskDraft, task.id)
    if draft is not None:
        values.update(readable(draft.data))  # a draft stored before text was checked
    saved_at = draft.saved_at if draft else None
    choices = people_choices(form, task.instance, values.get(GUIDING_EXPERTS_FIELD))
    return TaskContext(task, task.instance, form, values, saved_at, choices)


def form_fields_only(form: FormDefinition, data: object) -> dict:
    """The submission limited to the form's own fields: anything else is refused, never stored.

    The workflow's other variables (start data, earlier decisions) can only change through their
    own forms, and a client cannot slip a forged opinion or a bulky blob into the state.
    """
    if not isinstance(data, dict):
        raise ValidationFailed(
            [FieldError("", _("The data must be an object of form fields."))],
            _("Please correct the marked fields."),
        )
    known = set(form.field_names())
    unknown = sorted(str(key) for key in data if key not in known)
    if unknown:
        raise ValidationFailed(
            [FieldError(key, _("This form has no field %(name)s.", name=key)) for key in unknown],
            _("Please correct the marked fields."),
        )
    return settle_submission(form, data)


def upload_file(user: User, task_id: str, field: str, filename: str, stream) -> dict:
    """Keep a file for one of the task's file fields; returns the reference to put in the data."""
    task, form = task_form(user, task_id)
    claims.refuse_unless_holder(user, task)
    return attachments.store_upload(user, task.instance_id, form, field, filename, stream)


def _held_task_form(user: User, task_id: str) -> tuple[ReadyTask, FormDefinition]:
    """The task and its form, for `user` to save or submit: refused when another member holds it.

    The claim is read from the database: a task another completion removed since it was loaded
    reads as "not yours", though nobody holds it (seen racing on PostgreSQL): that is a conflict.
    """
    task, form = task_form(user, task_id)
    try:
        claims.refuse_unless_holder(user, task)
    except claims.HeldByOther:
        if db.session.scalar(select(ReadyTask.id).where(ReadyTask.id == task_id)) is None:
            raise _conflict_for(task_id) from None
        raise
    return task, form


def save_draft(user: User, task_id: str, data: dict) -> TaskDraft:
    """Keep what the user typed, unvalidated but storable and size-capped, until they submit."""
    task, form = _held_task_form(user, task_id)
    data = attachments.settle_references(form, form_fields_only(form, data), task.instance_id)
    problems = draft_problems(form, data)
    if problems:
        raise ValidationFailed(problems, _("The draft was not saved: please correct the marked fields."))
    draft = db.session.get(TaskDraft, task.id) or TaskDraft(task_id=task.id, instance_id=task.instance_id)
    draft.data, draft.saved_by_id, draft.saved_at = data, user.id, clock.now()
    db.session.add(draft)
    db.session.commit()
    return draft


def complete_task(user: User, task_id: str, data: dict) -> Instance:
    """Validate the submission, then complete the task as one step (``store.step.take_step``).

    When another step of the application commits first, the completion is taken again on the new
    revision as long as the task is still ready; only a completion of the same task conflicts.
    A task someone else of the unit holds is refused before and, against a claim made meanwhile,
    again inside the step (``claims.lock_for_completion``); a delegate's completion names the holder.
    """
    task, form = _held_task_form(user, task_id)
    data = attachments.settle_references(form, form_fields_only(form, data), task.instance_id)
    errors: list[FieldError] = validate_submission(
        form, data, validation_context(form, task.instance, user, task=task)
    )
    if errors:
        raise ValidationFailed(errors, _("Please correct the marked fields."))
    instance_id, element_id, name = task.instance_id, task.element_id, task.name

    def still_ready() -> bool:
        nonlocal name
        again = db.session.get(ReadyTask, task_id)
        if again is not None:
            name = again.name  # as the instance's version names it now (a migration may rename it)
        return again is not None

    def complete(step: Step) -> EventRecord:
        if step.fired and task_id not in {t.task_id for t in step.run.ready_user_tasks()}:
            version = db.session.get_one(Instance, instance_id).version
            raise _too_late(step.fired, element_text.element_name(version, element_id, name), version)
        for_holder = claims.lock_for_completion(user, task)
        engine_data = step.submission(form, data, user.id)
        step.run.complete_task(task_id, engine_data, step.now)
        queue_check(engine_data, instance_id, step.now)  # a plan submitted: the worker compares it
        # The task's draft goes with its ready-task row when the step commits (ON DELETE CASCADE).
        return EventRecord(
            "task_completed", step.now, user.id, element_id, name, task_id, engine_data, for_holder
        )

    take_step(
        task.instance,
        complete,
        element_id=element_id,
        still_possible=still_ready,
        conflict=lambda: _conflict_for(task_id),
    )
    return db.session.get_one(Instance, instance_id)


def _too_late(fired: list[FiredTimer], task_name: str, version: ProcessVersion) -> RuleViolation:
    """Deadlines that passed before the submission (R5) took the task away, whatever the worker did."""
    deadlines = [element_text.element_name(version, t.element_id, t.name) for t in fired]
    return RuleViolation(
        _(
            "Too late: %(deadline)s passed before %(task)s was submitted; the application has moved on.",
            deadline=language.list_separator().join(deadlines),
            task=task_name,
        )
    )


def _completion_of(task_id: str) -> HistoryEvent | None:
    return db.session.scalar(
        select(HistoryEvent).where(HistoryEvent.task_id == task_id, HistoryEvent.kind == "task_completed")
    )


def _actor_name(event: HistoryEvent) -> str:
    return event.actor.display_name if event.actor else _("the system")


def _could_have_done(user: User, event: HistoryEvent) -> bool:
    """Whether the completed task was one `user` could have done: only then say who beat them."""
    actor = event.actor
    if actor is None:
        return False
    return actor.id == user.id or (actor.org_id is not None and actor.org_id == user.org_id)


def _conflict_for(task_id: str) -> Conflict:
    db.session.rollback()
    completion = _completion_of(task_id)
    if completion is not None:
        return Conflict(_("This task has already been completed by %(name)s.", name=_actor_name(completion)))
    return changed_meanwhile()
