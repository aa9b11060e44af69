"""A restricted evaluator for the Python snippets found in diagrams.

Script tasks, gateway conditions and timer expressions are code written by whoever edits the
diagrams. SpiffWorkflow runs them with plain ``eval``/``exec``; here they go through three layers
instead, each cheap and independently testable:

1. a static check of the ``ast`` (no imports, no private/dunder names or attributes, no
   introspection built-ins, no constructs that could swallow our time-out exception);
2. an AST rewrite that routes ``**``, ``*`` and ``<<`` through guards, because a single C-level
   operation such as ``10**10**10`` would otherwise block the process with no Python line to
   interrupt;
3. execution with a whitelisted ``__builtins__`` under a ``sys.settrace`` budget (lines and
   wall time), so loops end with a ``ScriptError`` instead of hanging a worker; loops are
   instrumented with a tick call so that even one-line loops produce trace events.

Everything else keeps SpiffWorkflow's semantics: the task data dict is the globals of the script.
"""

from __future__ import annotations

import ast
import builtins
import sys
import time
from collections.abc import Callable
from functools import lru_cache
from types import CodeType, FrameType
from typing import Any

from .errors import ScriptError

MAX_RANGE_ITEMS = 100_000
MAX_EXPONENT = 1000
MAX_INT_BITS = 1_000_000
MAX_SEQUENCE_ITEMS = 1_000_000
MAX_SHIFT = 100_000
MAX_LINES = 1_000_000
MAX_SECONDS = 0.5

REFUSED_NAMES = frozenset(
    {
        "open",
        "eval",
        "exec",
        "compile",
        "getattr",
        "setattr",
        "delattr",
        "globals",
        "locals",
        "vars",
        "__import__",
        "input",
        "breakpoint",
        "exit",
        "quit",
        "help",
        "type",
        "object",
        "memoryview",
    }
)
# Attributes that reach interpreter internals without a leading underscore (frames of generators,
# tracebacks and code objects), or that reintroduce attribute lookup by string (str.format), or that
# build huge strings in one C call. Scripts on task data never need them.
REFUSED_ATTRIBUTES = frozenset(
    {
        "format",
        "format_map",
        "mro",
        "ljust",
        "rjust",
        "center",
        "zfill",
        "expandtabs",
    }
)
REFUSED_ATTRIBUTE_PREFIXES = ("_", "gi_", "cr_", "ag_", "f_", "tb_", "co_", "func_")
# Constructs refused outright. ``try`` matters most: a bare ``except`` or a ``finally`` could catch
# the time-out raised by the trace guard, and CPython removes a trace function that raised.
REFUSED_NODES: dict[type[ast.AST], str] = {
    ast.Import: "import is not allowed",
    ast.ImportFrom: "import is not allowed",
    ast.Global: "global is not allowed",
    ast.Nonlocal: "nonlocal is not allowed",
    ast.Try: "try/except is not allowed",
    ast.ClassDef: "class definitions are not allowed",
    ast.AsyncFunctionDef: "async code is not allowed",
    ast.Await: "async code is not allowed",
    ast.AsyncFor: "async code is not allowed",
    ast.AsyncWith: "async code is not allowed",
    ast.With: "with is not allowed",
    ast.Yield: "generators are not allowed",
    ast.YieldFrom: "generators are not allowed",
    ast.Match: "match is not allowed",
}
if hasattr(ast, "TryStar"):
    REFUSED_NODES[ast.TryStar] = "try/except is not allowed"

_POW, _MUL, _LSHIFT, _TICK = "__engine_pow", "__engine_mul", "__engine_lshift", "__engine_tick"


class SandboxViolation(Exception):
    """Raised inside a running script when a runtime limit is hit."""


