"""A restricted evaluator for the Python snippets found in diagrams.

Script tasks, gateway conditions and timer expressions are code written by whoever edits the
diagrams. SpiffWorkflow runs them with plain ``eval``/``exec``; here they go through three layers
instead, each cheap and independently testable:

1. a static check of the ``ast`` (no imports, no private/dunder names or attributes, no
   introspection built-ins, no constructs that could swallow our time-out exception);
2. an AST rewrite that routes size-amplifying operations through guards, because a single C-level
   operation such as ``10**10**10`` or ``s + s`` (repeated) would otherwise block the process or
   eat its memory with no Python line to interrupt: the operators ``**``, ``*``, ``<<``, ``+`` and
   ``%`` (also as ``op=``), f-strings, ``*iterable`` unpacking in displays and calls, slice
   assignment, the methods ``join``/``replace``/``translate``/``extend`` and ``sum``; each guard
   computes the result size from its operands *before* doing the operation;
3. execution with a whitelisted ``__builtins__`` under a ``sys.settrace`` budget (lines and
   wall time), so loops end with a ``ScriptError`` instead of hanging a worker; loops are
   instrumented with a tick call so that even one-line loops produce trace events.

Everything else keeps SpiffWorkflow's semantics: the task data dict is the globals of the script.
The run-time guards of layers 2 and 3 live in ``sandbox_guards`` and the shared limits in
``sandbox_limits``; this module keeps the policy, the rewrite, the trace budget and the entry
points, and re-exports ``GUARDS``, ``SAFE_BUILTINS``, the limits and ``SandboxViolation``.

These layers are the first fence: they run inside an evaluator process (``evaluator_child``)
whose CPU time, memory and wall clock the operating system bounds, since no Python-level check
interrupts one C-level operation. RestrictedPython was not taken for the policy: it refuses
``d['k'] += 1``, allows ``try`` and classes, and has no size guards, so this rewrite stays anyway.
"""

from __future__ import annotations

import ast
import re
import sys
import time
from functools import lru_cache
from types import CodeType, FrameType
from typing import Any

from ..errors import ScriptError
from .sandbox_guards import GUARDS, SAFE_BUILTINS, UNTRACED
from .sandbox_limits import MAX_FORMAT_WIDTH, MAX_LINES, MAX_SECONDS, Deadline, GuardName, SandboxViolation

__all__ = [
    "CHECKED_METHODS",
    "GUARDS",
    "MAX_FORMAT_WIDTH",
    "MAX_LINES",
    "MAX_SECONDS",
    "REFUSED_ATTRIBUTES",
    "REFUSED_ATTRIBUTE_PREFIXES",
    "REFUSED_NAMES",
    "REFUSED_NODES",
    "SAFE_BUILTINS",
    "SandboxViolation",
    "check_expression",
    "compile_restricted",
    "describe_failure",
    "run_bounded",
]

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

# Methods whose result can be far larger than their operands; ``obj.name`` is rewritten so that on
# str/bytes (or list, for ``extend``) a size-checked version is returned. Other objects (a datetime's
# ``replace``) get their own method.
CHECKED_METHODS = frozenset({"join", "replace", "translate", "extend"})


def _constant_spec(spec: ast.expr) -> str | None:
    """The text of an f-string format spec, or None when part of it is computed at run time."""
    if not isinstance(spec, ast.JoinedStr):
        return None
    texts = [
        part.value for part in spec.values if isinstance(part, ast.Constant) and isinstance(part.value, str)
    ]
    return "".join(texts) if len(texts) == len(spec.values) else None


def _largest_number(text: str) -> int:
    return max((int(run) for run in re.findall(r"\d+", text)), default=0)


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
    elif isinstance(node, ast.FormattedValue) and node.format_spec is not None:
        spec = _constant_spec(node.format_spec)
        if spec is None:
            return "f-string format specs must be constant (no {...} inside the spec)"
        if _largest_number(spec) > MAX_FORMAT_WIDTH:
            return f"f-string format spec '{spec}' has a width or precision above {MAX_FORMAT_WIDTH}"
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


def _slice_as_value(key: ast.expr) -> ast.expr:
    """``a:b:c`` inside a subscript as an ordinary expression (``slice(a, b, c)``)."""
    if isinstance(key, ast.Slice):
        parts = [part or ast.Constant(value=None) for part in (key.lower, key.upper, key.step)]
        return ast.copy_location(_guard_call(GuardName.SLICE, *parts), key)
    if isinstance(key, ast.Tuple):
        return ast.copy_location(ast.Tuple(elts=[_slice_as_value(e) for e in key.elts], ctx=ast.Load()), key)
    return key


def _has_starred(elements: list[ast.expr]) -> bool:
    return any(isinstance(element, ast.Starred) for element in elements)


def _build_call(elements: list[ast.expr]) -> ast.Call:
    """``[a, *b, c]`` as ``__engine_build((a,), b, (c,))``: one size-checked extend per part."""
    parts: list[ast.expr] = []
    plain: list[ast.expr] = []
    for element in elements:
        if isinstance(element, ast.Starred):
            if plain:
                parts.append(ast.Tuple(elts=plain, ctx=ast.Load()))
                plain = []
            parts.append(element.value)
        else:
            plain.append(element)
    if plain:
        parts.append(ast.Tuple(elts=plain, ctx=ast.Load()))
    return _guard_call(GuardName.BUILD, *parts)


