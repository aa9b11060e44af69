"""The app as gunicorn serves it to the browser tests: the test's database file and its shared clock."""

from __future__ import annotations

import os

from app import create_app
from app.config import TestConfig
from tests.shared_clock import FileClock

app = create_app(
    TestConfig,
    SQLALCHEMY_DATABASE_URI=os.environ["SDZONES_TEST_DATABASE_URI"],
    CLOCK=FileClock(os.environ["SDZONES_TEST_CLOCK_FILE"]),
)
