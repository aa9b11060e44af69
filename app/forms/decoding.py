"""From an HTML POST (flat strings) to typed JSON data shaped by the form's schema.

Decoding never rejects anything: a value that does not convert (``"abc"`` for an integer) is kept
as typed, so validation can report it and the form can show it again unchanged. Empty inputs are
left out; so the result is the complete state of the form, and a caller saving it should replace
the form's fields rather than merge into older data (``form.field_names()`` lists them). Text is
cleaned by :mod:`normalising`, the same rules the JSON API's data goes through.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from app.forms.definition import Field, FormDefinition
from app.forms.normalising import clean_text, normalise_submission, row_is_empty
from app.reference import find_theme
from app.untrusted_json import loads_bounded

_MISSING = object()
_TRUE = frozenset({"on", "true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})


def decode_submission(form: FormDefinition, formdata: Mapping[str, Any]) -> dict[str, Any]:
    """Typed data for ``form`` from request form data (a werkzeug MultiDict or a plain dict).

    Rows of a table come from names like ``experts-0-name``; they are renumbered from 0 in the order
    of their indices and rows left entirely empty are dropped.
    """
    data: dict[str, Any] = {}
    for field in form.fields():
        if field.widget == "experts":
            value = _decode_rows(field, formdata)
        elif field.widget == "people":
            value = _decode_people(field, formdata)
        elif field.widget == "file":
            value = _decode_file_reference(formdata.get(field.name))
        else:
            value = _decode_scalar(field, formdata, field.name)
        if value is not _MISSING:
            data[field.name] = value
    return settle_submission(form, data)


def settle_submission(form: FormDefinition, data: dict[str, Any]) -> dict[str, Any]:
    """What the server makes of a submission whatever its entry: text normalised (outer spaces,
    blank values, empty rows) and the fields the server decides (a reference theme's title).

    Both the HTML decoder and the JSON API go through this, so neither can smuggle in a title, and
    a value refused on one entry is refused on the other.
    """
    settled = normalise_submission(form, data)
    for picker in (f for f in form.fields() if f.widget == "theme"):
        _settle_theme(picker, settled)
    return settled


def _decode_file_reference(raw: Any) -> Any:
    """The reference of an already uploaded file, kept in a hidden input as JSON."""
    if not isinstance(raw, str) or not raw.strip():
        return _MISSING
    try:
        value = loads_bounded(raw)
    except ValueError:
        return _MISSING
    return value if isinstance(value, dict) else _MISSING


def _decode_people(field: Field, formdata: Mapping[str, Any]) -> Any:
    """The usernames ticked in a people picker, in order (normalising drops blanks and repeats)."""
    raw = formdata.getlist(field.name) if hasattr(formdata, "getlist") else formdata.get(field.name)
    if raw is None:
        return _MISSING
    return [raw] if isinstance(raw, str) else list(raw)


def _decode_scalar(field: Field, formdata: Mapping[str, Any], name: str) -> Any:
    raw = formdata.get(name)
    if field.widget == "checkbox":
        return raw is not None and raw.strip().lower() in _TRUE
    if raw is None:
        return _MISSING
    text = clean_text(field.widget, raw)
    if text is None:
        return _MISSING
    return _typed(field.type, text)


def _typed(kind: str | None, text: str) -> Any:
    if kind == "integer":
        try:
            return int(text)
        except ValueError:
            return text
    if kind == "number":
        try:
            return int(text)
        except ValueError:
            pass
        try:
            number = float(text)
        except ValueError:
            return text
        return number if math.isfinite(number) else text
    if kind == "boolean":
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    return text


def _decode_rows(field: Field, formdata: Mapping[str, Any]) -> Any:
    pattern = re.compile(rf"^{re.escape(field.name)}-(\d+)-(.+)$")
    columns = {c.name for c in field.columns}
    indices = sorted({int(m[1]) for key in formdata if (m := pattern.match(key)) and m[2] in columns})
    rows = []
    for index in indices:
        row = {}
        for column in field.columns:
            value = _decode_scalar(column, formdata, f"{field.name}-{index}-{column.name}")
            if value is not _MISSING:
                row[column.name] = value
        if not row_is_empty(row):
            rows.append(row)
    return rows if rows else _MISSING


def _settle_theme(picker: Field, data: dict[str, Any]) -> None:
    """A reference theme brings its own title (never trust the browser with it); an own theme has no code."""
    parts = picker.theme_parts
    source = data.get(picker.name)
    if source == "reference":
        theme = find_theme(data.get(parts["code"], "")) if isinstance(data.get(parts["code"]), str) else None
        if theme is not None:
            data[parts["title"]] = theme.title
        else:
            data.pop(parts["title"], None)
    elif source == "own":
        data.pop(parts["code"], None)
