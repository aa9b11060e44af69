"""The app as gunicorn serves it to the browser tests: the test's database file and its shared clock.

A test that catches mail sets ``SDZONES_TEST_SMTP_PORT`` before the server starts: the server then
queues mail for the test's SMTP server on 127.0.0.1 (the worker pass, run by the test, sends it).
"""

from __future__ import annotations

import os

from app import create_app
from app.config import TestConfig
from tests.shared_clock import FileClock

_smtp_port = os.environ.get("SDZONES_TEST_SMTP_PORT")
_smtp = (
    {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": int(_smtp_port), "SMTP_SECURITY": "none"} if _smtp_port else {}
)

app = create_app(
    TestConfig,
    SQLALCHEMY_DATABASE_URI=os.environ["SDZONES_TEST_DATABASE_URI"],
    CLOCK=FileClock(os.environ["SDZONES_TEST_CLOCK_FILE"]),
    **_smtp,
)
