"""Starting what the diagram lets a participant start on a running application at any time.

These are the message start events of event sub-processes (a zone's change or extension request,
the province's inspection): the diagram names each one's form and, by its lane, who may start it.
The submission is validated like a task's, then delivered to the engine in one step, as a task
completion is (``store.step``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask_babel import gettext as _

from ...engine import MessageStart, WorkflowRun
from ...forms import FieldError, FormDefinition, PersonChoice, validate_submission
from ...models import Instance, User
from ...scope import acts_for, assignee_for_lane
from ..errors import NotFound, RuleViolation, ValidationFailed
from ..reading.people import people_choices
from ..reading.queries import instance_for
from ..store.deployment import engine_for, form_for
from ..store.runs import load_run
from ..store.step import Step, take_step
from ..store.transitions import EventRecord
from .form_context import validation_context
from .tasks import form_fields_only

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ActionForm:
    instance: Instance
    action: MessageStart
    form: FormDefinition
    choices: dict[str, list[PersonChoice]]


def _may_start(user: User, instance: Instance, start: MessageStart) -> bool:
    return bool(start.form) and acts_for(user, assignee_for_lane(start.lane, instance))


def _allowed(user: User, instance: Instance, run: WorkflowRun) -> list[MessageStart]:
    return [start for start in run.message_starts() if _may_start(user, instance, start)]


def available_actions(user: User, instance: Instance, run: WorkflowRun | None = None) -> list[MessageStart]:
    """What `user` may start on `instance` now (empty for a finished application)."""
    if instance.status != "running":
        return []
    return _allowed(user, instance, run or load_run(instance))


def action_form(user: User, instance_id: int, element_id: str) -> ActionForm:
    """The form of an action `user` may start now; a refusal says why in the user's words."""
    instance = instance_for(user, instance_id)
    run = load_run(instance)
    action = _offered(user, instance, run, element_id)
    form = form_for(instance.version, action.form)
    return ActionForm(instance, action, form, people_choices(form))


def _offered(user: User, instance: Instance, run: WorkflowRun, element_id: str) -> MessageStart:
    known = {start.element_id: start for start in instance_starts(instance)}
    if element_id not in known:
        raise NotFound(_("Nothing of that name can be started on this application."))
    running = {start.element_id: start for start in run.message_starts()}
    if element_id in running:
        if _may_start(user, instance, running[element_id]):
            return running[element_id]
        raise NotFound(_("Nothing of that name can be started on this application."))
    raise RuleViolation(
        _(
            "“%(action)s” is not possible at this stage of the application (%(phase)s).",
            action=known[element_id].name,
            phase=instance.phase or _("ended"),
        )
    )


def instance_starts(instance: Instance) -> list[MessageStart]:
    """Every action the application's diagram version declares, whether possible now or not."""
    return engine_for(instance.version).definition.message_starts()


def start_action(user: User, instance_id: int, element_id: str, data: dict) -> Instance:
    """Start the event sub-process as one step (``store.step.take_step``), after the deadlines that
    passed; the submission is validated against the application as those deadlines left it.

    A start that loses the race to another step of the application is taken again on the new revision.
    """

    def start(step: Step) -> EventRecord:
        instance = instance_for(user, instance_id)
        action = _offered(user, instance, step.run, element_id)
        form = form_for(instance.version, action.form)
        submitted = form_fields_only(form, data)
        context = validation_context(form, instance, user, step.run)
        errors: list[FieldError] = validate_submission(form, submitted, context)
        if errors:
            raise ValidationFailed(errors, _("Please correct the marked fields."))
        engine_data = step.submission(form, submitted, user.id)
        step.run.start_event_subprocess(element_id, engine_data, step.now)
        return EventRecord("event_started", step.now, user.id, element_id, action.name, data=engine_data)

    take_step(instance_for(user, instance_id), start, element_id=element_id)
    return instance_for(user, instance_id)
