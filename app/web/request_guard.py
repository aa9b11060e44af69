"""Characters no request may carry in its address or form fields, refused before any view runs.

A NUL (``%00``) in a path, a query parameter or a form field reaches the database as a bound
string parameter, which PostgreSQL refuses ("A string literal cannot contain NUL"): a 500 on any
page or API address. Nobody types a NUL, so the request is refused as a whole (400, naming the
parameter). JSON bodies are not checked here: their text goes through the API schemas and form
validation, which name the field (``forms.storable``).
"""

from __future__ import annotations

from flask import Flask, request
from flask_babel import gettext as _

from ..forms import FieldError
from ..services.errors import ServiceError


class UnreadableRequest(ServiceError):
    """A request refused as a whole before any view ran; ``errors`` names the parameter."""

    status = 400

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.errors = [FieldError(field, message)]


def refuse_nul_characters() -> None:
    if "\x00" in request.path:
        _refuse("")
    for source in (request.args, request.form):
        for name, value in source.items(multi=True):
            if "\x00" in name or "\x00" in value:
                _refuse(name.replace("\x00", ""))


def _refuse(field: str) -> None:
    raise UnreadableRequest(field, _("The request contains an invalid character (NUL)."))


def register_request_guard(app: Flask) -> None:
    app.before_request(refuse_nul_characters)
