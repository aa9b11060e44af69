"""Starting and restoring workflows of one ``ProcessDefinition``."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from .definition import ProcessDefinition
from .determinism import IdSequence, engine_step
from .errors import DiagramError
from .run import WorkflowRun, translate_engine_errors
from .scripting.script_engine import RestrictedScriptEngine


class Engine:
    """Factory for ``WorkflowRun`` objects; cheap to build, holds no per-workflow state."""

    def __init__(self, definition: ProcessDefinition) -> None:
        self.definition = definition

    def start(self, data: dict[str, Any], now: datetime, id_seed: str | None = None) -> WorkflowRun:
        """Create a workflow, seed ``data`` into its start task and run engine steps at ``now``.

        ``id_seed`` fixes the task ids (replay passes the recorded one); by default it is random.
        """
        ids = IdSequence(id_seed) if id_seed else IdSequence.fresh()
        with engine_step(now, ids), translate_engine_errors():
            workflow = BpmnWorkflow(
                self.definition.spec, self.definition.subprocess_specs, script_engine=RestrictedScriptEngine()
            )
            for task in workflow.get_tasks(state=TaskState.READY):
                task.data.update(copy.deepcopy(data))
            workflow.do_engine_steps()
        return WorkflowRun(workflow, self.definition, ids)

    def restore(self, state: str) -> WorkflowRun:
        """Rebuild a workflow from ``WorkflowRun.serialize()`` output; no engine steps are run.

        Deserialization leaves SpiffWorkflow's default (unrestricted) script engine in place, so
        the restricted one is installed here before the workflow can run anything.
        """
        try:
            workflow, ids = self.definition.serializer.loads(state)
        except Exception as exc:
            raise DiagramError(
                f"stored state does not match process '{self.definition.main_process_id}': "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        workflow.script_engine = RestrictedScriptEngine()
        return WorkflowRun(workflow, self.definition, ids)
