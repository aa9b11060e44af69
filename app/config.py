"""Configuration objects, read from the environment at app creation (never edited at import)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def with_psycopg3(url: str) -> str:
    """A PostgreSQL URL that names no driver (``postgresql://``, ``postgres://``) made to use psycopg 3.

    SQLAlchemy would otherwise pick psycopg2, which is not installed.
    """
    scheme, sep, rest = url.partition("://")
    return f"postgresql+psycopg://{rest}" if sep and scheme in ("postgresql", "postgres") else url


class Config:
    # Unset: create_app uses a random key kept in instance/secret_key (never a known default).
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or (
        "sqlite:///" + str(PROJECT_ROOT / "instance" / "sdzones.db")
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh_CN", "en")
    WTF_CSRF_TIME_LIMIT = None
    # Cookies: never readable by scripts, not sent on cross-site posts, HTTPS-only when served over
    # HTTPS (PREFERRED_URL_SCHEME=https sets SESSION_COOKIE_SECURE). Behind a reverse proxy,
    # TRUSTED_PROXIES is how many of ours stand in front (their X-Forwarded-* headers are then
    # believed: app/web/security_headers.py).
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "http")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024  # one uploaded PDF/Office file
    MAX_CONTENT_LENGTH = 2 * ATTACHMENT_MAX_BYTES + 1024 * 1024  # a task page may carry two files
    API_TOKEN_TTL = timedelta(hours=int(os.environ.get("API_TOKEN_TTL_HOURS", "12")))
    # Sign-in throttling (web form and API tokens). Per client address: failed attempts in a window
    # (Flask-Limiter; its counters in Redis, or else in our database: see app/rate_limit_storage.py).
    # Per username: this many failures within the window lock it for SIGN_IN_LOCKOUT.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or "appdb://"
    RATELIMIT_KEY_PREFIX = "sdzones"
    # If that store cannot be reached, sign-in goes on without the per-address limit (logged) rather
    # than failing; the per-username lockout, kept in the database, still holds.
    RATELIMIT_SWALLOW_ERRORS = True
    SIGN_IN_ADDRESS_LIMIT = os.environ.get("SIGN_IN_ADDRESS_LIMIT", "30 per 10 minutes")
    SIGN_IN_LOCKOUT_ATTEMPTS = int(os.environ.get("SIGN_IN_LOCKOUT_ATTEMPTS", "5"))
    SIGN_IN_LOCKOUT_WINDOW = timedelta(minutes=15)
    SIGN_IN_LOCKOUT = timedelta(minutes=int(os.environ.get("SIGN_IN_LOCKOUT_MINUTES", "15")))
    BPMN_DIR = PROJECT_ROOT / "bpmn"
    FORMS_DIR = PROJECT_ROOT / "forms"
    NODE_MODULES_DIR = PROJECT_ROOT / "node_modules"
    MAIN_PROCESS_ID = "zone_lifecycle"
    PROCESS_KEY = "zone_lifecycle"
    TIMER_POLL_SECONDS = int(os.environ.get("TIMER_POLL_SECONDS", "30"))
    # How long a worker's claim on an application's timers (or a mail, or a chore) lasts: a worker
    # killed mid-pass holds its work up for at most this long before another worker takes it over.
    WORKER_LEASE_SECONDS = int(os.environ.get("WORKER_LEASE_SECONDS", "120"))
    # How many live workflows each server process keeps for the next step of their applications
    # (app/services/store/runs.py): restoring one from its state is the largest cost of a step. 0: none.
    LIVE_WORKFLOWS = int(os.environ.get("LIVE_WORKFLOWS", "64"))
    # Hard limits of each evaluation of diagram code in an evaluator process
    # (app/engine/scripting/evaluator_pool.py): wall clock and CPU time in seconds, the process's
    # address space (about 15 MB at rest), the JSON size of a result or of the task data after a
    # script, and evaluator processes per server process.
    SCRIPT_WALL_SECONDS = float(os.environ.get("SCRIPT_WALL_SECONDS", "2"))
    SCRIPT_CPU_SECONDS = float(os.environ.get("SCRIPT_CPU_SECONDS", "1"))
    SCRIPT_MEMORY_MB = int(os.environ.get("SCRIPT_MEMORY_MB", "256"))
    SCRIPT_RESULT_KB = int(os.environ.get("SCRIPT_RESULT_KB", "1024"))
    SCRIPT_EVALUATORS = int(os.environ.get("SCRIPT_EVALUATORS", "2"))
    # E-mail (notifications): nothing is queued or sent while SMTP_HOST is unset. SMTP_SECURITY is
    # "starttls", "ssl" or "none"; PUBLIC_URL is how users reach the site (the links in the mails).
    SMTP_HOST = os.environ.get("SMTP_HOST", "")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "587"))
    SMTP_SECURITY = os.environ.get("SMTP_SECURITY", "starttls")
    SMTP_USERNAME = os.environ.get("SMTP_USERNAME", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    SMTP_SENDER = os.environ.get("SMTP_SENDER", "sdzones@localhost")
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000")
    # flask-smorest / OpenAPI
    API_TITLE = "Shandong experimental zones API"
    API_VERSION = "1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    SMTP_HOST = ""  # tests that send mail start their own SMTP server and set it
