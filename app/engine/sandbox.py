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
"""

from __future__ import annotations

import ast
import builtins
import itertools
import re
import sys
import time
from collections.abc import Callable
from functools import lru_cache, partial
from types import CodeType, FrameType
from typing import Any

from .errors import ScriptError

MAX_RANGE_ITEMS = 100_000
MAX_EXPONENT = 1000
MAX_INT_BITS = 1_000_000
MAX_SEQUENCE_ITEMS = 1_000_000
MAX_SHIFT = 100_000
# Largest width or precision accepted in an f-string format spec or a printf-style ``%`` format.
MAX_FORMAT_WIDTH = 1000
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
_ADD, _IADD, _MOD = "__engine_add", "__engine_iadd", "__engine_mod"
_AUG_ITEM, _AUG_ATTR, _SET_SLICE, _SLICE = (
    "__engine_aug_item",
    "__engine_aug_attr",
    "__engine_set_slice",
    "__engine_slice",
)
_FSTRING, _FVALUE, _METHOD = "__engine_fstring", "__engine_fvalue", "__engine_method"
_BUILD, _BUILD_TUPLE = "__engine_build", "__engine_build_tuple"

# Methods whose result can be far larger than their operands; ``obj.name`` is rewritten so that on
# str/bytes (or list, for ``extend``) a size-checked version is returned. Other objects (a datetime's
# ``replace``) get their own method.
CHECKED_METHODS = frozenset({"join", "replace", "translate", "extend"})


class SandboxViolation(Exception):
    """Raised inside a running script when a runtime limit is hit."""


def _constant_spec(spec: ast.expr) -> str | None:
    """The text of an f-string format spec, or None when part of it is computed at run time."""
    if isinstance(spec, ast.JoinedStr) and all(
        isinstance(part, ast.Constant) and isinstance(part.value, str) for part in spec.values
    ):
        return "".join(part.value for part in spec.values)  # type: ignore[union-attr]
    return None


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
        return ast.copy_location(_guard_call(_SLICE, *parts), key)
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
    return _guard_call(_BUILD, *parts)


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

    _GUARDS = {ast.Pow: _POW, ast.Mult: _MUL, ast.LShift: _LSHIFT, ast.Add: _ADD, ast.Mod: _MOD}
    _AUG_GUARDS = {**_GUARDS, ast.Add: _IADD}
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
            call = _guard_call(_AUG_ITEM, target.value, _slice_as_value(target.slice), symbol, node.value)
        else:
            assert isinstance(target, ast.Attribute)
            name = ast.Constant(value=target.attr)
            call = _guard_call(_AUG_ATTR, target.value, name, symbol, node.value)
        return ast.copy_location(ast.Expr(value=call), node)

    def visit_Assign(self, node: ast.Assign) -> ast.AST:
        self.generic_visit(node)
        target = node.targets[0]
        if (
            len(node.targets) == 1
            and isinstance(target, ast.Subscript)
            and isinstance(target.slice, ast.Slice)
        ):
            call = _guard_call(_SET_SLICE, target.value, _slice_as_value(target.slice), node.value)
            return ast.copy_location(ast.Expr(value=call), node)
        return node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:
        parts: list[ast.expr] = []
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                spec = "" if part.format_spec is None else _constant_spec(part.format_spec)
                conversion = ast.Constant(value=part.conversion)
                parts.append(
                    _guard_call(_FVALUE, self.visit(part.value), conversion, ast.Constant(value=spec))
                )
            else:
                parts.append(part)
        return ast.copy_location(_guard_call(_FSTRING, *parts), node)

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        self.generic_visit(node)
        if node.attr in CHECKED_METHODS and isinstance(node.ctx, ast.Load):
            return ast.copy_location(_guard_call(_METHOD, node.value, ast.Constant(value=node.attr)), node)
        return node

    def _display(self, node: ast.List | ast.Tuple) -> ast.AST:
        self.generic_visit(node)
        if not isinstance(node.ctx, ast.Load) or not _has_starred(node.elts):
            return node
        call: ast.expr = _build_call(node.elts)
        if isinstance(node, ast.Tuple):
            call = _guard_call(_BUILD_TUPLE, *call.args)
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


_SEQUENCES = (str, bytes, list, tuple)


def _check_items(count: int, what: str) -> None:
    if count > MAX_SEQUENCE_ITEMS:
        raise SandboxViolation(
            f"{what} would have {count} items, more than the limit of {MAX_SEQUENCE_ITEMS}"
        )


def _check_deadline() -> None:
    """Let a long-running guard honour the time limit (guards themselves are not traced)."""
    budget = sys.gettrace()
    if isinstance(budget, _Budget) and time.monotonic() > budget.deadline:
        raise SandboxViolation("script ran too long (time limit exceeded)")


def _bounded_items(iterable: Any, room: int, what: str) -> Any:
    """``iterable`` itself when it has a length within ``room``, else its first items as a list.

    Iterators without a length (``map(abs, items)``) are drained into a list of at most ``room + 1``
    items *before* anything is extended, so ``items.extend(map(abs, items))`` cannot chase itself.
    """
    try:
        count = len(iterable)
    except TypeError:
        drained = list(itertools.islice(iterable, max(room, 0) + 1))
        if len(drained) > room:
            raise SandboxViolation(
                f"{what} would have more than the limit of {MAX_SEQUENCE_ITEMS} items"
            ) from None
        return drained
    if count > room:
        raise SandboxViolation(f"{what} would have more than the limit of {MAX_SEQUENCE_ITEMS} items")
    return iterable


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


def _guarded_add(left: Any, right: Any) -> Any:
    if isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
        _check_items(len(left) + len(right), "concatenation")
    return left + right


def _guarded_iadd(current: Any, value: Any) -> Any:
    """``current += value``, in place for lists (aliases see the change, as in plain Python)."""
    if isinstance(current, list):
        value = _bounded_items(value, MAX_SEQUENCE_ITEMS - len(current), "concatenation")
    elif isinstance(current, _SEQUENCES) and isinstance(value, _SEQUENCES):
        _check_items(len(current) + len(value), "concatenation")
    current += value
    return current


# One printf-style conversion: %[(key)][flags][width][.precision][length]type. CPython allows nested
# parentheses in the key; such formats are refused rather than parsed.
_PRINTF_SPEC = re.compile(
    r"%(?:\((?P<key>[^()]*)\))?[-+ #0]*(?P<width>\*|\d*)(?:\.(?P<prec>\*|\d*))?[hlL]?(?P<type>.)", re.S
)


def _rendered_size(arg: Any, precision: int) -> int:
    """An upper estimate of how long one formatted argument gets (excluding padding)."""
    if isinstance(arg, str | bytes):
        return len(arg) + 2
    if isinstance(arg, int):
        return arg.bit_length() // 3 + 3
    if isinstance(arg, float | complex):
        return 700 + precision
    return len(str(arg))


def _guarded_mod(left: Any, right: Any) -> Any:
    """``%``: arithmetic unchanged; printf-style formatting with bounded widths and result size.

    Widths and precisions above ``MAX_FORMAT_WIDTH`` and ``*`` (width taken from the arguments) are
    refused; the result length is estimated from the format and the arguments before formatting.
    """
    if not isinstance(left, str | bytes):
        return left % right
    fmt = left if isinstance(left, str) else left.decode("latin-1")
    args = right if isinstance(right, tuple) else (right,)
    total, position, index = len(fmt), 0, 0
    while (position := fmt.find("%", position)) >= 0:
        match = _PRINTF_SPEC.match(fmt, position)
        if match is None:
            break  # a lone '%' at the end: Python reports it
        if match["key"] is None and fmt.startswith("%(", position):
            raise SandboxViolation("% format keys containing parentheses are not supported")
        position = match.end()
        if match["type"] == "%":
            continue
        width, precision = match["width"], match["prec"] or ""
        if "*" in (width, precision):
            raise SandboxViolation("'*' width or precision in % formatting is not allowed")
        if max(int(width or 0), int(precision or 0)) > MAX_FORMAT_WIDTH:
            raise SandboxViolation(f"% format width or precision is larger than {MAX_FORMAT_WIDTH}")
        key = match["key"]
        if key is not None:
            try:
                arg = right[key if isinstance(left, str) else key.encode("latin-1")]
            except Exception:
                continue  # Python raises the same error when it formats
        elif index < len(args):
            arg, index = args[index], index + 1
        else:
            continue  # not enough arguments: Python raises
        total += max(int(width or 0), _rendered_size(arg, int(precision or 0)))
        if total > MAX_SEQUENCE_ITEMS:
            raise SandboxViolation(
                f"% formatting would make more than the limit of {MAX_SEQUENCE_ITEMS} characters"
            )
    return left % right


def _format_value(value: Any, conversion: int, spec: str) -> str:
    """One ``{value!conversion:spec}`` field of an f-string (``spec`` was checked statically)."""
    if conversion == ord("s"):
        value = str(value)
    elif conversion == ord("r"):
        value = repr(value)
    elif conversion == ord("a"):
        value = ascii(value)
    return format(value, spec)


def _fstring(*parts: str) -> str:
    _check_items(sum(len(part) for part in parts), "f-string")
    return "".join(parts)


def _checked_join(separator: Any, iterable: Any) -> Any:
    items = iterable if isinstance(iterable, list | tuple) else list(iterable)
    total = len(separator) * max(len(items) - 1, 0)
    _check_items(total, "join() result")
    for item in items:
        if isinstance(item, str | bytes):
            total += len(item)
            if total > MAX_SEQUENCE_ITEMS:
                _check_items(total, "join() result")
    return separator.join(items)


def _checked_replace(text: Any, old: Any, new: Any, count: int = -1) -> Any:
    sized = isinstance(old, str | bytes) and isinstance(new, str | bytes) and isinstance(count, int)
    if sized and len(new) > len(old):
        occurrences = text.count(old) if old else len(text) + 1
        if count >= 0:
            occurrences = min(occurrences, count)
        _check_items(len(text) + occurrences * (len(new) - len(old)), "replace() result")
    return text.replace(old, new, count)


def _checked_translate(text: Any, table: Any) -> Any:
    if isinstance(text, str):
        values = (
            table.values() if isinstance(table, dict) else table if isinstance(table, list | tuple) else ()
        )
        longest = max((len(v) for v in values if isinstance(v, str)), default=1)
        if longest > 1:
            _check_items(len(text) * longest, "translate() result")
    return text.translate(table)


def _checked_extend(items: Any, iterable: Any) -> None:
    if isinstance(items, list):
        iterable = _bounded_items(iterable, MAX_SEQUENCE_ITEMS - len(items), "extend() result")
    items.extend(iterable)


_METHOD_CHECKS: dict[str, tuple[tuple[type, ...], Callable[..., Any]]] = {
    "join": ((str, bytes), _checked_join),
    "replace": ((str, bytes), _checked_replace),
    "translate": ((str,), _checked_translate),
    "extend": ((list,), _checked_extend),
}


def _method(obj: Any, name: str) -> Any:
    """``obj.name`` for a ``CHECKED_METHODS`` name: size-checked on str/bytes/list, else unchanged."""
    kinds, checked = _METHOD_CHECKS[name]
    if isinstance(obj, kinds):
        return partial(checked, obj)
    if any(obj is kind for kind in kinds):  # unbound use: str.join(sep, items)
        return checked
    return getattr(obj, name)


def _build(*parts: Any) -> list[Any]:
    """The items of ``[*a, b, *c]`` (parts already grouped), refusing oversized results."""
    result: list[Any] = []
    for part in parts:
        result.extend(_bounded_items(part, MAX_SEQUENCE_ITEMS - len(result), "unpacked sequence"))
    return result


def _build_tuple(*parts: Any) -> tuple[Any, ...]:
    return tuple(_build(*parts))


def _store_item(obj: Any, key: Any, value: Any) -> None:
    if isinstance(key, slice) and isinstance(obj, list):
        value = _bounded_items(value, MAX_SEQUENCE_ITEMS, "slice assignment")
        replaced = len(range(*key.indices(len(obj))))
        _check_items(len(obj) - replaced + len(value), "slice assignment")
    obj[key] = value


_AUGMENTED: dict[str, Callable[[Any, Any], Any]] = {
    "+": _guarded_iadd,
    "*": _guarded_mul,
    "**": _guarded_pow,
    "<<": _guarded_lshift,
    "%": _guarded_mod,
}


def _aug_item(obj: Any, key: Any, op: str, value: Any) -> None:
    _store_item(obj, key, _AUGMENTED[op](obj[key], value))


def _aug_attr(obj: Any, name: str, op: str, value: Any) -> None:
    setattr(obj, name, _AUGMENTED[op](getattr(obj, name), value))


def _guarded_sum(iterable: Any, /, start: Any = 0) -> Any:
    """``sum`` of numbers only; long sums of huge integers honour the time limit."""
    if not isinstance(start, int | float | complex):
        raise SandboxViolation("sum() only adds numbers; use ''.join(...) for strings or a loop for lists")
    items = iterable if isinstance(iterable, list | tuple) else list(iterable)
    if not any(isinstance(item, int) and item.bit_length() > 10_000 for item in items):
        return sum(items, start)
    total = start
    for first in range(0, len(items), 1000):
        total = sum(items[first : first + 1000], total)
        _check_deadline()
    return total


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
SAFE_BUILTINS.update(
    {"range": _capped_range, "sum": _guarded_sum, "True": True, "False": False, "None": None}
)

GUARDS: dict[str, Callable[..., Any]] = {
    _POW: _guarded_pow,
    _MUL: _guarded_mul,
    _LSHIFT: _guarded_lshift,
    _ADD: _guarded_add,
    _IADD: _guarded_iadd,
    _MOD: _guarded_mod,
    _AUG_ITEM: _aug_item,
    _AUG_ATTR: _aug_attr,
    _SET_SLICE: _store_item,
    _SLICE: slice,
    _FSTRING: _fstring,
    _FVALUE: _format_value,
    _METHOD: _method,
    _BUILD: _build,
    _BUILD_TUPLE: _build_tuple,
    _TICK: _tick,
}
# Our own helpers count as one step per call; their inner lines are not the script's.
_HELPERS = (
    *GUARDS.values(),
    _capped_range,
    _guarded_sum,
    _bounded_items,
    _check_items,
    _check_deadline,
    _rendered_size,
    *(checked for _, checked in _METHOD_CHECKS.values()),
)
_UNTRACED = frozenset(func.__code__ for func in _HELPERS if hasattr(func, "__code__"))


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
