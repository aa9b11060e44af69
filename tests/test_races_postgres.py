"""Races on PostgreSQL with real separate connections: one winner per task, every expert's opinion kept.

Each racer is a thread with its own app context and so its own session; the engine has no pool
(``NullPool``), so every racer opens a connection of its own, at the same moment as the others, and
the test checks that by the backends' process ids. SQLite serialises writers on its file lock, so
only PostgreSQL shows whether the revision check (``transitions.commit_transition``) holds when
commits really overlap: the tests are skipped without ``TEST_DATABASE_URL`` (tests/databases.py).
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.pool import NullPool

from app import create_app
from app.config import TestConfig
from app.extensions import db
from app.models import HistoryEvent, ReadyTask
from app.services.lifecycle import tasks
from app.services.store.runs import load_run

from .conftest import race_each
from .databases import postgres_server_url

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        postgres_server_url() is None, reason="races with real separate connections need TEST_DATABASE_URL"
    ),
]

RACERS = 50
EXPERTS = ("expert05", "expert06", "expert07", "expert08")


@pytest.fixture
def app(database_url, clock):
    app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=database_url,
        SQLALCHEMY_ENGINE_OPTIONS={"poolclass": NullPool},
        CLOCK=clock,
    )
    with app.app_context():
        assert db.engine.dialect.name == "postgresql"
        yield app
        db.session.remove()
        db.engine.dispose()


class Backends:
    """Wraps racers so each notes the PostgreSQL backend its session talks to."""

    def __init__(self):
        self.pids: list[int] = []
        self._lock = threading.Lock()

    def noting(self, attempt):
        def run():
            pid = db.session.scalar(text("SELECT pg_backend_pid()"))
            with self._lock:
                self.pids.append(pid)
            attempt()

        return run


def _completions(task_id: int) -> int:
    return db.session.scalar(
        select(func.count(HistoryEvent.id)).where(
            HistoryEvent.task_id == task_id, HistoryEvent.kind == "task_completed"
        )
    )


def test_fifty_completions_of_one_task_one_wins_and_one_event_is_written(app, world):
    instance = world.start("370102")
    world.declare(instance)
    task_id = world.task(instance, "Task_CityReview").id
    revision = world.reload(instance).revision
    db.session.commit()
    backends = Backends()

    def complete():
        tasks.complete_task(world.user("370100"), task_id, {"city_decision": "forward"})

    results = race_each(app, [backends.noting(complete)] * RACERS)

    assert len(set(backends.pids)) == RACERS, "every racer had a connection of its own"
    assert results.count("ok") == 1, results
    assert sorted(set(results) - {"ok"}) == ["该任务已由济南市民政局办理完成。"], results
    assert _completions(task_id) == 1
    after = world.reload(instance)
    assert after.revision == revision + 1
    assert db.session.scalar(select(func.count(ReadyTask.id)).where(ReadyTask.id == task_id)) == 0


def test_experts_of_one_review_answering_together_twice_each_every_opinion_counts_once(app, world):
    """Four experts each submit their opinion from two connections at once: eight racers, four tasks."""
    instance = world.start("370102")
    world.forward(instance)
    world.assign(instance, *EXPERTS)
    opinion_tasks = {expert: world.opinion_task(instance, expert).id for expert in EXPERTS}
    db.session.commit()
    backends = Backends()

    def opinion(expert):
        data = {"opinion": "pass", "opinion_comments": "方案基础扎实，同意通过。"}
        return backends.noting(lambda: tasks.complete_task(world.user(expert), opinion_tasks[expert], data))

    results = race_each(app, [opinion(expert) for expert in EXPERTS for _ in range(2)])

    assert len(set(backends.pids)) == 2 * len(EXPERTS)
    assert results.count("ok") == len(EXPERTS), results
    refused = [r for r in results if r != "ok"]
    assert all("办理完成" in r for r in refused), results
    assert [_completions(task_id) for task_id in opinion_tasks.values()] == [1] * len(EXPERTS)
    decision = world.task(world.reload(instance), "Task_ReviewDecision")
    assert decision is not None, "every opinion was collected"
    assert load_run(world.reload(instance)).task_data(decision.id)["opinions"] == ["pass"] * len(EXPERTS)
