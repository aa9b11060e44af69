"""A gunicorn worker killed with SIGKILL in the middle of completions, on PostgreSQL: nothing acknowledged
is lost, nothing is half-written.

gunicorn (two workers, ``tests/live_server.py``) serves a copy of the template database. Client threads
complete tasks through the API, each on applications of its own that cycle between the county's
declaration and the city's review (the city returns it with comments), so every completion is on a
task nobody else completes. Meanwhile the test kills a worker with SIGKILL twice (the master starts a
new one), then the whole server, master and workers at once, and starts it again; the clients go on,
finding an application's ready task again after a request that got no answer. Then, from the
database: every completion answered 200 is in its history exactly once; each application's revision
is its last event's, and its one ready task is the one its history waits for; every hash chain
verifies; every history re-executes.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import threading
import time
import urllib.parse
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from app.demo.cycling import CITY_REVIEW, DECLARATION, Cycling, start_cycling
from app.extensions import db
from app.models import HistoryEvent, Instance, ReadyTask
from app.services.accounts import credentials
from app.services.audit import chain_check, reexecution
from app.services.lifecycle import calls

from .conftest import DEADLINE, PASSWORD, START
from .databases import postgres_server_url
from .live_server import Gunicorn
from .shared_clock import SharedClock

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(postgres_server_url() is None, reason="the fault test runs with TEST_DATABASE_URL"),
]

# Applications of three counties (of three cities) in four calls: few accounts to sign in (each costs
# a password hash).
COUNTIES = ("370102", "370202", "370302")
CALLS = 4
CLIENTS = 4
# The acknowledged completions after which the test kills a worker, a worker, the whole server; and
# after which it stops.
KILL_WORKER_AT = (8, 16)
KILL_SERVER_AT = 24
ENOUGH = 36


@pytest.fixture
def clock(tmp_path):
    """The test's clock, read by the server processes from a file."""
    return SharedClock(START, tmp_path / "clock")


class Clients:
    """Threads completing tasks through the API of whichever server answers now."""

    def __init__(self, server: Gunicorn, tokens: dict[str, str], declarations: dict[str, dict]):
        self.server = server
        self.tokens = tokens
        self.declarations = declarations
        self.acknowledged: list[str] = []  # task ids answered 200
        self.unanswered = 0  # requests whose connection broke (a worker died under them)
        self.unexpected: list[str] = []  # any other answer
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.threads: list[threading.Thread] = []

    def run(self, applications: list[Cycling]) -> Clients:
        """Start the clients on `applications` (each client gets its share, to itself)."""
        self.threads = [
            threading.Thread(target=self._run, args=(applications[n::CLIENTS],)) for n in range(CLIENTS)
        ]
        return self

    def __enter__(self) -> Clients:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join()

    def _request(self, method: str, path: str, token: str, payload: dict | None = None) -> tuple[int, dict]:
        url = urllib.parse.urlsplit(self.server.base_url)
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        try:
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            body = json.dumps(payload) if payload is not None else None
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, json.loads(response.read() or b"{}")
        finally:
            connection.close()

    def _run(self, mine: list[Cycling]) -> None:
        while not self.stopping.is_set():
            for number, application in enumerate(mine):
                mine[number] = self._complete(application)

    def _complete(self, application: Cycling) -> Cycling:
        """Complete the application's ready task; returns the application with its next one."""
        completer, data, next_form = application.completion(self.declarations[application.county])
        try:
            status, body = self._request(
                "POST", f"/api/tasks/{application.task_id}/complete", self.tokens[completer], {"data": data}
            )
        except (OSError, http.client.HTTPException):
            with self.lock:
                self.unanswered += 1
            return self._with_ready_task(application)  # the completion may or may not have been committed
        if status != 200:
            with self.lock:
                self.unexpected.append(f"#{application.instance_id} {application.form}: {status} {body}")
            return self._with_ready_task(application)
        with self.lock:
            self.acknowledged.append(application.task_id)
        (ready,) = [t for t in body["ready_tasks"] if t["form"] == next_form]
        return application.at(ready)

    def _with_ready_task(self, application: Cycling) -> Cycling:
        """Read the application's ready task again, waiting while no server answers (it restarts)."""
        limit = time.monotonic() + 60
        while True:
            try:
                status, body = self._request(
                    "GET", f"/api/instances/{application.instance_id}", self.tokens["province"]
                )
                if status == 200:
                    (ready,) = body["ready_tasks"]
                    return application.at(ready)
            except (OSError, http.client.HTTPException):
                pass
            assert time.monotonic() < limit, f"no server answered for 60 s: see {self.server.log}"
            time.sleep(0.05)


