"""Reading JSON that someone else wrote: API bodies, the web's hidden inputs, uploaded form files.

Python's parser accepts documents the rest of the system cannot survive: a value nested a thousand
levels deep overflows the parser's own recursion (and later jsonschema's and the hash chain's), an
integer of 5,000 digits exceeds Python's conversion limit, and ``NaN`` or ``1e999`` give numbers that
JSON cannot carry back out. :func:`loads_bounded` refuses all of these before parsing, naming where
in the document the offence sits, so the caller can answer a clear 4xx instead of a 500.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _

MAX_DEPTH = 32  # nested objects and arrays; our deepest form file needs about 10
MAX_NUMBER_CHARS = 100  # far beyond any int64 or money amount, far below Python's 4,300-digit limit
_NON_NUMBERS = frozenset({"NaN", "Infinity", "-Infinity"})
_MAX_PATH_PARTS = 6

# Strings first (so brackets inside them are not structure), then punctuation, then bare words
# (numbers, true, false, null and anything invalid, which json.loads reports afterwards).
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}:,]|[^\s\[\]{}:,"]+', re.S)


class UnreadableJSON(ValueError):
    """Well-formed or not, a document we refuse to read; ``path`` names where (``""``: the whole)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def loads_bounded(text: str | bytes) -> Any:
    """``json.loads`` for untrusted text, refusing absurd depth and numbers (:class:`UnreadableJSON`).

    Syntax errors are still ``json.JSONDecodeError`` (a ``ValueError``) as with ``json.loads``.
    """
    if isinstance(text, bytes | bytearray):
        text = text.decode("utf-8")
    _check_limits(text)
    try:
        return json.loads(text)
    except RecursionError:  # cannot happen after the scan; kept so that no parse can ever 500
        raise UnreadableJSON("", _too_deep("")) from None


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider, reading request bodies (``request.get_json``) through loads_bounded."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return loads_bounded(s)


def _check_limits(text: str) -> None:
    stack: list[list] = []  # per open container: [is_object, key or index, expecting a key]
    for match in _TOKEN.finditer(text):
        token = match.group()
        top = stack[-1] if stack else None
        if token in "{[":
            if len(stack) >= MAX_DEPTH:
                raise UnreadableJSON(_path(stack), _too_deep(_path(stack)))
            stack.append([token == "{", 0 if token == "[" else None, token == "{"])
        elif token in "}]":
            if stack:
                stack.pop()
        elif token == ",":
            if top is not None:
                if top[0]:
                    top[2] = True
                else:
                    top[1] += 1
        elif token == ":":
            if top is not None:
                top[2] = False
        elif token.startswith('"'):
            if top is not None and top[0] and top[2]:
                top[1] = token[1:-1]
        else:
            _check_number(token, stack)


def _check_number(token: str, stack: list[list]) -> None:
    if token in _NON_NUMBERS:
        raise UnreadableJSON(_path(stack), _not_a_number(_path(stack)))
    if not token[:1].isdigit() and not token.startswith("-"):
        return  # true, false, null, or garbage that json.loads will report
    if len(token) > MAX_NUMBER_CHARS:
        raise UnreadableJSON(_path(stack), _too_long(_path(stack)))
    if any(c in token for c in ".eE"):
        try:
            finite = math.isfinite(float(token))
        except ValueError:
            return  # not a number after all: json.loads reports it
        if not finite:
            raise UnreadableJSON(_path(stack), _too_large(_path(stack)))


def _path(stack: list[list]) -> str:
    """Where the scan is, as a dotted path (``data.experts.0.name``), shortened to its first parts.

    Trailing array indices are dropped: ``password.0.0.0…`` names the field ``password``.
    """
    parts = [str(entry[1]) for entry in stack if entry[1] is not None]
    while parts and parts[-1].isdigit():
        parts.pop()
    return ".".join(parts[:_MAX_PATH_PARTS])


def _too_deep(path: str) -> str:
    if path:
        return _("%(field)s is nested more than %(limit)s levels deep.", field=path, limit=MAX_DEPTH)
    return _("The JSON text is nested more than %(limit)s levels deep.", limit=MAX_DEPTH)


def _too_long(path: str) -> str:
    if path:
        return _("A number in %(field)s has more than %(limit)s digits.", field=path, limit=MAX_NUMBER_CHARS)
    return _("A number in the JSON text has more than %(limit)s digits.", limit=MAX_NUMBER_CHARS)


def _too_large(path: str) -> str:
    if path:
        return _("A number in %(field)s is too large.", field=path)
    return _("A number in the JSON text is too large.")


def _not_a_number(path: str) -> str:
    if path:
        return _("%(field)s holds NaN or infinity, which is not a number.", field=path)
    return _("The JSON text holds NaN or infinity, which is not a number.")
