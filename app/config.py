"""Configuration objects, read from the environment at app creation (never edited at import)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


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
    ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024  # one uploaded PDF/Office file
    MAX_CONTENT_LENGTH = 2 * ATTACHMENT_MAX_BYTES + 1024 * 1024  # a task page may carry two files
    API_TOKEN_TTL = timedelta(hours=int(os.environ.get("API_TOKEN_TTL_HOURS", "12")))
    BPMN_DIR = PROJECT_ROOT / "bpmn"
    FORMS_DIR = PROJECT_ROOT / "forms"
    NODE_MODULES_DIR = PROJECT_ROOT / "node_modules"
    MAIN_PROCESS_ID = "zone_lifecycle"
    PROCESS_KEY = "zone_lifecycle"
    TIMER_POLL_SECONDS = int(os.environ.get("TIMER_POLL_SECONDS", "30"))
    # Hard limits of each evaluation of diagram code in an evaluator process (app/engine/evaluator_pool.py):
    # wall clock and CPU time in seconds, the process's address space (about 15 MB at rest), the JSON
    # size of a result or of the task data after a script, and evaluator processes per server process.
    SCRIPT_WALL_SECONDS = float(os.environ.get("SCRIPT_WALL_SECONDS", "2"))
    SCRIPT_CPU_SECONDS = float(os.environ.get("SCRIPT_CPU_SECONDS", "1"))
    SCRIPT_MEMORY_MB = int(os.environ.get("SCRIPT_MEMORY_MB", "256"))
    SCRIPT_RESULT_KB = int(os.environ.get("SCRIPT_RESULT_KB", "1024"))
    SCRIPT_EVALUATORS = int(os.environ.get("SCRIPT_EVALUATORS", "2"))
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
