"""Application factory."""

from __future__ import annotations

import secrets
from pathlib import Path

import flask_babel
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.engine import Engine

from . import (
    private_files,
    rate_limit_storage,  # noqa: F401  (registers the appdb:// storage with the limits library)
)
from .clock import SystemClock
from .config import PROJECT_ROOT, Config, with_psycopg3
from .extensions import IdConverter, api, babel, csrf, db, limiter, login_manager, migrate
from .untrusted_json import BoundedJSONProvider


def _select_locale() -> str:
    """Chinese first: English only when the user picked it (web session) or asked for it (API)."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("locale") or request.args.get("lang")
    if isinstance(chosen, str) and chosen in languages:
        return chosen
    if request.path.startswith("/api") and request.accept_languages.best_match(["zh", "en"]) == "en":
        return "en"
    return current_app.config["BABEL_DEFAULT_LOCALE"]


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL, durable commits, foreign keys and a busy wait for SQLite; nothing for other databases."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


def _forget_cached_user() -> None:
    g.pop("_login_user", None)


def _instance_secret_key(directory: Path) -> str:
    """A random signing key made on first start and kept (readable by the owner only) for later ones."""
    path = directory / "secret_key"
    if not path.exists():
        private_files.write_private(path, secrets.token_hex(32))
    return path.read_text().strip()


def _configure_evaluators(config: dict) -> None:
    """The limits every evaluation of diagram code runs under (one pool per server process)."""
    from .engine import EvaluatorLimits, configure_evaluators

    configure_evaluators(
        EvaluatorLimits(
            wall_seconds=config["SCRIPT_WALL_SECONDS"],
            cpu_seconds=config["SCRIPT_CPU_SECONDS"],
            memory_bytes=config["SCRIPT_MEMORY_MB"] * 1024 * 1024,
            result_bytes=config["SCRIPT_RESULT_KB"] * 1024,
            processes=config["SCRIPT_EVALUATORS"],
        )
    )


def create_app(config: type = Config, **overrides) -> Flask:
    """Build the app from a config class plus overrides (e.g. a test database or a frozen CLOCK)."""
    app = Flask(__name__, instance_relative_config=True)
    app.url_map.converters["int"] = IdConverter  # before any route is added
    app.json = BoundedJSONProvider(app)
    app.config.from_object(config)
    app.config.update(overrides)
    app.config["SQLALCHEMY_DATABASE_URI"] = with_psycopg3(app.config["SQLALCHEMY_DATABASE_URI"])
    private_files.protect(app.config["SQLALCHEMY_DATABASE_URI"], Path(app.instance_path))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path))
    app.extensions["clock"] = app.config.get("CLOCK") or SystemClock()
    _configure_evaluators(app.config)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    # Flask-Login's own "Please log in to access this page." would greet Chinese readers in English
    login_manager.login_message = _l("Please sign in to see this page.")
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    # Flask-Babel caches the locale, and Flask-Login the user, on the app context, which a test (or
    # a CLI command) may share between requests; decide both afresh for every request.
    app.before_request(flask_babel.refresh)
    app.before_request(_forget_cached_user)
    api.init_app(app)

    from . import audit_cli, cli
    from .web import register_blueprints, security_headers, sign_in_limits
    from .web.errors import register_error_handlers
    from .web.request_guard import register_request_guard

    register_request_guard(app)
    register_blueprints(app)
    register_error_handlers(app)  # after api.init_app, whose HTTPException handler it replaces
    sign_in_limits.register(app)
    security_headers.register(app)
    cli.register(app)
    audit_cli.register(app)
    return app
