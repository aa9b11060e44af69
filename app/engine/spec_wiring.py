"""Connections SpiffWorkflow makes inside shared specs while a workflow runs, made once at parse time.

SpiffWorkflow 3.2 changes a process spec the first time some constructs run:

* a multi-instance or standard-loop task connects its instances' "completed" event to its merge
  callback when it creates its first instance (``create_child``); until then, finishing an instance
  merges nothing and the loop never becomes ready;
* a message-triggered event sub-process is connected to its process's start and end when it first
  fires (handled in ``event_subprocesses``).

A spec is parsed once per process and shared by every workflow of a version, and every gunicorn
worker, the timer worker and each CLI command parse their own. Left to run time, a review whose expert
tasks were created in one process and completed in another collected nothing (the application stopped
before the decision with no task ready) or silently lost an opinion. Wiring everything when the
definition is built makes every process's spec the same from the start; ``fingerprint`` lets tests
check that running workflows leaves the specs as parsed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from SpiffWorkflow.bpmn.specs import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask

from . import event_subprocesses


def _wire_loop_merges(spec: BpmnProcessSpec) -> None:
    """Connect each loop's instance spec to the loop's merge callback, as ``create_child`` would."""
    for task_spec in spec.task_specs.values():
        if isinstance(task_spec, LoopTask):
            completed = spec.task_specs[task_spec.task_spec].completed_event
            if not completed.is_connected(task_spec.merge_child):
                completed.connect(task_spec.merge_child)


def wire(spec: BpmnProcessSpec) -> None:
    """Make every run-time connection of ``spec`` now; idempotent."""
    event_subprocesses.wire(spec)
    _wire_loop_merges(spec)


def _callback_name(callback: Any) -> str:
    owner = getattr(callback, "__self__", None)
    name = getattr(callback, "__qualname__", repr(callback))
    return f"{getattr(owner, 'name', '')}.{name}" if owner is not None else name


def fingerprint(specs: Iterable[BpmnProcessSpec]) -> tuple[tuple[Any, ...], ...]:
    """Inputs, outputs and completion callbacks of every task spec: equal before and after running."""
    found = []
    for spec in specs:
        for name, task_spec in sorted(spec.task_specs.items()):
            subscribers = task_spec.completed_event.hard_subscribers or []
            found.append(
                (
                    spec.name,
                    name,
                    tuple(task_spec._inputs),
                    tuple(task_spec._outputs),
                    tuple(sorted(_callback_name(callback) for callback, _args, _kw in subscribers)),
                )
            )
    return tuple(found)
