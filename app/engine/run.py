"""A live workflow and the few operations the service layer needs on it.

Every method that can run engine steps takes ``now`` and executes under
``determinism.engine_step``, so timers follow the caller's clock and new task ids follow the
workflow's id sequence. Any failure inside SpiffWorkflow is translated to our exceptions; after a
``ScriptError`` the object must be dropped (callers restore a fresh one).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import CycleTimerEventDefinition, TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import EventSubprocess, SubWorkflowTask
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.exceptions import SpiffWorkflowException, WorkflowException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from . import event_subprocesses, message_boundaries
from .clock import as_utc
from .determinism import IdSequence, engine_step
from .errors import EngineError, ScriptError, TaskNotReady
from .event_subprocesses import MessageStart
from .properties import DUE_DATE_PROPERTY, FORM_PROPERTY, spec_property

if TYPE_CHECKING:
    from .definition import ProcessDefinition

OUTCOME_PROPERTY = "outcome"
# SpiffWorkflow fires a timer when due < now; nudging "now" by one microsecond while firing makes
# the documented contract "fires when due <= now" hold.
_FIRE_EPSILON = timedelta(microseconds=1)


# A user task may name, with this spiffworkflow property, the task variable holding the username of
# the one person who acts on it (e.g. each instance of a multi-instance expert review).
ASSIGNEE_PROPERTY = "assignee"


@dataclass(frozen=True)
class ReadyTask:
    """A user task waiting for someone; ``process_name`` names the (sub)process, used as phase."""

    task_id: str
    element_id: str
    name: str
    lane: str | None
    form: str | None
    process_id: str
    process_name: str
    assignee: str | None = None  # value of the variable the task's ``assignee`` property names


@dataclass(frozen=True)
class FiredTimer:
    element_id: str
    name: str
    due: datetime


@contextmanager
def translate_engine_errors() -> Iterator[None]:
    """Translate SpiffWorkflow failures raised during engine steps into ScriptError."""
    try:
        yield
    except EngineError:
        raise
    except SpiffWorkflowException as exc:
        task = getattr(exc, "task", None)
        spec = task.task_spec if task is not None else getattr(exc, "task_spec", None)
        raise ScriptError(f"workflow step failed: {exc}".strip(), getattr(spec, "bpmn_id", None)) from exc
    except Exception as exc:
        raise ScriptError(f"workflow step failed: {type(exc).__name__}: {exc}") from exc


def _timer_definition(task: Task) -> TimerEventDefinition | None:
    """The timer a waiting task waits for: its own, or one of an event-based gateway's events."""
    definition = task.task_spec.event_definition
    if isinstance(definition, MultipleEventDefinition):
        return next((d for d in definition.event_definitions if isinstance(d, TimerEventDefinition)), None)
    return definition if isinstance(definition, TimerEventDefinition) else None


def _timer_element(task: Task) -> Any:
    """The spec to name when a timer fires: for an event-based gateway, the timer event after it."""
    spec = task.task_spec
    definition = spec.event_definition
    if isinstance(definition, MultipleEventDefinition):
        events = definition.event_definitions
        if len(spec.outputs) == len(events):
            return spec.outputs[events.index(_timer_definition(task))]
    return spec


def _timer_due(task: Task) -> datetime | None:
    """Due time of a waiting timer task, from the value SpiffWorkflow stored when it started waiting."""
    value = task._get_internal_data("event_value")
    if value is None:
        return None
    if isinstance(_timer_definition(task), CycleTimerEventDefinition):
        if not isinstance(value, dict) or value.get("cycles") == 0:
            return None
        return as_utc(datetime.fromisoformat(value["next"]))
    parsed = TimerEventDefinition.parse_time_or_duration(value)
    return as_utc(parsed) if isinstance(parsed, datetime) else None


