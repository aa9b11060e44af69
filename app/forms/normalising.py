"""What the server keeps of typed text, the same for every entry (the HTML form and the JSON API).

A one-line input loses its outer spaces, a long text keeps its line breaks (as ``\\n``), and a
value that is nothing but white space counts as not filled in; a table row left empty is dropped;
a people picker keeps each name once. The HTML decoder applies this to what a browser posts, and
:func:`normalise_submission` applies it to JSON data, so "   " as a guiding expert's name is the
same missing name whichever way it came.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.forms.definition import Field, FormDefinition

MULTI_LINE_WIDGETS = frozenset({"textarea"})


def clean_text(widget: str, text: str) -> str | None:
    """The text as kept for a field with this widget, or None when nothing but white space was typed."""
    text = text.replace("\r\n", "\n") if widget in MULTI_LINE_WIDGETS else text.strip()
    return text if text.strip() else None


def row_is_empty(row: Mapping[str, Any]) -> bool:
    """A table row with nothing filled in (an unticked checkbox is not a value)."""
    return all(value is False for value in row.values())


def normalise_submission(form: FormDefinition, data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` with text cleaned as the HTML form would; values that end up empty are left out.

    Values of the wrong type are kept as sent, for validation to report.
    """
    normalised = dict(data)
    for field in form.fields():
        if field.name not in normalised:
            continue
        value = _normalised(field, normalised[field.name])
        if value is None:
            del normalised[field.name]
        else:
            normalised[field.name] = value
    return normalised


def _normalised(field: Field, value: Any) -> Any:
    if field.widget == "experts" and isinstance(value, list):
        rows = [_normalised_row(field, row) if isinstance(row, Mapping) else row for row in value]
        kept = [row for row in rows if not (isinstance(row, Mapping) and row_is_empty(row))]
        return kept or None
    if field.widget == "people" and isinstance(value, list) and all(isinstance(v, str) for v in value):
        kept = list(dict.fromkeys(v.strip() for v in value if v.strip()))
        return kept or None
    if isinstance(value, str):
        return clean_text(field.widget, value)
    return value


def _normalised_row(table: Field, row: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = {}
    for name, value in row.items():
        column = table.column(name)
        cleaned_value = clean_text(column.widget, value) if column and isinstance(value, str) else value
        if cleaned_value is not None:
            cleaned[name] = cleaned_value
    return cleaned
