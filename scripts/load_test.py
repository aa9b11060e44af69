#!/usr/bin/env python
"""A bounded loopback load against gunicorn: throughput, latency percentiles per kind, and errors.

The script makes a throwaway database (an SQLite file in a temporary directory, or with ``--database
postgresql+psycopg://…`` a database ``loadtest_<random>`` of its own on that server, dropped after;
never the database the URL names), migrates and seeds it (reference data, the demo accounts, version
1 of bpmn/ and forms/), starts ``--applications`` applications through the real services, issues API
tokens, and starts gunicorn with ``--workers`` workers on 127.0.0.1 (the app as ``scripts/run`` serves
it, on the real clock). Then, for each number of ``--clients``, that many threads send requests for
``--seconds``, each request one of:

- ``inbox``: a city's or the province's inbox page (``GET /inbox``, signed in through the form);
- ``application``: an application's page as the province (``GET /applications/<id>``);
- ``complete``: a completion through the API on a task nobody else completes: each prepared
  application cycles between the county's declaration and the city's review (the city returns it
  with comments), and a client takes an application from a shared queue, completes its ready task
  with the task id the previous completion answered, and puts it back (an application whose
  completion failed leaves the cycle: its error is counted once);
- ``start``: a new application through the API (``POST /api/instances``) by a county in one of the
  ``--calls`` calls opened for that (one running application per county and call).

Prints, per phase: requests/s and completions/s, p50/p95/p99 per kind (milliseconds), the errors (any
status but the expected one, or a failed connection) with a sample of each, and the CPU time gunicorn's
processes spent per request with the share of the cores they got (on a machine shared with other work,
what throughput an idle machine would reach is about its cores divided by that CPU time). The goal is 0
errors, and throughput that grows with workers up to the cores. The server's access log is off; its
error log goes to stderr.

Usage: load_test.py [--seconds 60] [--clients 8,16] [--workers 2] [--database URL]
                    [--applications 48] [--calls 40] [--gunicorn-config FILE]
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import os
import queue
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.demo.cycling import Cycling

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_databases import PG_SERVER, fresh_database  # noqa: E402 - a sibling module of this script

PASSWORD = "load-test-pass"
# Weights of the request kinds in the mix.
MIX = {"inbox": 3, "application": 3, "complete": 3, "start": 1}
# Who reads inboxes through the web: the province and a few cities with work in the prepared pool.
INBOX_READERS = ("province", "370100", "370200", "370300", "370600", "370700")


# --- the throwaway database -------------------------------------------------------------------------


@contextmanager
def throwaway_database(database: str) -> Iterator[str]:
    """The URL of a new, empty database of this run's own; removed afterwards."""
    kind, server = ("SQLite", PG_SERVER) if database == "sqlite" else ("PostgreSQL", database)
    with fresh_database(kind, "loadtest", server) as url:
        if url is None:
            raise SystemExit(f"no PostgreSQL server answers at {database}")
        yield url


@dataclass
class World:
    """What the clients need: tokens by username, the prepared applications, what is left to start."""

    tokens: dict[str, str]
    declarations: dict[str, dict]  # county adcode -> a complete declaration
    cycle: list[Cycling]
    starts: list[tuple[str, int]]  # (county adcode, call id) pairs nobody has used yet
    application_ids: list[int]


