"""Run-time guards called by scripts rewritten in ``sandbox``, plus the whitelisted built-ins.

``sandbox._Instrument`` turns size-amplifying operations into calls to the ``__engine_*`` names;
``GUARDS`` maps those names to the helpers here, each of which checks the result size from its
operands *before* doing the operation. ``UNTRACED`` lists the helpers' code objects so that the
trace budget in ``sandbox`` counts each call as one step. Kept apart from ``sandbox`` so that the
policy/compile side and the run-time side each stay readable on their own.
"""

from __future__ import annotations

import builtins
import itertools
import re
import sys
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from .sandbox_limits import (
    MAX_EXPONENT,
    MAX_FORMAT_WIDTH,
    MAX_INT_BITS,
    MAX_RANGE_ITEMS,
    MAX_SEQUENCE_ITEMS,
    MAX_SHIFT,
    Deadline,
    GuardName,
    SandboxViolation,
)


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
    if isinstance(budget, Deadline) and time.monotonic() > budget.deadline:
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
    GuardName.POW: _guarded_pow,
    GuardName.MUL: _guarded_mul,
    GuardName.LSHIFT: _guarded_lshift,
    GuardName.ADD: _guarded_add,
    GuardName.IADD: _guarded_iadd,
    GuardName.MOD: _guarded_mod,
    GuardName.AUG_ITEM: _aug_item,
    GuardName.AUG_ATTR: _aug_attr,
    GuardName.SET_SLICE: _store_item,
    GuardName.SLICE: slice,
    GuardName.FSTRING: _fstring,
    GuardName.FVALUE: _format_value,
    GuardName.METHOD: _method,
    GuardName.BUILD: _build,
    GuardName.BUILD_TUPLE: _build_tuple,
    GuardName.TICK: _tick,
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
UNTRACED = frozenset(func.__code__ for func in _HELPERS if hasattr(func, "__code__"))