def _as_due(value: Any, spec: Any) -> datetime | None:
    """A due date's value as an aware moment: an ISO date is due at the end of that day in Beijing."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, str) and len(value) == 10:
            return as_utc(datetime.fromisoformat(f"{value}T23:59:59+08:00"))
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        return as_utc(moment)
    except ValueError:
        message = f"due date of '{spec.bpmn_name or spec.bpmn_id}' is not a date: {value!r}"
        raise ScriptError(message, spec.bpmn_id) from None


class WorkflowRun:
    """Wraps a ``BpmnWorkflow`` bound to its ``ProcessDefinition``."""

    def __init__(self, workflow: BpmnWorkflow, definition: ProcessDefinition, ids: IdSequence) -> None:
        self._workflow = workflow
        self._definition = definition
        self._ids = ids

    @property
    def id_seed(self) -> str:
        """The seed of this workflow's task ids: record it, and a replay rebuilds the same ids."""
        return self._ids.seed

    # -- queries -------------------------------------------------------------------------------

    def _all_workflows(self) -> list[Any]:
        return [self._workflow, *self._workflow.subprocesses.values()]

    def _user_task(self, task_id: str) -> Task:
        try:
            task = self._workflow.get_task_from_id(UUID(task_id))
        except (ValueError, TypeError, WorkflowException):
            task = None
        if task is None or not isinstance(task.task_spec, UserTask):
            raise TaskNotReady(f"task {task_id} is not a user task of this workflow")
        if task.state != TaskState.READY:
            raise TaskNotReady(f"task {task_id} is {TaskState.get_name(task.state)}, not READY")
        return task

    def ready_user_tasks(self) -> list[ReadyTask]:
        process_names = self._definition.process_names()
        ready = []
        for task in self._workflow.get_tasks(state=TaskState.READY):
            spec = task.task_spec
            if not isinstance(spec, UserTask):
                continue
            process_id = task.workflow.spec.name
            assignee_variable = spec_property(spec, ASSIGNEE_PROPERTY)
            assignee = task.data.get(assignee_variable) if assignee_variable else None
            ready.append(
                ReadyTask(
                    task_id=str(task.id),
                    element_id=spec.bpmn_id,
                    name=spec.bpmn_name or spec.bpmn_id,
                    lane=spec.lane,
                    form=spec_property(spec, FORM_PROPERTY),
                    process_id=process_id,
                    process_name=process_names.get(process_id, process_id),
                    assignee=assignee if isinstance(assignee, str) else None,
                )
            )
        return ready

    def due_date(self, task_id: str) -> datetime | None:
        """When the ready user task is due, by its ``dueDate`` property; None when it declares none.

        The expression runs in the restricted evaluator like every piece of diagram code; a date
        means the end of that day in Beijing time. Raises ScriptError when it fails or gives
        something that is not a date.
        """
        task = self._user_task(task_id)
        expression = spec_property(task.task_spec, DUE_DATE_PROPERTY)
        if not expression or not expression.strip():
            return None
        with translate_engine_errors():
            value = self._workflow.script_engine.evaluate(task, expression)
        return _as_due(value, task.task_spec)

    def task_data(self, task_id: str) -> dict[str, Any]:
        """A deep copy of the data the ready task sees (for prefilling its form)."""
        return copy.deepcopy(self._user_task(task_id).data)

    def message_starts(self) -> list[MessageStart]:
        """What a participant may start now: event sub-processes (e.g. a change request during
        implementation) and message boundary events of ready tasks (e.g. withdrawing a submission)."""
        return [
            *event_subprocesses.offered(self._workflow, self._definition.subprocess_specs),
            *message_boundaries.offered(self._workflow),
        ]

    def data_objects(self) -> dict[str, Any]:
        """The data objects (process-wide variables) of the processes still running, innermost last."""
        merged: dict[str, Any] = {}
        for workflow in self._all_workflows():
            if workflow is self._workflow or not workflow.completed:
                merged.update(copy.deepcopy(workflow.data_objects))
        return merged

    def _waiting_timers(self) -> list[Task]:
        return [
            task
            for task in self._workflow.event_manager.tasks.values()
            if task.state == TaskState.WAITING and _timer_definition(task) is not None
        ]

    def _awaits_outside_event(self) -> bool:
        """Whether a waiting task catches something from outside the workflow: a time or a message."""
        for task in self._workflow.event_manager.tasks.values():
            if task.state != TaskState.WAITING:
                continue
            definition = task.task_spec.event_definition
            definitions = (
                definition.event_definitions
                if isinstance(definition, MultipleEventDefinition)
                else [definition]
            )
            if any(isinstance(d, TimerEventDefinition | MessageEventDefinition) for d in definitions):
                return True
        return False

    def stalled_at(self) -> list[str] | None:
        """The elements a running workflow stopped at when nothing can move it on, else None.

        Something can move it while a user task is ready, a timer or a message is awaited, or a
        participant may start an event sub-process. Without any of these the workflow would wait
        forever (e.g. a loop that never became ready): that is an incident, and these are the
        activities and gateways holding its tokens, innermost processes included.
        """
        if (
            self.is_completed
            or self.ready_user_tasks()
            or self._awaits_outside_event()
            or self.message_starts()
        ):
            return None
        holding = {
            task.task_spec.bpmn_id
            for workflow in self._all_workflows()
            for task in workflow.tasks.values()
            if task.state in (TaskState.READY, TaskState.WAITING, TaskState.STARTED)
            and getattr(task.task_spec, "bpmn_id", None)
            and not (task.state == TaskState.STARTED and isinstance(task.task_spec, SubWorkflowTask))
        }
        return sorted(holding) or [self._definition.main_process_id]

    def next_timer_due(self) -> datetime | None:
        dues = [due for due in map(_timer_due, self._waiting_timers()) if due is not None]
        return min(dues, default=None)

    @property
    def is_completed(self) -> bool:
        return bool(self._workflow.is_completed())

    @property
    def end_outcome(self) -> tuple[str, str, str | None] | None:
        """The top-level end event reached: (element id, name, ``outcome`` property)."""
        if not self.is_completed:
            return None
        ends = [
            task
            for task in self._workflow.tasks.values()
            if isinstance(task.task_spec, EndEvent) and task.state == TaskState.COMPLETED
        ]
        if not ends:
            return None
        end = max(ends, key=lambda task: task.last_state_change).task_spec
        return end.bpmn_id, end.bpmn_name or end.bpmn_id, spec_property(end, OUTCOME_PROPERTY)

    @property
    def data(self) -> dict[str, Any]:
        """Top-level workflow data (filled by SpiffWorkflow when the main process ends)."""
        return copy.deepcopy(self._workflow.data)

    def completed_element_ids(self) -> list[str]:
        """BPMN element ids of completed tasks, sub processes included, oldest first.

        Ordered by SpiffWorkflow's ``last_state_change`` (wall time of the state change), which
        preserves the real order across requests; creation order breaks ties.
        """
        completed = [
            task
            for workflow in self._all_workflows()
            for task in workflow.tasks.values()
            if task.state == TaskState.COMPLETED and getattr(task.task_spec, "bpmn_id", None)
        ]
        completed.sort(key=lambda task: task.last_state_change)
        return [task.task_spec.bpmn_id for task in completed]

    def phase(self) -> str | None:
        """The name of the process the main process is in now (the running call activity's process)."""
        names = self._definition.process_names()
        for task in self._workflow.tasks.values():
            spec = task.task_spec
            if (
                task.state == TaskState.STARTED
                and isinstance(spec, SubWorkflowTask)
                and not isinstance(spec, EventSubprocess)
            ):
                process_id: str = spec.spec
                return names.get(process_id, process_id)
        return None

    def active_element_ids(self) -> list[str]:
        """Element ids of activities under way: ready user tasks and the (sub)process calls that hold them."""
        active = {
            task.task_spec.bpmn_id
            for workflow in self._all_workflows()
            for task in workflow.tasks.values()
            if task.state in (TaskState.READY, TaskState.STARTED)
            and isinstance(task.task_spec, UserTask | SubWorkflowTask)
        }
        return sorted(active)

    # -- commands ------------------------------------------------------------------------------

    def complete_task(self, task_id: str, data: dict[str, Any], now: datetime) -> None:
        """Merge ``data`` into the ready user task, complete it and run engine steps.

        Due timers are also fired by the engine steps; call ``fire_due_timers`` first if the
        caller needs to know about them.
        """
        task = self._user_task(task_id)
        with engine_step(now, self._ids), translate_engine_errors():
            task.data.update(copy.deepcopy(data))
            task.run()
            self._workflow.do_engine_steps()

    def start_event_subprocess(self, element_id: str, payload: dict[str, Any], now: datetime) -> None:
        """Start the event sub-process of message start event ``element_id`` with ``payload``, or
        trigger the waiting message boundary event ``element_id``.

        Raises ``TaskNotReady`` when no running process offers that start event.
        """
        with engine_step(now, self._ids), translate_engine_errors():
            if not message_boundaries.deliver(self._workflow, element_id, copy.deepcopy(payload)):
                event_subprocesses.deliver(
                    self._workflow, self._definition.subprocess_specs, element_id, copy.deepcopy(payload)
                )
            self._workflow.do_engine_steps()

    def fire_due_timers(self, now: datetime) -> list[FiredTimer]:
        """Fire the timers due at or before ``now`` and run engine steps; returns what fired."""
        with engine_step(now + _FIRE_EPSILON, self._ids), translate_engine_errors():
            waiting = [(task, _timer_due(task)) for task in self._waiting_timers()]
            self._workflow.refresh_timers()
            self._workflow.do_engine_steps()
        fired = []
        for task, due in waiting:
            if task.state in (TaskState.WAITING, TaskState.CANCELLED) or due is None:
                continue
            spec = _timer_element(task)
            fired.append(FiredTimer(spec.bpmn_id, spec.bpmn_name or spec.bpmn_id, due))
        return fired

    def serialize(self) -> str:
        """JSON state without the spec; restore it with ``Engine.restore`` on the same definition."""
        return self._definition.serializer.dumps(self._workflow, self._ids)

    @property
    def workflow(self) -> BpmnWorkflow:
        """The underlying SpiffWorkflow object, for engine-package tests only."""
        return self._workflow
