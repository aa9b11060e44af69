"""The wire format between the engine and its evaluator processes: framed, size-bounded, tagged JSON.

Task data is JSON when it is stored, so JSON is what crosses the pipe, in both directions. Nothing a
child sends is ever unpickled: a child that escaped the language policy must not get code execution
in the server. The few non-JSON values a step may hold are sent as tagged objects (a one-key object
whose key starts with NUL): tuples, and the ``datetime``/``timedelta``/``UUID`` values that the state
serializer also stores. Dict keys are strings, as in stored task data: ``int``/``float``/``bool``/
``None`` keys become strings the way ``json.dumps`` makes them (so the server never rebuilds a
mapping keyed by numbers a script chose to collide); other keys, sets, functions and every other type
are refused with a ``WireError`` that names the type.

``encode`` stops as soon as the value is known to exceed its byte limit (before building a huge JSON
string) and then checks the exact size; a frame is a 4-byte big-endian length and the UTF-8 JSON.
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

HEADER = struct.Struct(">I")
_TAG = "\x00"
_TUPLE, _DATETIME, _DATE, _TIME, _TIMEDELTA, _UUID = (
    "\x00tuple",
    "\x00datetime",
    "\x00date",
    "\x00time",
    "\x00timedelta",
    "\x00uuid",
)
# A real dict whose only key starts with NUL travels as its list of pairs, so it is not read as a tag.
_ESCAPED = "\x00pairs"


class WireError(ValueError):
    """A value that cannot cross the pipe, or a message over its size limit."""

    def __init__(self, message: str, too_large: bool = False) -> None:
        super().__init__(message)
        self.too_large = too_large


def _key(key: Any) -> str:
    if isinstance(key, str):
        return key
    if key is None or isinstance(key, bool | int | float):
        return json.dumps(key)
    raise WireError(f"a dict key of type {type(key).__name__} cannot be kept in task data (keys are text)")


class _Encoder:
    """Turns a value into plain JSON structures while counting a lower bound of its encoded size."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.room = max_bytes

    def _spend(self, size: int) -> None:
        self.room -= size
        if self.room < 0:
            raise WireError(f"larger than the limit of {self.max_bytes} bytes", too_large=True)

    def plain(self, value: Any) -> Any:
        if isinstance(value, str):
            self._spend(len(value) + 2)
            return value
        if value is None or isinstance(value, bool | int | float):
            self._spend(1)
            return value
        if isinstance(value, list):
            self._spend(2)
            return [self.plain(item) for item in value]
        if isinstance(value, dict):
            self._spend(2)
            out = {}
            for key, item in value.items():
                text = _key(key)
                self._spend(len(text) + 3)
                out[text] = self.plain(item)
            if len(out) == 1 and next(iter(out)).startswith(_TAG):
                return {_ESCAPED: list(out.items())}
            return out
        if isinstance(value, tuple):
            self._spend(12)
            return {_TUPLE: [self.plain(item) for item in value]}
        return self._scalar(value)

    def _scalar(self, value: Any) -> dict[str, Any]:
        self._spend(16)
        if isinstance(value, datetime):
            return {_DATETIME: value.isoformat()}
        if isinstance(value, date):
            return {_DATE: value.isoformat()}
        if isinstance(value, time):
            return {_TIME: value.isoformat()}
        if isinstance(value, timedelta):
            return {_TIMEDELTA: [value.days, value.seconds, value.microseconds]}
        if isinstance(value, UUID):
            return {_UUID: str(value)}
        raise WireError(f"a value of type {type(value).__name__} cannot be kept in task data")


def encode(value: Any, max_bytes: int) -> bytes:
    """``value`` as UTF-8 tagged JSON of at most ``max_bytes``; WireError when it cannot be."""
    try:
        text = json.dumps(_Encoder(max_bytes).plain(value), ensure_ascii=False, separators=(",", ":"))
    except RecursionError:
        raise WireError("nested too deeply (or contains itself)") from None
    except ValueError as exc:  # e.g. an int with more digits than int-to-text conversion allows
        if isinstance(exc, WireError):
            raise
        raise WireError(str(exc)) from None
    data = text.encode("utf-8", "surrogatepass")
    if len(data) > max_bytes:
        raise WireError(f"larger than the limit of {max_bytes} bytes", too_large=True)
    return data


_DECODERS: dict[str, Callable[[Any], Any]] = {
    _TUPLE: tuple,
    _DATETIME: datetime.fromisoformat,
    _DATE: date.fromisoformat,
    _TIME: time.fromisoformat,
    _TIMEDELTA: lambda parts: timedelta(*parts),
    _UUID: UUID,
    _ESCAPED: dict,
}


def _untag(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        key = next(iter(obj))
        if key.startswith(_TAG):
            decoder = _DECODERS.get(key)
            if decoder is None:
                raise WireError(f"unknown tag {key[1:]!r}")
            return decoder(obj[key])
    return obj


def decode(data: bytes) -> Any:
    """The value of ``encode``'s output; WireError for anything malformed."""
    try:
        return json.loads(data.decode("utf-8", "surrogatepass"), object_hook=_untag)
    except WireError:
        raise
    except Exception as exc:  # anything a misbehaving child could send
        raise WireError(f"malformed message: {type(exc).__name__}: {exc}") from None


def frame(payload: bytes) -> bytes:
    return HEADER.pack(len(payload)) + payload


def write_all(fd: int, data: bytes) -> None:
    """Write all of ``data`` to a blocking pipe (a large write may be split)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
