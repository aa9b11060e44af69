"""Starting what the diagram lets a participant start on a running application at any time.

These are the message start events of event sub-processes (a zone's change or extension request,
the province's inspection): the diagram names each one's form and, by its lane, who may start it.
The submission is validated like a task's, then delivered to the engine; state and history are
committed together, as for a task completion.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask_babel import gettext as _

from ... import clock
from ...engine import MessageStart, ScriptError, TaskNotReady, WorkflowRun
from ...forms import FieldError, FormDefinition, validate_submission
from ...models import Instance, User
from ...scope import acts_for, assignee_for_lane
from ..errors import Conflict, NotFound, RuleViolation, ValidationFailed
from ..reading.people import people_choices
from ..reading.queries import instance_for
from ..store import incidents
from ..store.deployment import engine_for, form_for
from ..store.documents import store_documents
from ..store.runs import load_run
from ..store.transitions import EventRecord, StaleRevision, commit_transition, fire_due_first
from .form_context import validation_context
from .tasks import form_fields_only

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ActionForm:
    instance: Instance
    action: MessageStart
    form: FormDefinition
    choices: dict[str, list[tuple[str, str]]]


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
    """Validate the submission, fire deadlines that passed first, start the event sub-process, commit."""
    instance = instance_for(user, instance_id)
    now = clock.now()
    run = load_run(instance)
    try:
        revision_seen, _fired, run = fire_due_first(instance, run, now)
    except StaleRevision:
        raise Conflict(
            _("The application changed while you were working on it; please reload and try again.")
        ) from None
    instance = instance_for(user, instance_id)
    action = _offered(user, instance, run, element_id)
    form = form_for(instance.version, action.form)
    data = form_fields_only(form, data)
    errors: list[FieldError] = validate_submission(form, data, validation_context(form, instance, user, run))
    if errors:
        raise ValidationFailed(errors, _("Please correct the marked fields."))
    try:
        submitted = {name: None for name in form.field_names()} | data
        engine_data = store_documents(form, submitted, instance.id, user.id, now)
        run.start_event_subprocess(element_id, engine_data, now)
    except TaskNotReady:
        raise Conflict(
            _("The application changed while you were working on it; please reload and try again.")
        ) from None
    except ScriptError as exc:
        raise incidents.failed_step(instance.id, exc, element_id, now) from exc
    event = EventRecord("event_started", now, user.id, element_id, action.name, data=engine_data)
    try:
        commit_transition(instance, run, revision_seen, [event], now)
    except StaleRevision:
        raise Conflict(
            _("The application changed while you were working on it; please reload and try again.")
        ) from None
    return instance_for(user, instance_id)
