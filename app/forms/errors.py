"""The two error types of the form layer."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One problem with submitted data, in the user's language.

    ``field`` is a dotted path: a top-level field name (``email``), a cell of a repeatable table
    (``experts.0.committee``), a document name from the form's ``documents`` (``plan``, for
    rules about the whole plan), or ``""`` for the form as a whole.
    """

    field: str
    message: str


class FormDefinitionError(ValueError):
    """A form file cannot be used: bad JSON, an invalid schema or inconsistent display hints."""

    def __init__(self, form_name: str, message: str) -> None:
        super().__init__(f"{form_name}: {message}")
        self.form_name = form_name
        self.message = message