def _prepared(world) -> tuple[dict[str, str], dict[str, dict], list[Cycling]]:
    """API tokens of everyone completing, the counties' declarations, and the applications waiting for
    them."""
    province = world.user("province")
    applications = []
    for number in range(CALLS):
        call = calls.open_call(province, f"2026年度申报（第{number + 1}批）", 2026, DEADLINE)
        applications += [start_cycling(adcode, call) for adcode in COUNTIES]
    usernames = {"province"} | {a.county for a in applications} | {a.city for a in applications}
    tokens = {name: credentials.issue_token(name, PASSWORD)[0] for name in usernames}
    return tokens, {adcode: world.declaration(adcode) for adcode in COUNTIES}, applications


def _wait_for(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    """Poll until ``condition`` (progress of the clients, not a deadline of the app's clock)."""
    limit = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < limit, f"not within {seconds} s: {what}"
        time.sleep(0.02)


def test_completions_survive_a_worker_and_the_server_killed_mid_run(app, world, database_url, tmp_path):
    tokens, declarations, applications = _prepared(world)
    db.session.remove()
    server = Gunicorn(database_url, world.clock.path, 2, tmp_path / "gunicorn.log")
    server.start()
    try:
        with Clients(server, tokens, declarations).run(applications) as clients:
            for count in KILL_WORKER_AT:
                _wait_for(lambda n=count: len(clients.acknowledged) >= n, f"{count} completions")
                os.kill(server.worker_pids()[0], signal.SIGKILL)
            _wait_for(lambda: len(clients.acknowledged) >= KILL_SERVER_AT, f"{KILL_SERVER_AT} completions")
            server.kill()
            server.start()
            _wait_for(lambda: len(clients.acknowledged) >= ENOUGH, f"{ENOUGH} completions after the restart")
    finally:
        server.stop()

    assert clients.unexpected == []
    assert clients.unanswered > 0, "the kills interrupted requests in flight"
    _every_acknowledged_completion_is_there_once(clients.acknowledged)
    for instance_id in {application.instance_id for application in applications}:
        instance = db.session.get_one(Instance, instance_id)
        _nothing_half_written(instance)
        assert chain_check.verify_chain(instance).ok, f"#{instance.id}: the chain does not verify"
        report = reexecution.reexecute(instance)
        assert report.ok, f"#{instance.id}: {report.failure}"


def _every_acknowledged_completion_is_there_once(acknowledged: list[str]) -> None:
    counts = dict(
        db.session.execute(
            select(HistoryEvent.task_id, func.count())
            .where(HistoryEvent.kind == "task_completed", HistoryEvent.task_id.in_(acknowledged))
            .group_by(HistoryEvent.task_id)
        ).all()
    )
    assert len(acknowledged) == len(set(acknowledged)) >= ENOUGH
    assert counts == dict.fromkeys(acknowledged, 1)


def _nothing_half_written(instance: Instance) -> None:
    """The events run 1…n, the stored revision is the last event's, and the one ready task is not yet
    completed and is the form the completions so far lead to (declaration, review, declaration, …)."""
    events = db.session.scalars(
        select(HistoryEvent).where(HistoryEvent.instance_id == instance.id).order_by(HistoryEvent.seq)
    ).all()
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert instance.revision == events[-1].revision_after
    completed = [e.task_id for e in events if e.kind == "task_completed"]
    (ready,) = db.session.scalars(select(ReadyTask).where(ReadyTask.instance_id == instance.id)).all()
    assert ready.id not in completed
    assert ready.form == (CITY_REVIEW if len(completed) % 2 else DECLARATION), f"#{instance.id}"
