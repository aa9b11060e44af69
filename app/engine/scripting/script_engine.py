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
from SpiffWorkflow.specs.ExclusiveChoice import ExclusiveChoice
from SpiffWorkflow.specs.MultiChoice import MultiChoice

from ..errors import ScriptError, ScriptLimitExceeded
from .evaluator_pool import run_each_in_evaluator, run_in_evaluator
from .evaluator_wire import WireError, encode
from .sandbox import GUARDS, check_expression, describe_failure
from .script_functions import SCRIPT_FUNCTIONS


# SpiffWorkflow ships no type hints: to mypy its classes are Any.
class RestrictedEnvironment(TaskDataEnvironment):  # type: ignore[misc]
    """Task-data-as-globals environment (SpiffWorkflow's semantics), evaluated in a child process.

    ``execute`` keeps SpiffWorkflow's contract that the task data dict is changed in place: the child
    sends back the data after the script (without globals, functions and external context) and the
    dict's contents are replaced with it, only once the script has succeeded. The external context
    (data objects) is read-only for the code: changes to it stay in the child.
    """

    def __init__(self) -> None:
        # Named here so that ``check_for_overwrite`` refuses task data shadowing them.
        super().__init__(environment_globals={**GUARDS, **SCRIPT_FUNCTIONS})

    def evaluate(
        self, expression: str, context: dict[str, Any], external_context: dict[str, Any] | None = None
    ) -> Any:
        external = external_context or {}
        request = {"op": "evaluate", "source": expression, "context": context, "external": external}
        return run_in_evaluator(request).get("value")

    def execute(
        self, script: str, context: dict[str, Any], external_context: dict[str, Any] | None = None
    ) -> bool:
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


def _gateway_conditions(task: Any, expression: str) -> tuple[list[str], bool] | None:
    """The conditions of the task's gateway that SpiffWorkflow evaluates from ``expression`` on, in
    its order, and whether it stops at the first true one (exclusive) or not (inclusive); None when
    ``expression`` is not a gateway condition."""
    spec = task.task_spec
    if not isinstance(spec, MultiChoice) or spec.choice is not None:
        return None
    sources = [condition.args[0] for condition, _ in spec.cond_task_specs if condition is not None]
    if expression not in sources:
        return None
    return sources[sources.index(expression) :], isinstance(spec, ExclusiveChoice)


class _Prefetched:
    """A gateway's conditions evaluated in one round trip, waiting to be asked for one by one.

    Valid for the same task while its data and the data objects encode to the same bytes.
    """

    def __init__(self, task_id: Any, state: bytes, answers: dict[str, dict[str, Any] | ScriptError]) -> None:
        self.task_id = task_id
        self.state = state
        self.answers = answers

    def take(self, task_id: Any, state: bytes, expression: str) -> dict[str, Any] | ScriptError | None:
        if task_id != self.task_id or state != self.state:
            return None
        return self.answers.pop(expression, None)


# SpiffWorkflow ships no type hints: to mypy its classes are Any.
class RestrictedScriptEngine(PythonScriptEngine):  # type: ignore[misc]
    """``PythonScriptEngine`` using ``RestrictedEnvironment`` and raising ``ScriptError``.

    A gateway's conditions go to the evaluator in one round trip (``evaluate_each``, evaluated in
    SpiffWorkflow's order and with its stopping rule), then are handed out as SpiffWorkflow asks.
    """

    environment: RestrictedEnvironment  # set by PythonScriptEngine.__init__

    def __init__(self) -> None:
        super().__init__(environment=RestrictedEnvironment())
        self._prefetched: _Prefetched | None = None

    def validate(self, expression: str) -> None:
        reason = check_expression(expression)
        if reason:
            raise ScriptError(f"refused: {reason}")

    def evaluate(self, task: Any, expression: str, external_context: dict[str, Any] | None = None) -> Any:
        try:
            gateway = _gateway_conditions(task, expression)
            if gateway is None:
                return self.environment.evaluate(expression, task.data, external_context)
            return self._gateway_condition(task, expression, external_context or {}, *gateway)
        except Exception as exc:
            raise _failure(task, f"expression {expression!r}", exc) from exc

    def _gateway_condition(
        self, task: Any, expression: str, external: dict[str, Any], sources: list[str], until_true: bool
    ) -> Any:
        try:
            state = encode([task.data, external], 1 << 30)
        except WireError as exc:
            raise ScriptError(f"the task data cannot be passed to the evaluator: {exc}") from None
        answer = self._prefetched.take(task.id, state, expression) if self._prefetched else None
        if answer is None and len(sources) == 1:
            return self.environment.evaluate(expression, task.data, external)
        if answer is None:
            request = {
                "op": "evaluate_each",
                "sources": sources,
                "until_true": until_true,
                "context": task.data,
                "external": external,
            }
            answers = run_each_in_evaluator(request)
            self._prefetched = _Prefetched(task.id, state, dict(zip(sources, answers, strict=False)))
            answer = self._prefetched.take(task.id, state, expression)
        if isinstance(answer, ScriptError):
            raise answer
        if not isinstance(answer, dict):
            raise ScriptError("the evaluator sent a malformed answer")
        return answer.get("value")

    def execute(self, task: Any, script: str, external_context: dict[str, Any] | None = None) -> bool:
        try:
            return self.environment.execute(script, task.data, external_context or {})
        except Exception as exc:
            raise _failure(task, "script", exc) from exc
