"""Web areas, one blueprint each (errors become responses in ``errors``)."""

from __future__ import annotations

from flask import Flask, abort, current_app, send_from_directory

# Files of npm packages the pages load; nothing else under node_modules is served.
VENDOR_DIRS = {"bpmn-js": "bpmn-js/dist"}


def vendor(package: str, filename: str):
    """A file of an npm package a page loads (the diagram viewer), from ``VENDOR_DIRS`` only."""
    if package not in VENDOR_DIRS:
        abort(404)
    return send_from_directory(current_app.config["NODE_MODULES_DIR"] / VENDOR_DIRS[package], filename)


def register_blueprints(app: Flask) -> None:
    from ..extensions import api, csrf
    from . import template_helpers
    from .account import bp as account_bp
    from .admin import bp as admin_bp
    from .api import blp as api_blp
    from .audit import bp as audit_bp
    from .auth import bp as auth_bp
    from .calls import bp as calls_bp
    from .command import bp as command_bp
    from .inbox import bp as inbox_bp
    from .instances import bp as instances_bp
    from .modeler import bp as modeler_bp
    from .notifications import bp as notifications_bp

    template_helpers.register(app)
    app.register_blueprint(auth_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(inbox_bp)
    app.register_blueprint(instances_bp)
    app.register_blueprint(calls_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(modeler_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(command_bp)
    csrf.exempt(api_blp)
    api.register_blueprint(api_blp)
    app.add_url_rule("/vendor/<package>/<path:filename>", view_func=vendor, methods=["GET"])
