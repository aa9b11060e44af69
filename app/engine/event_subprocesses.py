"""Event sub-processes started by a message, in the main process or in any called process.

SpiffWorkflow 3.2 starts message-triggered event sub-processes only in the top-level process, and
does so by connecting the sub-process into the shared spec the first time it fires. Our lifecycle
keeps them where they belong (e.g. change requests inside implementation, a called process), and
specs are shared by every workflow of a version, so this module:

* wires each event sub-process to its process's start and end once, when the definition is built
  (``wire``), leaving the start's outputs alone so no workflow starts one by itself;
* lists the message start events a running workflow offers (``offered``), and
* starts one with a payload (``deliver``): a new child of the owning (sub)workflow's root, whose
  start event then catches the message aimed at that sub-process only.

A running event sub-process is an unfinished token of its process, so that process (and the
lifecycle) waits for it before it completes, as BPMN prescribes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.specs import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.util.task import TaskState

from .errors import TaskNotReady
from .properties import FORM_PROPERTY, spec_property


@dataclass(frozen=True)
class MessageStart:
    """A message start event a participant may trigger now; ``lane`` is the role allowed to."""

    element_id: str
    name: str
    lane: str | None
    form: str | None
    process_id: str  # the event sub-process
    owner_process_id: str  # the process that contains it


def wire(spec: BpmnProcessSpec) -> None:
    """Give each message-triggered event sub-process of ``spec`` an input and an output, once."""
    start = spec.start
    for name in start.trigger_specs:
        task_spec = spec.task_specs[name]
        if start.name not in task_spec._inputs:
            task_spec._connect_notify(start)
            task_spec.connect(spec.end)


def _message_start_specs(
    spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]
) -> Iterator[tuple[Any, Any]]:
    """(event sub-process task spec, start event spec) for each message start event ``spec`` offers."""
    for name in spec.start.trigger_specs:
        task_spec = spec.task_specs[name]
        sub_spec = subprocess_specs.get(task_spec.spec)
        if sub_spec is None:
            continue
        for start_spec in sub_spec.bpmn_start_events:
            if isinstance(start_spec.event_definition, MessageEventDefinition):
                yield task_spec, start_spec


def _describe(owner_spec: BpmnProcessSpec, task_spec: Any, start_spec: Any) -> MessageStart:
    return MessageStart(
        element_id=start_spec.bpmn_id,
        name=start_spec.bpmn_name or start_spec.bpmn_id,
        lane=start_spec.lane,
        form=spec_property(start_spec, FORM_PROPERTY),
        process_id=task_spec.spec,
        owner_process_id=owner_spec.name,
    )


def declared(
    specs: list[BpmnProcessSpec], subprocess_specs: dict[str, BpmnProcessSpec]
) -> list[MessageStart]:
    """Every message start event of an event sub-process in ``specs``, running or not."""
    return [
        _describe(spec, task_spec, start_spec)
        for spec in specs
        for task_spec, start_spec in _message_start_specs(spec, subprocess_specs)
    ]


def _running_starts(
    workflow: Any, subprocess_specs: dict[str, BpmnProcessSpec]
) -> Iterator[tuple[Any, Any, Any]]:
    """(owning workflow, event sub-process task spec, start event spec) in every running workflow."""
    for owner in [workflow, *workflow.subprocesses.values()]:
        if owner is not workflow and owner.completed:
            continue
        for task_spec, start_spec in _message_start_specs(owner.spec, subprocess_specs):
            yield owner, task_spec, start_spec


def offered(workflow: Any, subprocess_specs: dict[str, BpmnProcessSpec]) -> list[MessageStart]:
    """The message start events of event sub-processes in the workflows still running."""
    found: dict[str, MessageStart] = {}
    for owner, task_spec, start_spec in _running_starts(workflow, subprocess_specs):
        found.setdefault(start_spec.bpmn_id, _describe(owner.spec, task_spec, start_spec))
    return list(found.values())


def deliver(
    workflow: Any, subprocess_specs: dict[str, BpmnProcessSpec], element_id: str, payload: dict[str, Any]
) -> None:
    """Start the event sub-process whose message start event is ``element_id``, with ``payload``."""
    for owner, task_spec, start_spec in _running_starts(workflow, subprocess_specs):
        if start_spec.bpmn_id != element_id:
            continue
        child = owner.task_tree._add_child(task_spec, TaskState.FUTURE)
        child.triggered = True
        task_spec._update(child)
        subprocess = workflow.subprocesses[child.id]
        workflow.catch(BpmnEvent(start_spec.event_definition, payload=payload, target=subprocess))
        return
    raise TaskNotReady(f"no running process offers the start event {element_id}")