def _refusal(node: ast.AST) -> str | None:
    """Return why ``node`` is refused, or None when it is acceptable."""
    reason = REFUSED_NODES.get(type(node))
    if reason:
        return reason
    if isinstance(node, ast.Name):
        if node.id.startswith("_"):
            return f"name '{node.id}' starts with an underscore"
        if node.id in REFUSED_NAMES:
            return f"name '{node.id}' is not allowed"
    elif isinstance(node, ast.Attribute):
        if node.attr.startswith("_"):
            return f"attribute '{node.attr}' starts with an underscore"
        if node.attr.startswith(REFUSED_ATTRIBUTE_PREFIXES) or node.attr in REFUSED_ATTRIBUTES:
            return f"attribute '{node.attr}' is not allowed"
    elif isinstance(node, ast.FunctionDef | ast.arg | ast.ExceptHandler):
        name = getattr(node, "name", None) or getattr(node, "arg", None)
        if name and name.startswith("_"):
            return f"name '{name}' starts with an underscore"
    elif (
        isinstance(node, ast.AugAssign)
        and isinstance(node.op, ast.Pow | ast.Mult | ast.LShift)
        and not isinstance(node.target, ast.Name)
    ):
        return "'**=', '*=' and '<<=' are only allowed on plain variables"
    return None


def check_expression(source: str) -> str | None:
    """Return None if ``source`` would be accepted by the sandbox, else the reason it is refused.

    Meant for the diagram linter as well as for the engine: both share one definition of "safe".
    """
    try:
        tree = ast.parse(source, mode="exec")
    except SyntaxError as exc:
        return f"syntax error: {exc.msg} (line {exc.lineno})"
    for node in ast.walk(tree):
        reason = _refusal(node)
        if reason:
            return reason
    return None


def _guard_call(guard: str, *args: ast.expr) -> ast.Call:
    return ast.Call(func=ast.Name(id=guard, ctx=ast.Load()), args=list(args), keywords=[])


class _Instrument(ast.NodeTransformer):
    """Rewrite risky operators into guard calls and make every loop iteration visible to the tracer.

    ``a ** b``, ``a * b`` and ``a << b`` (and ``x op= y``) become guard calls. Each loop body and
    each comprehension iteration calls ``__engine_tick``: CPython 3.11 emits no line event when a
    loop jumps back within one line (``while True: pass``), but a call always emits a trace event.
    """

    _GUARDS = {ast.Pow: _POW, ast.Mult: _MUL, ast.LShift: _LSHIFT}

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        guard = self._GUARDS.get(type(node.op))
        if guard is None:
            return node
        return ast.copy_location(_guard_call(guard, node.left, node.right), node)

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        self.generic_visit(node)
        guard = self._GUARDS.get(type(node.op))
        if guard is None or not isinstance(node.target, ast.Name):
            return node
        current = ast.Name(id=node.target.id, ctx=ast.Load())
        assign = ast.Assign(targets=[node.target], value=_guard_call(guard, current, node.value))
        return ast.copy_location(assign, node)

    def _tick_body(self, node: ast.While | ast.For) -> ast.AST:
        self.generic_visit(node)
        node.body.insert(0, ast.copy_location(ast.Expr(value=_guard_call(_TICK)), node.body[0]))
        return node

    visit_While = _tick_body
    visit_For = _tick_body

    def visit_comprehension(self, node: ast.comprehension) -> ast.AST:
        self.generic_visit(node)
        node.ifs.append(_guard_call(_TICK))
        return node


@lru_cache(maxsize=512)
def compile_restricted(source: str, mode: str) -> CodeType:
    """Check and compile ``source`` ("eval" or "exec"); raises ScriptError when refused.

    Cached because the same conditions are evaluated on every engine step.
    """
    reason = check_expression(source)
    if reason:
        raise ScriptError(f"refused: {reason}")
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as exc:
        raise ScriptError(f"syntax error: {exc.msg} (line {exc.lineno})") from None
    tree = ast.fix_missing_locations(_Instrument().visit(tree))
    return compile(tree, "<diagram script>", mode)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | complex) and not isinstance(value, bool)


def _guarded_pow(base: Any, exponent: Any) -> Any:
    if _is_number(exponent) and abs(exponent) > MAX_EXPONENT:
        raise SandboxViolation(f"exponent {exponent!r} is larger than {MAX_EXPONENT}")
    if isinstance(base, int) and isinstance(exponent, int) and base.bit_length() * exponent > MAX_INT_BITS:
        raise SandboxViolation("power result would be too large")
    return base**exponent


