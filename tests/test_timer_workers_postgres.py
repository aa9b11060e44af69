"""Two timer workers on one PostgreSQL database, one killed with SIGKILL mid-run: each timer fires once.

Each worker is a real ``flask worker`` process with its own connections (and its own evaluators),
following the test's clock through a file. The test makes a database of its own, named
``timers_wt_<random>``, on the server at ``TIMERS_POSTGRES_URL`` (default: ``TEST_DATABASE_URL``'s
server, else the local one, user postgres), and drops it after; it is skipped when no server answers.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from app import create_app
from app.config import TestConfig
from app.demo import driver
from app.extensions import db
from app.models import HistoryEvent, Instance, Organisation
from app.services import leases
from app.services.lifecycle import calls

from .conftest import DEADLINE, START, prepare_database
from .databases import postgres_server_url
from .shared_clock import SharedClock

pytestmark = pytest.mark.postgres
SERVER = make_url(
    os.environ.get("TIMERS_POSTGRES_URL")
    or postgres_server_url()
    or "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
ROOT = Path(__file__).resolve().parent.parent
APPLICATIONS = 200


@pytest.fixture
def database_url():
    """A fresh, migrated database of this test's own (reference data, users, version 1); dropped after."""
    server = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    try:
        server.connect().close()
    except OperationalError:
        pytest.skip(f"no PostgreSQL server answers at {SERVER.render_as_string(hide_password=True)}")
    name = f"timers_wt_{secrets.token_hex(4)}"
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = SERVER.set(database=name).render_as_string(hide_password=False)
    try:
        prepare_database(url)
        yield url
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@pytest.fixture
def app(database_url, tmp_path):
    clock = SharedClock(START, tmp_path / "clock")
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, CLOCK=clock)
    with app.app_context():
        assert db.engine.dialect.name == "postgresql" and db.engine.dialect.driver == "psycopg"
        yield app
        db.session.remove()
        db.engine.dispose()


def _due_applications(clock: SharedClock) -> set[int]:
    """Applications of counties that did not declare by their call's deadline: one timer each is due."""
    counties = db.session.scalars(
        select(Organisation.adcode).where(Organisation.level == "county").order_by(Organisation.adcode)
    ).all()
    province = driver.user("province")
    two_calls = [calls.open_call(province, f"2026年度申报（第{n}批）", 2026, DEADLINE) for n in (1, 2)]
    pairs = [(adcode, call) for call in two_calls for adcode in counties][:APPLICATIONS]
    ids = {driver.start(adcode, call).id for adcode, call in pairs}
    clock.set(DEADLINE + timedelta(minutes=1))
    return ids


def _worker(url: str, clock: SharedClock, log: Path) -> subprocess.Popen:
    """A ``flask worker`` process (in a session of its own, so its evaluators die with it)."""
    env = os.environ | {
        "SDZONES_TEST_DATABASE_URI": url,
        "SDZONES_TEST_CLOCK_FILE": str(clock.path),
        "TIMER_POLL_SECONDS": "1",
    }
    with log.open("w") as out:
        command = [sys.executable, "-m", "flask", "--app", "tests.browser.served_app", "worker"]
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True)


def _fired() -> dict[int, int]:
    db.session.rollback()  # a fresh snapshot
    rows = db.session.execute(
        select(HistoryEvent.instance_id, func.count())
        .where(HistoryEvent.kind == "timer_fired")
        .group_by(HistoryEvent.instance_id)
    )
    return {instance_id: count for instance_id, count in rows}


def _held_by(process: subprocess.Popen) -> set[int]:
    db.session.rollback()
    held = select(Instance.id).where(Instance.lease_holder.like(f"%:{process.pid}:%"))
    return set(db.session.scalars(held))


def _wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    """Poll the database (not the clock: nothing here waits for a deadline) until ``condition``."""
    limit = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < limit, f"not within {seconds} s: {what}"
        time.sleep(0.05)


def _kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def test_two_workers_fire_each_timer_once_and_take_over_from_one_killed_mid_run(app, database_url, tmp_path):
    clock = app.extensions["clock"]
    due = _due_applications(clock)
    assert len(due) == APPLICATIONS
    first = _worker(database_url, clock, tmp_path / "first.log")
    second = _worker(database_url, clock, tmp_path / "second.log")
    try:
        _wait_for(lambda: bool(_held_by(first)), 30, "the first worker claims a batch")
        _kill(first)  # SIGKILL mid-batch: it gives nothing back
        stranded = _held_by(first) - set(_fired())
        assert stranded, "the first worker was killed holding due applications"

        _wait_for(
            lambda: len(_fired()) == APPLICATIONS - len(stranded), 40, "the second worker fires the rest"
        )
        assert stranded.isdisjoint(_fired()), "nobody fires what a (dead) worker still holds"
        clock.advance(leases.lease_time())  # the dead worker's leases expire
        _wait_for(lambda: len(_fired()) == APPLICATIONS, 10, "taken over within a pass of the expiry")
    finally:
        _kill(first)
        _kill(second)
    assert _fired() == dict.fromkeys(due, 1), "each timer fired exactly once"
    assert second.returncode == -signal.SIGKILL, (tmp_path / "second.log").read_text()[-2000:]
