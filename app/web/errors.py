"""Every refusal as a response: an error page for the web, one JSON shape for the API.

The API's error body is ``{"code", "status", "message", "errors"?}`` where ``errors`` is a list of
``{"field", "message"}`` — the same list the forms report, whether a service refused the data, the
request body did not fit its schema, or the body could not be read. ``extensions.ApiError``
documents exactly this shape in the OpenAPI document.
"""

from __future__ import annotations

from http import HTTPStatus

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..forms import FieldError
from ..services.audit import security_log
from ..services.errors import Forbidden, NotFound, ServiceError
from ..untrusted_json import UnreadableJSON


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, message: str, errors: list | None = None, headers=None):
    if _wants_json():
        body = {"code": status, "status": HTTPStatus(status).phrase, "message": message}
        if errors is not None:
            body["errors"] = [{"field": e.field, "message": e.message} for e in errors]
        return jsonify(body), status, headers or []
    return render_template("errors/error.html", status=status, message=message), status, headers or []


def _field_paths(messages, prefix=()):
    """Field paths of a webargs/marshmallow error tree, e.g. {"data": ["..."]} -> [("data",)]."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key == "_schema":
                yield prefix or ("",)
            else:
                yield from _field_paths(value, (*prefix, key))
    else:
        yield prefix or ("",)


def _status_messages() -> dict[int, str]:
    return {
        400: _("The request could not be read (is it valid JSON?)."),
        401: _("Please sign in."),
        403: _("You may not do this."),
        404: _("Not found."),
        405: _("This address does not accept the %(method)s method.", method=request.method),
        413: _("The upload is too large."),
        415: _("The request body has a type this address does not accept."),
    }


def _unprocessable(exc: HTTPException):
    """Request bodies or parameters that do not fit their schema: the same shape as form errors."""
    messages = (getattr(exc, "data", None) or {}).get("messages") or {}
    errors = [
        FieldError(
            ".".join(map(str, path)),
            _("Missing or malformed: %(field)s.", field=".".join(map(str, path))),
        )
        for location in messages.values()
        for path in _field_paths(location)
    ]
    return error_response(422, _("The request does not have the expected form."), errors)


def http_error(exc: HTTPException):
    """Any HTTP error werkzeug, Flask or flask-smorest raises, keeping its headers (``Allow`` on 405)."""
    if exc.code == 422:
        return _unprocessable(exc)
    status = exc.code or 500
    data = getattr(exc, "data", None) or {}
    message = data.get("message") or _status_messages().get(status)
    if message is None and status >= 500:
        message = _("Something went wrong on our side; please try again later.")
    elif message is None:
        message = _("The request was refused (%(status)s).", status=status)
    headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
    return error_response(status, message, headers=headers)


def service_error(exc: ServiceError):
    """A service refused: NotFound and Forbidden are also written to the security log."""
    if isinstance(exc, NotFound | Forbidden):
        kind = "refused_forbidden" if isinstance(exc, Forbidden) else "refused_not_found"
        security_log.record_refusal(kind, message=exc.message)
    return error_response(exc.status, exc.message, getattr(exc, "errors", None))


def unreadable_json(exc: UnreadableJSON):
    return error_response(400, exc.message, [FieldError(exc.path, exc.message)])


def csrf_error(exc: CSRFError):
    security_log.record("refused_csrf", reason=exc.description)
    return error_response(
        400, _("The form has expired or was not sent from this site; please reload the page.")
    )


def register_error_handlers(app: Flask) -> None:
    # After flask-smorest's Api.init_app: this HTTPException handler replaces its own.
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(ServiceError, service_error)
    app.register_error_handler(UnreadableJSON, unreadable_json)
    app.register_error_handler(CSRFError, csrf_error)
