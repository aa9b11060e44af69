"""Parsed diagrams: a main process plus every process it calls.

Parsing is the expensive, failure-prone part, so it happens once per set of files; the resulting
``ProcessDefinition`` is then shared by every workflow started from or restored against it
(serialized states do not carry the spec, see ``serialization``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from . import event_subprocesses, message_boundaries, spec_wiring
from .errors import DiagramError
from .properties import (
    APPLICATION_FORM_BLOCK_PROPERTY,
    ENGLISH_NAME_PROPERTY,
    FORM_PROPERTY,
    spec_property,
)
from .serialization import StateSerializer
from .xml_safety import parse_bpmn_xml

# SpiffWorkflow names its own control task specs "Start" and "End"; a BPMN element with one of
# these ids silently replaces them and yields a process that cannot start.
RESERVED_IDS = frozenset({"Start", "End"})
_BPMN_NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
_PROPERTY_NS = {**_BPMN_NS, "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}


def _refuse_reserved_ids(root: Any, filename: str) -> None:
    for node in root.xpath(".//bpmn:process//*[@id]", namespaces=_BPMN_NS):
        element_id = node.get("id")
        if element_id in RESERVED_IDS or element_id.endswith(".EndJoin"):
            raise DiagramError(
                f"{filename}: element id '{element_id}' is reserved by the engine; rename it",
                element_id=element_id,
                filename=filename,
            )


def lanes_by_element(root: Any) -> dict[str, str]:
    """Element id -> lane name, from every lane's flowNodeRef (elements of sub-processes included)."""
    lanes = {}
    for lane in root.xpath(".//bpmn:lane", namespaces=_BPMN_NS):
        for ref in lane.xpath("bpmn:flowNodeRef", namespaces=_BPMN_NS):
            if ref.text:
                lanes[ref.text.strip()] = lane.get("name")
    return lanes


def english_names_by_element(root: Any) -> dict[str, str]:
    """Element id -> its ``name_en`` property, for every element that has one.

    Read from the XML rather than the parsed specs: SpiffWorkflow keeps extension properties of
    flow nodes only, and lanes, flows and processes are shown by name too.
    """
    found: dict[str, str] = {}
    path = (
        "bpmn:extensionElements/spiffworkflow:properties/"
        f"spiffworkflow:property[@name='{ENGLISH_NAME_PROPERTY}']"
    )
    for element in root.xpath(".//bpmn:*[@id]", namespaces=_BPMN_NS):
        values = [p.get("value", "").strip() for p in element.xpath(path, namespaces=_PROPERTY_NS)]
        if values and values[0]:
            found[element.get("id")] = values[0]
    for pool in root.xpath(".//bpmn:participant[@processRef]", namespaces=_BPMN_NS):
        # the modeler selects a pool, not its process: the pool's English names the process too
        if pool.get("id") in found:
            found.setdefault(pool.get("processRef"), found[pool.get("id")])
    return found


def _assign_lanes(spec: BpmnProcessSpec, lanes: dict[str, str]) -> None:
    """Put each element in the lane that lists it.

    SpiffWorkflow gives every element of a sub-process the sub-process's own lane; an event
    sub-process whose steps pass from the applicant to the city and the province needs each
    step's own lane, which the diagram states with flowNodeRef.
    """
    for task_spec in spec.task_specs.values():
        lane = lanes.get(getattr(task_spec, "bpmn_id", None) or "")
        if lane is not None:
            task_spec.lane = lane


@dataclass(frozen=True)
class UserTaskSpec:
    """A user task as drawn in a diagram; ``lane`` is the Chinese role label of its lane."""

    element_id: str
    name: str
    lane: str | None
    form: str | None
    process_id: str


