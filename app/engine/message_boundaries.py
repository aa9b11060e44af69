"""Message boundary events a participant may trigger while the task they are attached to waits.

The other thing a participant may start besides a task is an event sub-process (``event_subprocesses``).
Some requests only make sense while one task is pending — the applicant withdraws its submission
while the city's review waits, and not after the city acted — so the diagram attaches a message
boundary event to that task: the event's lane names who may trigger it, its ``formJsonSchemaFilename``
property the form, and it is offered exactly while SpiffWorkflow waits for it (the attached task is
ready). Both kinds are offered as a ``MessageStart`` and started the same way, so the services, the
API, the history (``event_started``) and re-execution treat them alike.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.specs import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.util.task import TaskState

from .event_subprocesses import MessageStart
from .properties import FORM_PROPERTY, spec_property


def _is_message_boundary(task_spec: Any) -> bool:
    return isinstance(task_spec, BoundaryEvent) and isinstance(
        task_spec.event_definition, MessageEventDefinition
    )


def _describe(process_id: str, task_spec: Any) -> MessageStart:
    return MessageStart(
        element_id=task_spec.bpmn_id,
        name=task_spec.bpmn_name or task_spec.bpmn_id,
        lane=task_spec.lane,
        form=spec_property(task_spec, FORM_PROPERTY),
        process_id=process_id,
        owner_process_id=process_id,
    )


def declared(specs: list[BpmnProcessSpec]) -> list[MessageStart]:
    """Every message boundary event of ``specs`` that names a form (people trigger those)."""
    return [
        _describe(spec.name, task_spec)
        for spec in specs
        for task_spec in spec.task_specs.values()
        if _is_message_boundary(task_spec) and spec_property(task_spec, FORM_PROPERTY)
    ]


def _waiting(workflow: Any) -> list[Any]:
    """The message boundary events waiting now (their task is ready), in every running workflow."""
    return [
        task
        for task in workflow.event_manager.tasks.values()
        if task.state == TaskState.WAITING
        and _is_message_boundary(task.task_spec)
        and spec_property(task.task_spec, FORM_PROPERTY)
    ]


def offered(workflow: Any) -> list[MessageStart]:
    found: dict[str, MessageStart] = {}
    for task in _waiting(workflow):
        found.setdefault(task.task_spec.bpmn_id, _describe(task.workflow.spec.name, task.task_spec))
    return list(found.values())


def deliver(workflow: Any, element_id: str, payload: dict[str, Any]) -> bool:
    """Deliver the message of the waiting boundary event ``element_id``; False if none waits."""
    for task in _waiting(workflow):
        if task.task_spec.bpmn_id == element_id:
            workflow.catch(BpmnEvent(task.task_spec.event_definition, payload=payload, target=task.workflow))
            return True
    return False
