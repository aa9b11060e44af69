#!/usr/bin/env python
"""Task completion: our full stack against raw SpiffWorkflow on the same diagram, in one run.

Method (see BENCHMARKS.md of the project's shared notes): a loop diagram
start → script `count = 0` → user task → script `count += 1` → gateway back while `count < N` → end.
Raw: per task, restore the workflow from JSON, complete the ready user task, do_engine_steps,
serialize (what a server without our design must do). Ours: per task, one HTTP request to
POST /api/tasks/<id>/complete on a real local server (validation, engine, state + ready tasks +
hash-chained history committed), on SQLite (WAL mode, synchronous=FULL) and, when the local server
answers, on PostgreSQL, each a fresh database per repetition beside the same raw baseline. Prints
medians, p95, the ratio of medians, and stored bytes per completed task. A server process keeps the
live workflow of an instance's last step for its next one (app/services/store/runs.py): the
completions here, one application's tasks in a row, take that path. Every script and condition of
ours runs in an evaluator process (app/engine/scripting/evaluator_pool.py): it also prints how many
evaluations a completion makes and what one costs, as a round trip to an evaluator and, for
comparison, run in-process through the same sandbox.
Usage: bench_completion.py [--n 50 200] [--reps 3] [--only sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import os
import statistics
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_databases import fresh_database, kinds  # noqa: E402 - a sibling module of this script

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Defs_bench" targetNamespace="bench">
  <bpmn:collaboration id="Collab_bench">
    <bpmn:participant id="Pool_bench" processRef="bench_loop" />
  </bpmn:collaboration>
  <bpmn:process id="bench_loop" name="基准循环" isExecutable="true">
    <bpmn:laneSet id="LaneSet_bench">
      <bpmn:lane id="Lane_applicant" name="申报单位">
        <bpmn:flowNodeRef>Begin</bpmn:flowNodeRef><bpmn:flowNodeRef>Init</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Review</bpmn:flowNodeRef><bpmn:flowNodeRef>Count</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Loop</bpmn:flowNodeRef><bpmn:flowNodeRef>Finish</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="Begin" />
    <bpmn:scriptTask id="Init" name="count = 0"><bpmn:script>count = 0</bpmn:script></bpmn:scriptTask>
    <bpmn:userTask id="Review" name="review">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="bench_review.json" />
      </spiffworkflow:properties></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:scriptTask id="Count" name="count += 1"><bpmn:script>count += 1</bpmn:script></bpmn:scriptTask>
    <bpmn:exclusiveGateway id="Loop" name="again?" default="F_done" />
    <bpmn:endEvent id="Finish" />
    <bpmn:sequenceFlow id="F1" sourceRef="Begin" targetRef="Init" />
    <bpmn:sequenceFlow id="F2" sourceRef="Init" targetRef="Review" />
    <bpmn:sequenceFlow id="F3" sourceRef="Review" targetRef="Count" />
    <bpmn:sequenceFlow id="F4" sourceRef="Count" targetRef="Loop" />
    <bpmn:sequenceFlow id="F_again" name="again" sourceRef="Loop" targetRef="Review">
      <bpmn:conditionExpression>count &lt; __N__</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="F_done" name="done" sourceRef="Loop" targetRef="Finish" />
  </bpmn:process>
</bpmn:definitions>
"""

FORM = {
    "title": "评审",
    "schema": {
        "type": "object",
        "properties": {"opinion": {"type": "string", "title": "意见", "maxLength": 200}},
        "required": ["opinion"],
    },
    "ui": {"order": ["opinion"]},
}
PAYLOAD = {"opinion": "通过"}


def bench_raw(xml: str, n: int) -> list[float]:
    from lxml import etree
    from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
    from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
    from SpiffWorkflow.util.task import TaskState

    parser = SpiffBpmnParser()
    parser.add_bpmn_xml(etree.fromstring(xml.encode()), filename="bench.bpmn")
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    workflow = BpmnWorkflow(parser.get_spec("bench_loop"))
    workflow.do_engine_steps()
    state = serializer.serialize_json(workflow)
    timings = []
    for _ in range(n):
        t0 = time.perf_counter()
        wf = serializer.deserialize_json(state)
        task = wf.get_tasks(state=TaskState.READY, manual=True)[0]
        task.data.update(PAYLOAD)
        task.run()
        wf.do_engine_steps()
        state = serializer.serialize_json(wf)
        timings.append(time.perf_counter() - t0)
    assert wf.is_completed()
    return timings


class Server:
    """The app on a real local HTTP server in a thread (loopback only)."""

    def __init__(self, app):
        from werkzeug.serving import make_server

        self.httpd = make_server("127.0.0.1", 0, app, threaded=False)
        self.port = self.httpd.server_port
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()


