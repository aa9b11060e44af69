"""SpiffWorkflow script engine that runs every snippet through the sandbox.

SpiffWorkflow hands all scripts, gateway conditions and timer expressions to the workflow's
``script_engine``; overriding it here is the single choke point that makes ``sandbox`` apply
everywhere. Failures surface as ``ScriptError`` naming the BPMN element, never as SpiffWorkflow
exceptions, so the service layer does not need to know SpiffWorkflow.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from .errors import ScriptError
from .sandbox import (
    GUARDS,
    SAFE_BUILTINS,
    check_expression,
    compile_restricted,
    describe_failure,
    run_bounded,
)
from .script_functions import SCRIPT_FUNCTIONS


class RestrictedEnvironment(TaskDataEnvironment):
    """Task-data-as-globals environment (SpiffWorkflow's semantics) with sandboxed execution."""

    def __init__(self) -> None:
        # The guards and the date functions live in ``globals`` so SpiffWorkflow strips them from
        # task data after a script.
        super().__init__(environment_globals={**GUARDS, **SCRIPT_FUNCTIONS})

    def evaluate(self, expression: str, context: dict, external_context: dict | None = None) -> Any:
        code = compile_restricted(expression, "eval")
        namespace = dict(external_context or {})
        namespace.update(context)
        namespace.update(self.globals)
        namespace["__builtins__"] = SAFE_BUILTINS
        return run_bounded(code, namespace)

    def execute(self, script: str, context: dict, external_context: dict | None = None) -> bool:
        code = compile_restricted(script, "exec")
        self.check_for_overwrite(context, external_context or {})
        context.update(external_context or {})
        context.update(self.globals)
        context["__builtins__"] = SAFE_BUILTINS
        try:
            run_bounded(code, context)
        finally:
            self._remove_globals_and_functions_from_context(context, external_context)
        return True


def _element(task: Any) -> tuple[str | None, str]:
    spec = task.task_spec
    element_id = getattr(spec, "bpmn_id", None)
    label = getattr(spec, "bpmn_name", None) or element_id or spec.name
    return element_id, label


class RestrictedScriptEngine(PythonScriptEngine):
    """``PythonScriptEngine`` using ``RestrictedEnvironment`` and raising ``ScriptError``."""

    def __init__(self) -> None:
        super().__init__(environment=RestrictedEnvironment())

    def validate(self, expression: str) -> None:
        reason = check_expression(expression)
        if reason:
            raise ScriptError(f"refused: {reason}")

    def evaluate(self, task: Any, expression: str, external_context: dict | None = None) -> Any:
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except Exception as exc:
            element_id, label = _element(task)
            message = f"expression {expression!r} in '{label}' failed: {describe_failure(exc)}"
            raise ScriptError(message, element_id) from exc

    def execute(self, task: Any, script: str, external_context: dict | None = None) -> bool:
        try:
            return self.environment.execute(script, task.data, external_context or {})
        except Exception as exc:
            element_id, label = _element(task)
            raise ScriptError(f"script in '{label}' failed: {describe_failure(exc)}", element_id) from exc
