"""The load test's workload: the mix of request kinds, the clients that send it for a phase, and what they
measured (latencies, errors with a sample of each)."""

from __future__ import annotations

import http.client
import json
import queue
import random
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from load_test_client import Client
from load_test_world import INBOX_READERS, World

if TYPE_CHECKING:
    from app.demo.cycling import Cycling

# Weights of the request kinds in the mix.
MIX = {"inbox": 3, "application": 3, "complete": 3, "start": 1}


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
