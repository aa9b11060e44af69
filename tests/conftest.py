"""Fixtures that build the world in one line each: an app on a fresh database, users, a call, applications.

The schema comes from the real migrations (once per test session, into a template that each test
copies: a SQLite file, or a PostgreSQL database when ``TEST_DATABASE_URL`` is set, see
tests/databases.py), so the migrations are exercised by every test run.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from app import create_app
from app.clock import PROGRAMME_TZ, FrozenClock
from app.config import TestConfig
from app.demo import driver, seeding
from app.extensions import db
from app.models import Instance, ReadyTask
from app.services.errors import ServiceError
from app.services.lifecycle import calls, timers
from app.services.store import reference_data

from .databases import make_template

START = datetime(2026, 5, 4, 9, 0, tzinfo=PROGRAMME_TZ)
DEADLINE = datetime(2026, 6, 30, 23, 59, tzinfo=PROGRAMME_TZ)
PASSWORD = "test-pass"


def pytest_configure(config):
    # Here rather than in pyproject.toml, whose hash decides when scripts/_setup.sh reinstalls.
    config.addinivalue_line(
        "markers",
        "postgres: needs a PostgreSQL server (skipped without one); scripts/test runs it there only",
    )


@pytest.fixture(scope="session")
def template_db(tmp_path_factory):
    """A migrated database with reference data, users and version 1 deployed; `copy` gives a test its own."""
    template = make_template(tmp_path_factory.mktemp("template"), prepare_database)
    yield template
    template.close()


def prepare_database(url: str) -> None:
    """Migrate the empty database at `url` and give it reference data, users and version 1."""
    from flask_migrate import upgrade

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, CLOCK=FrozenClock(START - timedelta(days=30)))
    with app.app_context():
        upgrade()
        reference_data.load_reference_data()
        seeding.create_demo_users(PASSWORD)
        from app.cli import _deploy

        _deploy("test deployment")
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def clock():
    return FrozenClock(START)


@pytest.fixture
def database_url(template_db, tmp_path):
    """The URL of the test's own copy of the template database."""
    with template_db.copy(tmp_path) as url:
        yield url


@pytest.fixture
def app(database_url, clock):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, CLOCK=clock)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


class World:
    """Builds scenarios through the real services (see app.demo.driver), with the test's call."""

    def __init__(self, app, clock: FrozenClock):
        self.app = app
        self.clock = clock
        self._call = None

    user = staticmethod(driver.user)
    task = staticmethod(driver.ready_task)
    declaration = staticmethod(driver.declaration)
    declare = staticmethod(driver.declare)
    city_decides = staticmethod(driver.city_decides)
    forward = staticmethod(driver.forward)
    assign = staticmethod(driver.assign)
    opine = staticmethod(driver.opine)
    decide = staticmethod(driver.decide)
    review_round = staticmethod(driver.review_round)
    guide_and_revise = staticmethod(driver.guide_and_revise)

    def open_call(self):
        """The province's 2026 call (opened once per test)."""
        if self._call is None:
            self._call = calls.open_call(
                self.user("province"), "2026年度全省城乡社区治理实验区申报", 2026, DEADLINE
            )
        return self._call

    def start(self, adcode: str = "370102") -> Instance:
        return driver.start(adcode, self.open_call())

    def recognised_zone(self, adcode: str = "370102", recognition_date: str = "2026-10-08") -> Instance:
        """An application taken through phases 1-4 to recognition: a zone in its first experiment year.

        The demo declaration's period (2026-09 … 2028-06, 22 months) makes two experiment years. The
        province recognises the zone on the recognition date (the clock moves there if it is behind):
        a recognition cannot be dated in the future.
        """
        instance = self.start(adcode)
        driver.forward(instance)
        driver.review_round(instance, "pass", experts=("expert05",))
        driver.submit_formally(instance)
        driver.city_recommends(instance)
        driver.receive_paper(instance)
        driver.assess(instance, "pass")
        recognition_day = datetime.fromisoformat(recognition_date).replace(hour=9, tzinfo=PROGRAMME_TZ)
        self.clock.set(max(self.clock.now(), recognition_day))
        driver.recognise(instance, recognition_date)
        return self.reload(instance)

    def wait_for_next_timer(self, instance: Instance) -> Instance:
        """Move the clock just past the instance's next timer (e.g. the period's last day) and fire it."""
        due = self.reload(instance).next_timer_at
        assert due is not None, "nothing is waiting for a time"
        self.clock.set(due + timedelta(seconds=1))
        timers.fire_due_timers()
        return self.reload(instance)

    def period_ended(self, adcode: str = "370102") -> Instance:
        """A recognised zone whose two experiment years are reported and whose period has ended."""
        zone = driver.run_the_experiment(self.recognised_zone(adcode))
        return self.wait_for_next_timer(zone)

    def opinion_task(self, instance: Instance, expert: str) -> ReadyTask | None:
        return driver.ready_task(instance, "Task_ExpertOpinion", expert)

    def reload(self, instance: Instance) -> Instance:
        db.session.expire_all()
        return db.session.get(Instance, instance.id)


@pytest.fixture
def world(app, clock) -> World:
    return World(app, clock)


@pytest.fixture
def client(app):
    return app.test_client()


class Api:
    """A JSON client that signs in through POST /api/tokens."""

    def __init__(self, client):
        self.client = client
        self.tokens: dict[str, str] = {}

    def token(self, username: str) -> str:
        if username not in self.tokens:
            response = self.client.post("/api/tokens", json={"username": username, "password": PASSWORD})
            assert response.status_code == 201, response.get_json()
            self.tokens[username] = response.get_json()["token"]
        return self.tokens[username]

    def _headers(self, username):
        return {"Authorization": f"Bearer {self.token(username)}"} if username else {}

    def get(self, username, url, **kwargs):
        return self.client.get(url, headers=self._headers(username), **kwargs)

    def post(self, username, url, json=None):
        return self.client.post(url, headers=self._headers(username), json=json if json is not None else {})


@pytest.fixture
def api(client) -> Api:
    return Api(client)


def rows_of(*tables: str) -> dict[str, list]:
    """Every row of the tables, to show that a refused request changed nothing (compare before/after)."""
    return {t: db.session.execute(text(f"SELECT * FROM {t} ORDER BY 1")).all() for t in tables}


def race(app, attempts: int, attempt) -> list[str]:
    """Run `attempt()` in `attempts` threads released together, each in its own app context.

    Returns "ok" or the ServiceError's message per thread; any other exception as "error:…".
    """
    return race_each(app, [attempt] * attempts)


def race_each(app, attempts: list) -> list[str]:
    """Run each of `attempts` in a thread of its own, all released together; results as in `race`."""
    results: list[str] = []
    barrier = threading.Barrier(len(attempts))

    def run(attempt):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                attempt()
                results.append("ok")
            except ServiceError as exc:
                results.append(exc.message)
            except Exception as exc:  # reported through the caller's assertions
                results.append(f"error:{exc!r}")
                barrier.abort()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(attempt,)) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