class ProcessDefinition:
    """A main process spec and the specs of all (transitively) called processes."""

    def __init__(
        self,
        main_process_id: str,
        spec: BpmnProcessSpec,
        subprocess_specs: dict[str, BpmnProcessSpec],
        english_names: dict[str, str] | None = None,
        english_by_name: dict[str, str] | None = None,
        english_by_element: dict[tuple[str, str], str] | None = None,
    ) -> None:
        self.main_process_id = main_process_id
        self.spec = spec
        self.subprocess_specs = subprocess_specs
        self._english_names = english_names or {}
        self._english_by_name = english_by_name or {}
        self._english_by_element = english_by_element or {}
        self._serializer: StateSerializer | None = None

    @classmethod
    def from_files(cls, bpmn_files: dict[str, bytes], main_process_id: str) -> ProcessDefinition:
        """Parse ``{filename: content}`` with SpiffWorkflow's spiff-extension parser.

        Each file goes through ``parse_bpmn_xml`` first, so SpiffWorkflow only ever sees a tree
        built by our hardened parser. Schema validation is on: a diagram that would fail later at
        run time should rather fail here, at upload.
        """
        parser = SpiffBpmnParser(validator=VALIDATOR)
        lanes: dict[str, str] = {}
        english: dict[str, str] = {}
        by_name: dict[str, str] = {}
        by_element: dict[tuple[str, str], str] = {}
        try:
            for filename, content in bpmn_files.items():
                root = parse_bpmn_xml(content, filename)
                _refuse_reserved_ids(root, filename)
                lanes.update(lanes_by_element(root))
                in_file = english_names_by_element(root)
                english.update(in_file)
                for element in root.xpath(".//bpmn:*[@id and @name]", namespaces=_BPMN_NS):
                    if element.get("id") in in_file:
                        by_name.setdefault(element.get("name"), in_file[element.get("id")])
                        by_element[(element.get("id"), element.get("name"))] = in_file[element.get("id")]
                parser.add_bpmn_xml(root, filename)
            if main_process_id not in parser.get_process_ids():
                known = ", ".join(sorted(parser.get_process_ids())) or "none"
                raise DiagramError(f"process '{main_process_id}' not found (known: {known})")
            spec = parser.get_spec(main_process_id)
            subprocess_specs = parser.get_subprocess_specs(main_process_id)
        except DiagramError:
            raise
        except ValidationException as exc:
            where = f"{exc.file_name}: " if exc.file_name else ""
            raise DiagramError(
                f"{where}{exc}", element_id=exc.id or None, filename=exc.file_name or None
            ) from exc
        except (SpiffWorkflowException, ValueError, KeyError, AttributeError, TypeError) as exc:
            raise DiagramError(f"diagram could not be parsed: {exc}") from exc
        for process_spec in [spec, *subprocess_specs.values()]:
            spec_wiring.wire(process_spec)
            _assign_lanes(process_spec, lanes)
        return cls(main_process_id, spec, subprocess_specs, english, by_name, by_element)

    @property
    def serializer(self) -> StateSerializer:
        """The spec-free state serializer for this definition, built once and shared."""
        if self._serializer is None:
            self._serializer = StateSerializer(self.spec, self.subprocess_specs)
        return self._serializer

    def all_specs(self) -> list[BpmnProcessSpec]:
        """The main spec first, then called processes in discovery order."""
        return [self.spec, *self.subprocess_specs.values()]

    def wiring_fingerprint(self) -> tuple[tuple[Any, ...], ...]:
        """How the specs' tasks are connected; running workflows must never change it (see spec_wiring)."""
        return spec_wiring.fingerprint(self.all_specs())

    # A definition never changes after parsing, so what is read from its specs is read once.
    # The mappings below are shared: callers read them and never change them.

    @cached_property
    def _process_names(self) -> dict[str, str]:
        return {spec.name: spec.description or spec.name for spec in self.all_specs()}

    def process_names(self) -> dict[str, str]:
        """Process id -> process name (the ``name`` attribute, falling back to the id)."""
        return self._process_names

    def diagram_files(self) -> list[tuple[str, str]]:
        """(file name, process name) of each diagram, the main process first, then in call order."""
        seen: dict[str, str] = {}
        for spec in self.all_specs():
            if spec.file and spec.file not in seen:
                seen[spec.file] = spec.description or spec.name
        return list(seen.items())

    def user_tasks(self) -> list[UserTaskSpec]:
        """Every user task in the main and called processes."""
        found = []
        for spec in self.all_specs():
            for task_spec in spec.task_specs.values():
                if isinstance(task_spec, UserTask):
                    found.append(
                        UserTaskSpec(
                            element_id=task_spec.bpmn_id,
                            name=task_spec.bpmn_name or task_spec.bpmn_id,
                            lane=task_spec.lane,
                            form=spec_property(task_spec, FORM_PROPERTY),
                            process_id=spec.name,
                        )
                    )
        return found

    def timers_on(self, element_ids: Collection[str]) -> frozenset[str]:
        """The ids of the boundary timers attached to these tasks (e.g. an annual duty's overdue timer).

        SpiffWorkflow wraps a task that carries boundary events in a split whose outputs are the task
        and its events, so an event's task is its split's other output.
        """
        found = set()
        for spec in self.all_specs():
            for task_spec in spec.task_specs.values():
                if not isinstance(task_spec, BoundaryEvent):
                    continue
                if not isinstance(task_spec.event_definition, TimerEventDefinition):
                    continue
                attached = {getattr(o, "bpmn_id", None) for split in task_spec.inputs for o in split.outputs}
                if attached & set(element_ids):
                    found.add(task_spec.bpmn_id)
        return frozenset(found)

    @cached_property
    def _message_starts(self) -> list[event_subprocesses.MessageStart]:
        return [
            *event_subprocesses.declared(self.all_specs(), self.subprocess_specs),
            *message_boundaries.declared(self.all_specs()),
        ]

    def message_starts(self) -> list[event_subprocesses.MessageStart]:
        """What a participant may start: every message start event of an event sub-process and every
        message boundary event with a form (``message_boundaries``)."""
        return self._message_starts

    def branches_into(self, element_id: str) -> list[tuple[str, str | None]]:
        """(gateway id, condition) for each exclusive or inclusive gateway branch leading to ``element_id``.

        The condition is the expression on that branch, or None for the gateway's default flow;
        used to say *why* a draft takes another path than a recorded history. Element ids need not
        be unique across processes, hence a list.
        """
        found = []
        for spec in self.all_specs():
            for task_spec in spec.task_specs.values():
                for condition, target in getattr(task_spec, "cond_task_specs", None) or []:
                    if target == element_id:
                        found.append(
                            (task_spec.bpmn_id, condition.args[0] if condition is not None else None)
                        )
                if getattr(task_spec, "default_task_spec", None) == element_id:
                    found.append((task_spec.bpmn_id, None))
        return found

    @cached_property
    def _element_names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for spec in self.all_specs():
            for task_spec in spec.task_specs.values():
                element_id = getattr(task_spec, "bpmn_id", None)
                # A multi-instance task's unnamed wrapper shares its id with the named task.
                if element_id and (task_spec.bpmn_name or element_id not in names):
                    names[element_id] = task_spec.bpmn_name or element_id
        return names

    def element_names(self) -> dict[str, str]:
        """Element id -> display name for every flow node (unnamed nodes map to their id)."""
        return self._element_names

    @cached_property
    def _element_kinds(self) -> dict[str, str]:
        return {
            task_spec.bpmn_id: type(task_spec).__name__
            for spec in self.all_specs()
            for task_spec in spec.task_specs.values()
            if getattr(task_spec, "bpmn_id", None) and not task_spec.bpmn_name
        }

    def unnamed_element_kinds(self) -> dict[str, str]:
        """Element id -> kind (ParallelGateway, ExclusiveGateway, EndEvent…) of every unnamed flow node,
        so that pages can describe such a node in words instead of showing its id."""
        return {
            element_id: kind
            for element_id, kind in self._element_kinds.items()
            if self._element_names[element_id] == element_id
        }

    def english_names(self) -> dict[str, str]:
        """Element id (processes, lanes and flows included) -> the English name its diagram gives it."""
        return self._english_names

    def english_by_name(self) -> dict[str, str]:
        """Chinese name -> English name, for texts stored by name (a phase, an outcome).

        Element ids may repeat across the called processes; names are looked up as stored.
        """
        return self._english_by_name

    def english_name(self, element_id: str, name: str | None) -> str | None:
        """The English name of the element with this id (and Chinese name, which tells apart two
        elements of the called processes that share an id), or None when it has none."""
        found = self._english_by_element.get((element_id, name or ""))
        return found or self._english_names.get(element_id)

    def elements_by_property(self, name: str) -> dict[str, str]:
        """Element id -> value, for every flow node that declares the ``spiffworkflow:property`` ``name``.

        Lets the services bind to what a diagram declares (e.g. which block of the printed form a
        task fills) instead of to element ids a process owner may rename.
        """
        found: dict[str, str] = {}
        for spec in self.all_specs():
            for task_spec in spec.task_specs.values():
                element_id = getattr(task_spec, "bpmn_id", None)
                value = spec_property(task_spec, name)
                if element_id and value:
                    found[element_id] = value
        return found

    @cached_property
    def _application_form_blocks(self) -> dict[str, str]:
        return self.elements_by_property(APPLICATION_FORM_BLOCK_PROPERTY)

    def application_form_blocks(self) -> dict[str, str]:
        """Element id -> the block of the printed 申报表 that the element's submissions fill in."""
        return self._application_form_blocks

    @cached_property
    def _forms_by_element(self) -> dict[str, str]:
        declared: list[UserTaskSpec | event_subprocesses.MessageStart] = [
            *self.user_tasks(),
            *self.message_starts(),
        ]
        return {s.element_id: s.form for s in declared if s.form}

    def forms_by_element(self) -> dict[str, str]:
        """Element id -> form file, for the user tasks and the message start events people fill in."""
        return self._forms_by_element

    @cached_property
    def _loop_variables(self) -> dict[str, frozenset[str]]:
        found: dict[str, frozenset[str]] = {}
        for spec in self.all_specs():
            for task_spec in spec.task_specs.values():
                if isinstance(task_spec, MultiInstanceTask):
                    refs = (
                        task_spec.data_input,
                        task_spec.input_item,
                        task_spec.data_output,
                        task_spec.output_item,
                    )
                    found[task_spec.bpmn_id] = frozenset(ref.bpmn_id for ref in refs if ref is not None)
        return found

    def loop_variables(self) -> dict[str, frozenset[str]]:
        """Element id -> the variables a multi-instance element loops over and collects into.

        Its input collection and item (e.g. the usernames of the review experts, one per instance)
        and its output item and collection (each instance's opinion, gathered in a list): the data
        that carries who did each instance and what they answered, outside their own submissions.
        """
        return self._loop_variables