def _guarded_mul(left: Any, right: Any) -> Any:
    if isinstance(left, int) and isinstance(right, int):
        if left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise SandboxViolation("product would be too large")
    else:
        for seq, count in ((left, right), (right, left)):
            sized = isinstance(seq, str | bytes | list | tuple) and isinstance(count, int)
            if sized and len(seq) * count > MAX_SEQUENCE_ITEMS:
                raise SandboxViolation("repeated sequence would be too large")
    return left * right


def _guarded_lshift(value: Any, shift: Any) -> Any:
    if isinstance(shift, int) and shift > MAX_SHIFT:
        raise SandboxViolation(f"shift by {shift} is larger than {MAX_SHIFT}")
    return value << shift


def _tick() -> bool:
    return True


def _capped_range(*args: int) -> range:
    result = range(*args)
    if len(result) > MAX_RANGE_ITEMS:
        raise SandboxViolation(f"range of {len(result)} items exceeds {MAX_RANGE_ITEMS}")
    return result


_SAFE_BUILTIN_NAMES = (
    "len",
    "min",
    "max",
    "sum",
    "abs",
    "round",
    "sorted",
    "any",
    "all",
    "int",
    "float",
    "str",
    "bool",
    "list",
    "dict",
    "set",
    "tuple",
    "enumerate",
    "zip",
    "isinstance",
    "reversed",
    "map",
    "filter",
    "Exception",
    "ValueError",
    "KeyError",
    "TypeError",
)
SAFE_BUILTINS: dict[str, Any] = {name: getattr(builtins, name) for name in _SAFE_BUILTIN_NAMES}
SAFE_BUILTINS.update({"range": _capped_range, "True": True, "False": False, "None": None})

GUARDS: dict[str, Callable[..., Any]] = {
    _POW: _guarded_pow,
    _MUL: _guarded_mul,
    _LSHIFT: _guarded_lshift,
    _TICK: _tick,
}
# Our own helpers count as one step per call; their inner lines are not the script's.
_UNTRACED = frozenset(func.__code__ for func in (*GUARDS.values(), _capped_range))


class _Budget:
    """``sys.settrace`` hook bounding a script by executed lines and wall time, whichever first.

    Calls count as lines; together with ``_Instrument``'s ticks every loop iteration produces at
    least one event, so the clock is looked at even in one-line loops.
    """

    def __init__(self, max_lines: int = MAX_LINES, max_seconds: float = MAX_SECONDS) -> None:
        self.max_lines = max_lines
        self.deadline = time.monotonic() + max_seconds
        self.lines = 0

    def __call__(self, frame: FrameType, event: str, arg: Any) -> _Budget | None:
        if event not in ("call", "line"):
            return self
        self.lines += 1
        if self.lines > self.max_lines:
            raise SandboxViolation(f"script ran too long (more than {self.max_lines} lines executed)")
        if self.lines % 256 == 0 and time.monotonic() > self.deadline:
            raise SandboxViolation("script ran too long (time limit exceeded)")
        if event == "call" and frame.f_code in _UNTRACED:
            return None
        return self


def run_bounded(code: CodeType, namespace: dict[str, Any]) -> Any:
    """Evaluate/execute ``code`` in ``namespace`` under the trace budget, restoring any prior tracer."""
    previous = sys.gettrace()
    sys.settrace(_Budget())
    try:
        return eval(code, namespace)  # noqa: S307 - code was checked and rewritten by compile_restricted
    finally:
        sys.settrace(previous)


def describe_failure(exc: BaseException) -> str:
    """One-line English description of why a script failed."""
    if isinstance(exc, ScriptError | SandboxViolation):
        return str(exc.message if isinstance(exc, ScriptError) else exc)
    if isinstance(exc, NameError):
        return f"unknown name: {exc}"
    return f"{type(exc).__name__}: {exc}"