def _request(conn, method, path, token=None, body=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    if response.status >= 300:
        raise RuntimeError(f"{method} {path}: {response.status} {data[:300]!r}")
    return json.loads(data) if data else None


class EvaluationCounter:
    """Counts the round trips to evaluator processes made through the engine's script engine."""

    def __init__(self):
        from app.engine.scripting import script_engine

        self.module = script_engine
        self.original = script_engine.run_in_evaluator
        self.count = 0

    def __enter__(self):
        def counted(request):
            self.count += 1
            return self.original(request)

        self.module.run_in_evaluator = counted
        return self

    def __exit__(self, *exc):
        self.module.run_in_evaluator = self.original


def bench_evaluation(rounds: int = 2000) -> tuple[float, float]:
    """Median seconds of one condition evaluation: a round trip to an evaluator, and in-process."""
    from app.engine.scripting.evaluator_pool import run_in_evaluator
    from app.engine.scripting.sandbox import SAFE_BUILTINS, compile_restricted, run_bounded

    context = {"count": 7, **PAYLOAD}
    request = {"op": "evaluate", "source": "count < 200", "context": context, "external": {}}
    run_in_evaluator(request)  # start the evaluator
    trips, local = [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        run_in_evaluator(request)
        trips.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        run_bounded(compile_restricted("count < 200", "eval"), {**context, "__builtins__": SAFE_BUILTINS})
        local.append(time.perf_counter() - t0)
    return statistics.median(trips), statistics.median(local)


def _stored_bytes(url: str) -> int:
    """The database's size on disk: the SQLite file after a checkpoint, or PostgreSQL's own count."""
    from app.extensions import db

    if url.startswith("sqlite"):
        db.session.execute(db.text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.remove()
        return Path(url.removeprefix("sqlite:///")).stat().st_size
    db.session.execute(db.text("CHECKPOINT"))
    size = db.session.scalar(db.text("SELECT pg_database_size(current_database())"))
    db.session.remove()
    return int(size)


def bench_ours(xml: str, n: int, url: str) -> tuple[list[float], float, float]:
    from flask_migrate import upgrade

    from app import create_app
    from app.clock import PROGRAMME_TZ, FrozenClock
    from app.config import Config
    from app.demo import seeding
    from app.extensions import db
    from app.services.lifecycle.calls import open_call
    from app.services.store import deployment, reference_data

    clock = FrozenClock(datetime(2026, 5, 1, 9, 0, tzinfo=PROGRAMME_TZ))
    app = create_app(Config, SQLALCHEMY_DATABASE_URI=url, CLOCK=clock, PROCESS_KEY="bench")
    with app.app_context():
        upgrade()
        reference_data.load_reference_data()
        seeding.create_demo_users("bench-pass")
        deployment.deploy("bench", "bench_loop", {"bench.bpmn": xml}, {"bench_review.json": json.dumps(FORM)})
        open_call(None, "基准批次", 2026, clock.now() + timedelta(days=365))
        db.session.remove()
    server = Server(app)
    conn = http.client.HTTPConnection("127.0.0.1", server.port)
    try:
        token = _request(conn, "POST", "/api/tokens", body={"username": "370102", "password": "bench-pass"})[
            "token"
        ]
        instance = _request(conn, "POST", "/api/instances", token, {})
        with app.app_context():
            size_before = _stored_bytes(url)
        task_id = instance["ready_tasks"][0]["id"]
        timings = []
        with EvaluationCounter() as evaluations:
            for _ in range(n):
                t0 = time.perf_counter()
                result = _request(conn, "POST", f"/api/tasks/{task_id}/complete", token, {"data": PAYLOAD})
                timings.append(time.perf_counter() - t0)
                task_id = result["ready_tasks"][0]["id"] if result["ready_tasks"] else None
        assert result["status"] == "completed", result["status"]
        with app.app_context():
            stored_per_task = (_stored_bytes(url) - size_before) / n
    finally:
        conn.close()
        server.stop()
    return timings, stored_per_task, evaluations.count / n


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    logging.disable(logging.INFO)  # the migrations and the test server would log every step and request
    os.environ.setdefault("SECRET_KEY", "bench")
    trip, local = bench_evaluation()
    print(
        f"one evaluation: round trip to an evaluator process median {trip * 1e6:.0f} us, "
        f"in-process (same sandbox) {local * 1e6:.0f} us"
    )
    print(
        f"{'N':>4} {'rep':>3} {'raw med ms':>10} {'raw p95':>8} {'database':>10} {'ours med ms':>11} "
        f"{'ours p95':>8} {'ratio':>6} {'stored/task':>11}"
    )
    for n in args.n:
        xml = BPMN.replace("__N__", str(n))
        ratios: dict[str, list[float]] = {}
        for rep in range(args.reps):
            for kind in kinds(args.only):
                with fresh_database(kind, "bench_completion") as url:
                    if url is None:
                        continue
                    raw = bench_raw(xml, n)  # the baseline, measured right beside each run of ours
                    ours, stored, per_completion = bench_ours(xml, n, url)
                ratio = statistics.median(ours) / statistics.median(raw)
                ratios.setdefault(kind, []).append(ratio)
                print(
                    f"{n:>4} {rep + 1:>3} {statistics.median(raw) * 1e3:>10.2f} {p95(raw) * 1e3:>8.2f} "
                    f"{kind:>10} {statistics.median(ours) * 1e3:>11.2f} {p95(ours) * 1e3:>8.2f} "
                    f"{ratio:>5.2f}x {stored / 1024:>8.1f} KB"
                )
        for kind, values in ratios.items():
            print(
                f"N={n} {kind}: ratio of medians (ours/raw) min {min(values):.2f}x, "
                f"median {statistics.median(values):.2f}x over {len(values)} repetitions; "
                f"{per_completion:.1f} evaluations per completion "
                f"(~{per_completion * trip * 1e3:.2f} ms of round trips)"
            )


if __name__ == "__main__":
    main()
