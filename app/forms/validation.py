"""Server-side validation of decoded form data: the JSON Schema first, then the form's named checks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from jsonschema.exceptions import ValidationError

from app.forms.checks import CHECKS
from app.forms.definition import Field, FormDefinition
from app.forms.errors import FieldError
from app.forms.messages import message_for
from app.forms.storable import unstorable_text


def validate_submission(
    form: FormDefinition, data: Mapping[str, Any], context: Mapping[str, Any] | None = None
) -> list[FieldError]:
    """Every problem with ``data``, at most one message per field, in display order.

    ``context`` is handed to the named checks (task data such as the call's deadline), untouched.
    """
    errors: list[FieldError] = unstorable_text(data)  # first: the other messages would be beside the point
    for error in form.validator.iter_errors(data):
        for path in _paths_of(error):
            errors.append(FieldError(path, message_for(error, field_at(form, path))))
    for name in form.checks:
        errors.extend(CHECKS[name](data, context or {}))
    errors.extend(_unknown_people(form, data, (context or {}).get("choices") or {}))
    errors.extend(_recorded_dates(form, data, context or {}))
    return sorted(_first_per_field(errors), key=lambda e: _position(form, e.field))


def _unknown_people(
    form: FormDefinition, data: Mapping[str, Any], choices: Mapping[str, list]
) -> list[FieldError]:
    """A people picker accepts only the accounts it offered (the service supplies them as choices)."""
    errors = []
    for fld in (f for f in form.fields() if f.widget == "people"):
        offered = {choice.value for choice in choices.get(fld.name, [])}
        chosen = data.get(fld.name)
        if isinstance(chosen, list) and any(v not in offered for v in chosen):
            errors.append(FieldError(fld.name, _("Please choose only from the people listed.")))
    return errors


def _recorded_dates(
    form: FormDefinition, data: Mapping[str, Any], context: Mapping[str, Any]
) -> list[FieldError]:
    """A document's date (hint ``document_date``) lies between the step it answers and today; a
    deadline (hint ``deadline_date``) is today or later.

    A recognition cannot be dated before the assessment it follows, nor any document in the future,
    nor can an expert be given a review date that has passed. The service supplies ``today`` and
    ``not_before`` — (ISO date, name of the step) — in the context.
    """
    today, not_before = context.get("today"), context.get("not_before")
    errors = []
    for fld in (f for f in form.fields() if f.ui.get("document_date") or f.ui.get("deadline_date")):
        value = data.get(fld.name)
        if not isinstance(value, str) or len(value) != 10:
            continue  # missing or malformed: the schema reports it
        if fld.ui.get("deadline_date"):
            if today and value < today:
                errors.append(
                    FieldError(fld.name, _("The date has passed (today is %(today)s).", today=today))
                )
        elif today and value > today:
            errors.append(
                FieldError(fld.name, _("The date cannot be in the future (today is %(today)s).", today=today))
            )
        elif not_before and value < not_before[0]:
            errors.append(
                FieldError(
                    fld.name,
                    _(
                        "The date cannot be before %(date)s, when “%(step)s” was recorded.",
                        date=not_before[0],
                        step=not_before[1],
                    ),
                )
            )
    return errors


def field_at(form: FormDefinition, path: str) -> Field | None:
    """The field a dotted error path points at: ``email`` or, inside a table, ``experts.0.name``."""
    top, *rest = path.split(".")
    field = form.field(top)
    if field and len(rest) == 2:
        return field.column(rest[1])
    return field if not rest else None


def _paths_of(error: ValidationError) -> list[str]:
    base = [str(part) for part in error.absolute_path]
    if error.validator == "required" and isinstance(error.instance, Mapping):
        missing = [name for name in error.validator_value if name not in error.instance]
        return [".".join([*base, name]) for name in missing]
    return [".".join(base)]


def _first_per_field(errors: list[FieldError]) -> list[FieldError]:
    seen: set[str] = set()
    kept = []
    for error in errors:
        if error.field not in seen:
            seen.add(error.field)
            kept.append(error)
    return kept


def _position(form: FormDefinition, path: str) -> tuple[float, tuple[int, ...]]:
    """Sort key: form-level errors first, then fields in display order, documents after their last
    field; inside a table, by row and then by column."""
    if not path:
        return (-1, ())
    names = form.field_names()
    top, *rest = path.split(".")
    if top in form.documents:
        return (max(names.index(n) for n in form.documents[top]) + 0.5, ())
    if top not in names:
        return (len(names), ())
    field = form.field_of(top)
    inner = []
    for part in rest:
        column_names = [c.name for c in field.columns]
        if part.isdigit():
            inner.append(int(part))
        else:
            inner.append(column_names.index(part) if part in column_names else len(column_names))
    return (names.index(top), tuple(inner))