def seed(url: str, applications: int, start_calls: int) -> World:
    """Migrate and seed the database; prepare the applications the clients complete and the calls
    they start new applications in."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from app import create_app
    from app.cli import _deploy
    from app.clock import PROGRAMME_TZ
    from app.config import Config
    from app.demo import cycling, driver, seeding
    from app.extensions import db
    from app.models import Organisation
    from app.services.accounts import credentials
    from app.services.lifecycle import calls
    from app.services.store import reference_data

    app = create_app(Config, SQLALCHEMY_DATABASE_URI=url, SECRET_KEY=secrets.token_hex(16))
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with app.app_context():
        upgrade()
        reference_data.load_reference_data()
        seeding.create_demo_users(PASSWORD)
        _deploy("load test deployment")
        province = driver.user("province")
        now = app.extensions["clock"].now()
        deadline = now + timedelta(days=60)
        year = now.astimezone(PROGRAMME_TZ).year
        counties = list(
            db.session.scalars(
                select(Organisation.adcode)
                .where(Organisation.level == "county", Organisation.abolished_at.is_(None))
                .order_by(Organisation.adcode)
            )
        )
        if applications > len(counties):
            raise SystemExit(f"--applications: at most {len(counties)} (one per county in one call)")
        pool_call = calls.open_call(province, "负载测试批次", year, deadline)
        cycle = []
        for adcode in counties[:applications]:
            cycle.append(cycling.start_cycling(adcode, pool_call))
        start_call_ids = [
            calls.open_call(province, f"负载测试新申报（{n}）", year, deadline).id for n in range(start_calls)
        ]
        # The prepared applications' counties start the new ones too: every account signed in costs a
        # password hash.
        starts = [(item.county, call_id) for call_id in start_call_ids for item in cycle]
        random.shuffle(starts)
        usernames = set(INBOX_READERS) | {item.county for item in cycle} | {item.city for item in cycle}
        tokens = {name: credentials.issue_token(name, PASSWORD)[0] for name in sorted(usernames)}
        declarations = {adcode: driver.declaration(adcode) for adcode in counties[:applications]}
        world = World(tokens, declarations, cycle, starts, [item.instance_id for item in cycle])
        db.session.remove()
        db.engine.dispose()
    return world


# --- the server -----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(url: str, workers: int, config: Path) -> Iterator[tuple[int, int]]:
    """gunicorn serving the app on `url` with `workers` workers and the settings file `config`; yields
    its port and its master's process id once it answers."""
    port = _free_port()
    env = os.environ | {"DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(16), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "gunicorn", "--config", str(config), "--workers", str(workers)]
    command += ["--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen([*command, "app:create_app()"], cwd=ROOT, env=env)
    try:
        limit = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn exited with status {server.returncode}")
            try:
                if Client(port).request("GET", "/login").status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > limit:
                raise SystemExit("gunicorn did not answer within 60 s")
            time.sleep(0.2)
        yield port, server.pid
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# --- the clients ----------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    body: bytes
    cookies: dict[str, str]
    location: str


class Client:
    """One connection's worth of HTTP/1.1 to the server (reopened when gunicorn closes it)."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers=None) -> Answer:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
        except (http.client.HTTPException, OSError):
            self.connection.close()
            raise
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return Answer(response.status, data, self.cookies, response.getheader("Location", ""))

    def sign_in(self, username: str) -> None:
        page = self.request("GET", "/login").body.decode()
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert csrf, "no CSRF token on the sign-in page"
        form = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrf_token": csrf[1]})
        answer = self.request(
            "POST", "/login", form.encode(), {"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert answer.status == 302, f"{username} could not sign in ({answer.status})"

    def api(self, method: str, path: str, token: str, payload: dict | None = None) -> Answer:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        body = json.dumps(payload).encode() if payload is not None else None
        return self.request(method, path, body, headers)


@dataclass
class Tally:
    """What the clients measured in one phase (appended to under a lock)."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float, error: str | None) -> None:
        with self.lock:
            if error is None:
                self.latencies[kind].append(seconds)
            else:
                key = f"{kind}: {error.split(':', 1)[0]}"
                self.errors[key] += 1
                self.samples.setdefault(key, error[:300])


class Load:
    """The shared state of the clients: the completion cycle's queue and the unused start pairs."""

    def __init__(self, world: World):
        self.world = world
        self.ready: queue.SimpleQueue[Cycling] = queue.SimpleQueue()
        for item in world.cycle:
            self.ready.put(item)
        self.starts = list(world.starts)
        self.lock = threading.Lock()

    def next_start(self) -> tuple[str, int] | None:
        with self.lock:
            return self.starts.pop() if self.starts else None

    def completion(self, item: Cycling) -> tuple[str, dict, str]:
        """The token, the data and the form that comes next, for the ready task of `item`."""
        username, data, next_form = item.completion(self.world.declarations[item.county])
        return self.world.tokens[username], data, next_form


def _complete(client: Client, load: Load, tally: Tally) -> str | None:
    """Complete one ready task of the cycle; returns the kind measured (None: all were in flight)."""
    try:
        item = load.ready.get_nowait()
    except queue.Empty:
        return None
    token, data, next_form = load.completion(item)
    started = time.perf_counter()
    try:
        answer = client.api("POST", f"/api/tasks/{item.task_id}/complete", token, {"data": data})
    except (http.client.HTTPException, OSError) as exc:
        tally.record("complete", 0, f"connection: {exc!r}")  # the application leaves the cycle
        return "complete"
    seconds = time.perf_counter() - started
    if answer.status != 200:
        tally.record("complete", seconds, f"{answer.status}: {answer.body[:300]!r}")
        return "complete"
    ready = [t for t in json.loads(answer.body)["ready_tasks"] if t["form"] == next_form]
    if len(ready) != 1:
        tally.record("complete", seconds, f"next task: {len(ready)} ready tasks show {next_form}")
        return "complete"
    tally.record("complete", seconds, None)
    load.ready.put(item.at(ready[0]))
    return "complete"


def _start(client: Client, load: Load, tally: Tally) -> str | None:
    pair = load.next_start()
    if pair is None:
        return None
    adcode, call_id = pair
    started = time.perf_counter()
    try:
        answer = client.api("POST", "/api/instances", load.world.tokens[adcode], {"call_id": call_id})
    except (http.client.HTTPException, OSError) as exc:
        tally.record("start", 0, f"connection: {exc!r}")
        return "start"
    seconds = time.perf_counter() - started
    if answer.status != 201:
        tally.record("start", seconds, f"{answer.status}: {answer.body[:300]!r}")
        return "start"
    tally.record("start", seconds, None)
    with load.lock:
        load.world.application_ids.append(json.loads(answer.body)["id"])
    return "start"


def _page(client: Client, path: str, kind: str, tally: Tally) -> str:
    started = time.perf_counter()
    try:
        answer = client.request("GET", path)
    except (http.client.HTTPException, OSError) as exc:
        tally.record(kind, 0, f"connection: {exc!r}")
        return kind
    seconds = time.perf_counter() - started
    tally.record(kind, seconds, None if answer.status == 200 else f"{answer.status}: {answer.location}")
    return kind


def client_loop(number: int, port: int, load: Load, tally: Tally, seconds: float, gate: threading.Barrier):
    """One client: signs in (as a reader of inboxes, and as the province for application pages), waits
    for the others, then sends requests of the mix for `seconds`."""
    chooser = random.Random(number)
    reader, province, api = Client(port), Client(port), Client(port)
    reader.sign_in(INBOX_READERS[number % len(INBOX_READERS)])
    province.sign_in("province")
    kinds, weights = list(MIX), list(MIX.values())
    gate.wait()
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        kind = chooser.choices(kinds, weights)[0]
        if kind == "complete" and _complete(api, load, tally) or kind == "start" and _start(api, load, tally):
            continue
        if kind in ("complete", "start"):  # every prepared task in flight, or no county left to start
            with tally.lock:
                tally.skipped[kind] += 1
            kind = "application"
        if kind == "inbox":
            _page(reader, "/inbox", "inbox", tally)
        else:
            with load.lock:
                instance_id = chooser.choice(load.world.application_ids)
            _page(province, f"/applications/{instance_id}", "application", tally)


def run_phase(port: int, load: Load, clients: int, seconds: float) -> tuple[Tally, float]:
    """`clients` clients for `seconds` (after they all signed in); returns the tally and the seconds."""
    tally = Tally()
    gate = threading.Barrier(clients + 1)
    threads = [
        # daemons: an interrupted run (Ctrl-C) stops the server and drops its database without them
        threading.Thread(target=client_loop, args=(number, port, load, tally, seconds, gate), daemon=True)
        for number in range(clients)
    ]
    for thread in threads:
        thread.start()
    gate.wait()
    started = time.monotonic()
    for thread in threads:
        thread.join()
    return tally, time.monotonic() - started


def _ms(values: list[float], share: int) -> str:
    if len(values) < 2:
        return f"{values[0] * 1000:8.1f}" if values else "       -"
    return f"{statistics.quantiles(values, n=100, method='inclusive')[share - 1] * 1000:8.1f}"


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) of a process and of its descendants alive now: gunicorn's master,
    its workers and their evaluator processes."""
    tick = os.sysconf("SC_CLK_TCK")
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except FileNotFoundError:  # ended meanwhile
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime and stime, fields 14 and 15
        pending += [int(child) for child in children]
    return total


def report(label: str, clients: int, tally: Tally, seconds: float, server_cpu: float) -> None:
    """The phase's figures. The server's CPU per request does not depend on what else the machine
    runs (the database server's is not counted); its share of the cores shows whether it got them."""
    total = sum(len(v) for v in tally.latencies.values()) + sum(tally.errors.values())
    completions = len(tally.latencies["complete"])
    print(
        f"\n[{label}, {clients} clients, {seconds:.0f} s] {total / seconds:.1f} requests/s, "
        f"{completions / seconds:.1f} completions/s, {sum(tally.errors.values())} errors"
    )
    print(
        f"  gunicorn CPU: {server_cpu / max(total, 1) * 1000:.0f} ms per request, "
        f"{server_cpu / seconds:.2f} of {os.cpu_count()} cores (load average now "
        f"{os.getloadavg()[0]:.1f})"
    )
    print(f"  {'kind':<12}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for kind in MIX:
        values = tally.latencies[kind]
        print(f"  {kind:<12}{len(values):>7}{_ms(values, 50)}{_ms(values, 95)}{_ms(values, 99)}")
    for kind, count in tally.skipped.items():
        print(f"  ({count} {kind} requests became application pages: nothing left to {kind})")
    for key, count in sorted(tally.errors.items()):
        print(f"  error x{count} {key} -- e.g. {tally.samples[key]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="of each phase (default 60)")
    parser.add_argument("--clients", default="8,16", help="clients of each phase (default 8,16)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--database",
        default="sqlite",
        help="sqlite (default), or a PostgreSQL server's URL (postgresql+psycopg://…): the run makes "
        "a database of its own there",
    )
    parser.add_argument("--applications", type=int, default=48, help="prepared for completions")
    parser.add_argument("--calls", type=int, default=40, help="opened for new applications")
    parser.add_argument(
        "--gunicorn-config",
        type=Path,
        default=ROOT / "gunicorn.conf.py",
        help="gunicorn's settings (default the repository's; an empty file measures without them)",
    )
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    phases = [int(n) for n in args.clients.split(",")]
    with throwaway_database(args.database) as url:
        dialect = url.split(":", 1)[0].split("+")[0]
        started = time.perf_counter()
        world = seed(url, args.applications, args.calls)
        print(f"seeded {dialect} in {time.perf_counter() - started:.0f} s: {args.applications} applications")
        print(f"gunicorn: {args.workers} workers, settings {args.gunicorn_config}")
        load = Load(world)
        with gunicorn(url, args.workers, args.gunicorn_config) as (port, pid):
            for clients in phases:
                cpu_before = cpu_seconds(pid)
                tally, seconds = run_phase(port, load, clients, args.seconds)
                server_cpu = cpu_seconds(pid) - cpu_before
                report(f"{dialect}, {args.workers} workers", clients, tally, seconds, server_cpu)


if __name__ == "__main__":
    main()
