"""SpiffWorkflow script engine that runs every snippet in an evaluator process, through the sandbox.

SpiffWorkflow hands all scripts, gateway conditions, timer and multi-instance expressions to the
workflow's ``script_engine`` (and a few straight to its ``environment``); overriding both here is the
single choke point. The code itself runs in a child process of ``evaluator_pool`` under hard limits
(wall clock, CPU time, memory, result size), with the sandbox's policy, size guards and trace budget
inside it. Failures surface as ``ScriptError`` (``ScriptLimitExceeded`` for a limit) naming the BPMN
element, never as SpiffWorkflow exceptions, so the service layer does not need to know SpiffWorkflow.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from .errors import ScriptError, ScriptLimitExceeded
from .evaluator_pool import run_in_evaluator
from .sandbox import GUARDS, check_expression, describe_failure
from .script_functions import SCRIPT_FUNCTIONS


class RestrictedEnvironment(TaskDataEnvironment):
    """Task-data-as-globals environment (SpiffWorkflow's semantics), evaluated in a child process.

    ``execute`` keeps SpiffWorkflow's contract that the task data dict is changed in place: the child
    sends back the data after the script (without globals, functions and external context) and the
    dict's contents are replaced with it, only once the script has succeeded. The external context
    (data objects) is read-only for the code: changes to it stay in the child.
    """

    def __init__(self) -> None:
        # Named here so that ``check_for_overwrite`` refuses task data shadowing them.
        super().__init__(environment_globals={**GUARDS, **SCRIPT_FUNCTIONS})

    def evaluate(self, expression: str, context: dict, external_context: dict | None = None) -> Any:
        external = external_context or {}
        request = {"op": "evaluate", "source": expression, "context": context, "external": external}
        return run_in_evaluator(request).get("value")

    def execute(self, script: str, context: dict, external_context: dict | None = None) -> bool:
        self.check_for_overwrite(context, external_context or {})
        request = {"op": "execute", "source": script, "context": context, "external": external_context or {}}
        result = run_in_evaluator(request).get("context")
        if not isinstance(result, dict):
            raise ScriptError("the evaluator sent a malformed answer")
        context.clear()
        context.update(result)
        return True


def check_snippets(snippets: list[tuple[str, str]]) -> list[str | None]:
    """Why each ``(source, "eval" | "exec")`` is refused by the policy or does not compile, else None.

    All checked in one round trip, in an evaluator under the same limits as running them.
    """
    if not snippets:
        return []
    answer = run_in_evaluator({"op": "check", "sources": [[source, mode] for source, mode in snippets]})
    reasons = answer.get("reasons")
    if not isinstance(reasons, list) or len(reasons) != len(snippets):
        raise ScriptError("the evaluator sent a malformed answer")
    return [None if reason is None else str(reason) for reason in reasons]


def _failure(task: Any, what: str, exc: Exception) -> ScriptError:
    """``exc`` as a ScriptError naming the BPMN element (and, for a limit, keeping the limit)."""
    spec = task.task_spec
    element_id = getattr(spec, "bpmn_id", None)
    label = getattr(spec, "bpmn_name", None) or element_id or spec.name
    message = f"{what} in '{label}' failed: {describe_failure(exc)}"
    if isinstance(exc, ScriptLimitExceeded):
        return ScriptLimitExceeded(message, element_id, limit=exc.limit)
    return ScriptError(message, element_id)


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
            raise _failure(task, f"expression {expression!r}", exc) from exc

    def execute(self, task: Any, script: str, external_context: dict | None = None) -> bool:
        try:
            return self.environment.execute(script, task.data, external_context or {})
        except Exception as exc:
            raise _failure(task, "script", exc) from exc
