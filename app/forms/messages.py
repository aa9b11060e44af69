"""Turning jsonschema's English developer messages into short messages for the person filling in
the form, in their language. One function per family of JSON Schema keywords."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext
from jsonschema.exceptions import ValidationError

from app.forms.definition import Field


def message_for(error: ValidationError, field: Field | None) -> str:
    """A user-facing message for one jsonschema error; ``field`` is the field it is shown beside."""
    keyword = error.validator
    limit = error.validator_value
    widget = field.widget if field else None
    if keyword == "required":
        return _("This field is required.")
    if keyword == "minLength":
        if limit == 1:
            return _("This field is required.")
        return ngettext("Enter at least %(num)d character.", "Enter at least %(num)d characters.", limit)
    if keyword == "maxLength":
        return too_long_message(limit, len(error.instance))
    if keyword == "pattern":
        return _pattern_message(widget, error.instance)
    if keyword == "format":
        if limit == "email":
            return _email_message()
        if limit == "date":
            return _("Enter a real date as YYYY-MM-DD.")
        return _("The value is not a valid %(format)s.", format=limit)
    if keyword in ("enum", "const"):
        return _("Choose one of the listed options.")
    if keyword == "type":
        return _type_message(limit)
    if keyword == "minItems":
        return ngettext("Add at least %(num)d entry.", "Add at least %(num)d entries.", limit)
    if keyword == "maxItems":
        return ngettext("Enter at most %(num)d entry.", "Enter at most %(num)d entries.", limit)
    if keyword == "uniqueItems":
        return _("Remove the duplicate entries.")
    if keyword == "minimum":
        return _("Enter a number no less than %(limit)s.", limit=limit)
    if keyword == "maximum":
        return _("Enter a number no greater than %(limit)s.", limit=limit)
    if keyword == "exclusiveMinimum":
        return _("Enter a number greater than %(limit)s.", limit=limit)
    if keyword == "exclusiveMaximum":
        return _("Enter a number less than %(limit)s.", limit=limit)
    return _("The value is not valid.")


def too_long_message(limit: int, count: int) -> str:
    return ngettext(
        "Enter at most %(num)d character (now %(count)d).",
        "Enter at most %(num)d characters (now %(count)d).",
        limit,
        count=count,
    )


def _pattern_message(widget: str | None, value: object) -> str:
    if widget == "month":
        return _("Enter a month as YYYY-MM, for example 2026-07.")
    if widget == "tel":
        if _mobile_of_wrong_length(value):
            return _("A mobile number has 11 digits.")
        return _("Enter a phone number in digits; a landline needs its area code, e.g. 0531-86123456.")
    if widget == "email":
        return _email_message()
    return _("The value is not in the expected format.")


def _mobile_of_wrong_length(value: object) -> bool:
    """Digits (spaces and dashes aside) starting with 1 but not 11 of them: a mistyped mobile number.
    Landlines start with their area code's 0, so the landline hint would only mislead here."""
    digits = str(value).replace(" ", "").replace("-", "")
    return digits.isdigit() and digits.startswith("1") and len(digits) != 11


def _email_message() -> str:
    return _("Enter a valid e-mail address, e.g. sqzl@example.gov.cn.")


def _type_message(expected: object) -> str:
    if expected == "integer":
        return _("Enter a whole number.")
    if expected == "number":
        return _("Enter a number.")
    if expected == "boolean":
        return _("Choose yes or no.")
    return _("The value has the wrong type.")