class _Instrument(ast.NodeTransformer):
    """Rewrite risky operations into guard calls and make every loop iteration visible to the tracer.

    ``a op b`` and ``x op= y`` for ``**``, ``*``, ``<<``, ``+`` and ``%`` become guard calls; an
    augmented assignment to ``obj[key]`` or ``obj.name`` becomes one helper call (its right-hand side
    is then evaluated before ``obj[key]`` is read, a difference no sane script can observe). f-strings
    are rebuilt by a guard that formats each field and checks the total length before joining;
    ``*iterable`` in list/tuple displays and call arguments goes through a size-checked builder;
    ``obj[a:b] = value`` through a size-checked slice store; reading ``obj.join`` (and the other
    ``CHECKED_METHODS``) through ``__engine_method``.

    Each loop body and each comprehension iteration calls ``__engine_tick``: CPython 3.11 emits no
    line event when a loop jumps back within one line (``while True: pass``), but a call always
    emits a trace event.
    """

    _GUARDS = {
        ast.Pow: GuardName.POW,
        ast.Mult: GuardName.MUL,
        ast.LShift: GuardName.LSHIFT,
        ast.Add: GuardName.ADD,
        ast.Mod: GuardName.MOD,
    }
    _AUG_GUARDS = {**_GUARDS, ast.Add: GuardName.IADD}
    _SYMBOLS = {ast.Pow: "**", ast.Mult: "*", ast.LShift: "<<", ast.Add: "+", ast.Mod: "%"}

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        guard = self._GUARDS.get(type(node.op))
        if guard is None:
            return node
        return ast.copy_location(_guard_call(guard, node.left, node.right), node)

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        self.generic_visit(node)
        op = type(node.op)
        guard = self._AUG_GUARDS.get(op)
        target = node.target
        if guard is None:
            return node
        if isinstance(target, ast.Name):
            current = ast.Name(id=target.id, ctx=ast.Load())
            assign = ast.Assign(targets=[target], value=_guard_call(guard, current, node.value))
            return ast.copy_location(assign, node)
        symbol = ast.Constant(value=self._SYMBOLS[op])
        if isinstance(target, ast.Subscript):
            call = _guard_call(
                GuardName.AUG_ITEM, target.value, _slice_as_value(target.slice), symbol, node.value
            )
        else:
            assert isinstance(target, ast.Attribute)
            name = ast.Constant(value=target.attr)
            call = _guard_call(GuardName.AUG_ATTR, target.value, name, symbol, node.value)
        return ast.copy_location(ast.Expr(value=call), node)

    def visit_Assign(self, node: ast.Assign) -> ast.AST:
        self.generic_visit(node)
        target = node.targets[0]
        if (
            len(node.targets) == 1
            and isinstance(target, ast.Subscript)
            and isinstance(target.slice, ast.Slice)
        ):
            call = _guard_call(GuardName.SET_SLICE, target.value, _slice_as_value(target.slice), node.value)
            return ast.copy_location(ast.Expr(value=call), node)
        return node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:
        parts: list[ast.expr] = []
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                spec = "" if part.format_spec is None else _constant_spec(part.format_spec)
                conversion = ast.Constant(value=part.conversion)
                format_spec = ast.Constant(value=spec)
                parts.append(_guard_call(GuardName.FVALUE, self.visit(part.value), conversion, format_spec))
            else:
                parts.append(part)
        return ast.copy_location(_guard_call(GuardName.FSTRING, *parts), node)

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        self.generic_visit(node)
        if node.attr in CHECKED_METHODS and isinstance(node.ctx, ast.Load):
            return ast.copy_location(
                _guard_call(GuardName.METHOD, node.value, ast.Constant(value=node.attr)), node
            )
        return node

    def _display(self, node: ast.List | ast.Tuple) -> ast.AST:
        self.generic_visit(node)
        if not isinstance(node.ctx, ast.Load) or not _has_starred(node.elts):
            return node
        call = _build_call(node.elts)
        if isinstance(node, ast.Tuple):
            call = _guard_call(GuardName.BUILD_TUPLE, *call.args)
        return ast.copy_location(call, node)

    visit_List = _display
    visit_Tuple = _display

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if _has_starred(node.args):
            node.args = [ast.Starred(value=_build_call(node.args), ctx=ast.Load())]
        return node

    def _tick_body(self, node: ast.While | ast.For) -> ast.AST:
        self.generic_visit(node)
        node.body.insert(0, ast.copy_location(ast.Expr(value=_guard_call(GuardName.TICK)), node.body[0]))
        return node

    visit_While = _tick_body
    visit_For = _tick_body

    def visit_comprehension(self, node: ast.comprehension) -> ast.AST:
        self.generic_visit(node)
        node.ifs.append(_guard_call(GuardName.TICK))
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


class _Budget(Deadline):
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
        if event == "call" and frame.f_code in UNTRACED:
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
