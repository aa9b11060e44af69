"""Web areas, one blueprint each, and the translation of service errors into responses."""

from __future__ import annotations

from flask import Flask, abort, current_app, jsonify, render_template, request, send_from_directory
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from ..forms import FieldError
from ..services import security_log
from ..services.errors import Forbidden, NotFound, ServiceError

# Files of npm packages the pages load; nothing else under node_modules is served.
VENDOR_DIRS = {"bpmn-js": "bpmn-js/dist"}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _error_response(status: int, message: str, errors: list | None = None):
    if _wants_json():
        body = {"code": status, "message": message}
        if errors is not None:
            body["errors"] = [{"field": e.field, "message": e.message} for e in errors]
        return jsonify(body), status
    return render_template("errors/error.html", status=status, message=message), status


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


def register_blueprints(app: Flask) -> None:
    from . import template_helpers
    from .admin import bp as admin_bp
    from .api import blp as api_blp
    from .audit import bp as audit_bp
    from .auth import bp as auth_bp
    from .calls import bp as calls_bp
    from .inbox import bp as inbox_bp
    from .instances import bp as instances_bp
    from .modeler import bp as modeler_bp

    template_helpers.register(app)
    app.register_blueprint(auth_bp)
    app.register_blueprint(inbox_bp)
    app.register_blueprint(instances_bp)
    app.register_blueprint(calls_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(modeler_bp)
    app.register_blueprint(admin_bp)
    from ..extensions import api, csrf, db

    csrf.exempt(api_blp)
    api.register_blueprint(api_blp)

    @app.get("/vendor/<package>/<path:filename>")
    def vendor(package: str, filename: str):
        if package not in VENDOR_DIRS:
            abort(404)
        return send_from_directory(current_app.config["NODE_MODULES_DIR"] / VENDOR_DIRS[package], filename)

    @app.errorhandler(ServiceError)
    def service_error(exc: ServiceError):
        if isinstance(exc, NotFound | Forbidden):
            db.session.rollback()  # the refused request changed nothing; the log entry stands alone
            kind = "refused_forbidden" if isinstance(exc, Forbidden) else "refused_not_found"
            security_log.record(kind, message=exc.message)
        return _error_response(exc.status, exc.message, getattr(exc, "errors", None))

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        security_log.record("refused_csrf", reason=exc.description)
        return _error_response(
            400, _("The form has expired or was not sent from this site; please reload the page.")
        )

    @app.errorhandler(404)
    def not_found(exc):
        return _error_response(404, _("Not found."))

    @app.errorhandler(422)
    def unprocessable(exc):
        """The API's request bodies that do not fit their schema: the same shape as form errors."""
        messages = (getattr(exc, "data", None) or {}).get("messages") or {}
        errors = [
            FieldError(
                ".".join(map(str, path)),
                _("Missing or malformed: %(field)s.", field=".".join(map(str, path))),
            )
            for location in messages.values()
            for path in _field_paths(location)
        ]
        return _error_response(422, _("The request does not have the expected form."), errors)

    @app.errorhandler(400)
    def bad_request(exc):
        return _error_response(400, _("The request could not be read (is it valid JSON?)."))

    @app.errorhandler(413)
    def too_large(exc):
        return _error_response(413, _("The upload is too large."))
