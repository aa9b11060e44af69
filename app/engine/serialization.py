"""Workflow state <-> JSON, without the process spec.

SpiffWorkflow's serializer embeds the full spec (every task spec of every called process) in each
state. We store states per application and per step, and the spec is already known from the
diagram files, so the converter for ``BpmnWorkflow`` is replaced by one that drops ``spec`` and
``subprocess_specs`` on the way out and plugs the definition's parsed spec objects back in on the
way in. Everything else (tasks, data, subprocesses, events) uses SpiffWorkflow's own converters.

Output is ``json.dumps(..., sort_keys=True)`` so that equal states give equal strings; callers
may hash it.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.specs import BpmnProcessSpec
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from .determinism import IdSequence

# Where the state keeps the workflow's id sequence (see ``determinism``).
ID_SEQUENCE_KEY = "sdzones_id_sequence"


# SpiffWorkflow ships no type hints: to mypy its classes are Any.
class SpecFreeWorkflowConverter(BpmnWorkflowConverter):  # type: ignore[misc]
    """``BpmnWorkflowConverter`` that omits the specs and restores against given spec objects."""

    def __init__(
        self,
        target_class: type,
        registry: Any,
        spec: BpmnProcessSpec,
        subprocess_specs: dict[str, BpmnProcessSpec],
    ) -> None:
        super().__init__(target_class, registry)
        self.spec = spec
        self.subprocess_specs = subprocess_specs

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct: dict[str, Any] = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any]) -> BpmnWorkflow:
        # Mirrors BpmnWorkflowConverter.from_dict (SpiffWorkflow 3.2.0) with the specs supplied.
        dct.pop("spec", None)
        dct.pop("subprocess_specs", None)
        workflow = self.target_class(self.spec, self.subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


class StateSerializer:
    """Serializer bound to one definition's specs; build once per definition and reuse.

    ``to_dict``/``from_dict`` are used rather than ``serialize_json`` because the latter flips a
    flag on the shared registry and is therefore not safe across threads.
    """

    def __init__(self, spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]) -> None:
        config = dict(SPIFF_CONFIG)
        config[BpmnWorkflow] = lambda target, registry: SpecFreeWorkflowConverter(
            target, registry, spec, subprocess_specs
        )
        self._serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))

    def dumps(self, workflow: BpmnWorkflow, ids: IdSequence) -> str:
        dct = self._serializer.to_dict(workflow)
        dct[ID_SEQUENCE_KEY] = {"seed": ids.seed, "counter": ids.counter, "last_time": ids.last_time}
        for workflow_dct in (dct, *dct["subprocesses"].values()):
            _sort_deletions(workflow_dct)
        dct[BpmnWorkflowSerializer.VERSION_KEY] = self._serializer.VERSION
        return json.dumps(dct, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def loads(self, state: str) -> tuple[BpmnWorkflow, IdSequence]:
        dct = json.loads(state)
        stored = dct.pop(ID_SEQUENCE_KEY, None)
        # States written before ids were sequenced continue with a fresh seed.
        ids = IdSequence(**stored) if stored else IdSequence.fresh()
        self._serializer.migrate(dct)
        _parents_first(dct)
        for subprocess in dct.get("subprocesses", {}).values():
            _parents_first(subprocess)
        return self._serializer.from_dict(dct), ids


def _sort_deletions(workflow_dct: dict[str, Any]) -> None:
    """Make data-delta deletion lists order-independent.

    SpiffWorkflow lists deleted keys in the parent's dict order, which differs after a restore
    (JSON keys come back sorted); sorting keeps "equal state, equal string" true.
    """
    for task in workflow_dct["tasks"].values():
        delta = task.get("delta") or {}
        if "deletions" in delta:
            delta["deletions"] = sorted(delta["deletions"])


def _parents_first(workflow_dct: dict[str, Any]) -> None:
    """Reorder ``tasks`` so every task follows its parent.

    SpiffWorkflow stores a child's data as a delta against its parent and rebuilds it while
    restoring tasks in mapping order, so it silently loses data unless parents come first. Our
    ``sort_keys`` output orders tasks by UUID, hence this walk from the root.
    """
    tasks = workflow_dct["tasks"]
    ordered: dict[str, dict[str, Any]] = {}
    pending = [workflow_dct["root"]]
    while pending:
        task_id = pending.pop(0)
        if task_id in tasks and task_id not in ordered:
            ordered[task_id] = tasks[task_id]
            pending.extend(tasks[task_id]["children"])
    ordered.update((task_id, task) for task_id, task in tasks.items() if task_id not in ordered)
    workflow_dct["tasks"] = ordered
