#!/usr/bin/env python
"""Lists at scale: the first page of each list, and the command centre's dashboard and statistics
report, at 100, 10,000 and 100,000 applications, in one run.

Method (see BENCHMARKS.md of the project's shared notes, "Lists at scale"): under a frozen clock the
real services (app.demo.driver) drive the smallest size's applications, one per county, spread over the
cities and over the first phases (started, declared, forwarded, experts assigned, reviewed). The larger
sizes are made by copying those applications' rows with fresh ids in bulk INSERT … SELECT: instances,
history_events, ready_tasks and instance_participants, each copy in a call of its own (one running
application per county and call; the copied calls are closed, as past calls are). A copy carries no
engine state (the lists never read it; the application page timed is a driven one). Documents, search
texts and notifications are not copied: no first page reads them. Then, for the province, a city, an
expert and a county, through Flask's test client: the first page of the inbox, of the application list
(web and GET /api/instances) and one application's page; for the province and the city, the dashboard
(/command/) and the statistics report (/command/report). Prints each size's median and its ratio to the
smallest size. Runs on SQLite (a file) and on PostgreSQL (its own database, created and dropped; skipped
with a message when 127.0.0.1:5432 does not answer).

Usage: bench_scale.py [--sizes 100 10000 100000] [--reps 7] [--only sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import logging
import re
import secrets
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_databases import fresh_database, kinds  # noqa: E402 - a sibling module of this script

PASSWORD = "bench-pass"
VIEWERS = ("province", "370100", "expert05", "370102")  # the province, a city, an expert, a county
PAGES = ("inbox", "applications", "api", "application", "dashboard", "report")
COMMAND_CENTRE = ("province", "370100")  # who reads the dashboard and the report
# Copies' ids start past these, so they never meet the driven rows' ids.
ID_STRIDE = 1000
EVENT_STRIDE = 100_000


def _phase_steps(driver):
    """How far each driven application goes, by its position: spread over the first phases."""
    return (
        lambda i: driver.assign(driver.forward(i), "expert05", "expert06"),  # 370102 first: all may see it
        lambda i: i,
        driver.declare,
        driver.forward,
        lambda i: driver.review_round(driver.forward(i), "pass"),
    )


def build_driven(app, clock, count: int) -> int:
    """Drive `count` applications through the real services; returns the application page's id."""
    from sqlalchemy import select

    from app.demo import driver
    from app.extensions import db
    from app.models import Organisation
    from app.services.lifecycle import calls

    with app.app_context():
        county_codes = select(Organisation.adcode).where(Organisation.level == "county")
        counties = list(db.session.scalars(county_codes.order_by(Organisation.adcode)))
        counties.remove("370102")
        counties.insert(0, "370102")
        steps = _phase_steps(driver)
        first = None
        made = 0
        for year in range(2026, 2026 + count // len(counties) + 1):
            name = f"{year}年度全省城乡社区治理实验区申报"
            call = calls.open_call(driver.user("province"), name, year, clock.now() + timedelta(days=60))
            for position, adcode in enumerate(counties[: count - made]):
                instance = steps[position % len(steps)](driver.start(adcode, call))
                first = first or instance.id
                made += 1
            if made >= count:
                break
        db.session.remove()
        return first


# Each statement copies the driven rows `:copies` times (k = 1 … copies, on top of those already
# copied: `:done`), with fresh ids; {k} is the copy's number.
_NUMBERS = (
    "WITH RECURSIVE n(k) AS (SELECT CAST(:done AS INTEGER) + 1 "
    "UNION ALL SELECT k + 1 FROM n WHERE k < CAST(:done AS INTEGER) + CAST(:copies AS INTEGER)) "
)
_COPIES = [
    _NUMBERS + "INSERT INTO calls (id, name, year, deadline, opened_at, opened_by_id, notice_text, contacts) "
    "SELECT c.id + k * :id_stride, c.name || ' #' || CAST(k AS TEXT), c.year, c.opened_at, c.opened_at, "
    "c.opened_by_id, c.notice_text, c.contacts FROM calls c, n WHERE c.id < :id_stride",
    _NUMBERS + "INSERT INTO instances (id, version_id, call_id, applicant_org_id, city_org_id, theme_code, "
    "theme_title, theme_kind, status, phase, outcome, outcome_label, state, state_hash, revision, "
    "next_timer_at, created_at, updated_at, created_by_id) "
    "SELECT i.id + k * :id_stride, i.version_id, i.call_id + k * :id_stride, i.applicant_org_id, "
    "i.city_org_id, i.theme_code, i.theme_title, i.theme_kind, i.status, i.phase, i.outcome, "
    "i.outcome_label, '', i.state_hash, i.revision, i.next_timer_at, i.created_at, i.updated_at, "
    "i.created_by_id "
    "FROM instances i, n WHERE i.id < :id_stride",
    _NUMBERS + "INSERT INTO history_events (id, instance_id, seq, kind, at, actor_id, on_behalf_of_id, "
    "element_id, element_name, task_id, data, version_id, revision_before, revision_after, state_hash, "
    "field_hashes, prev_hash, event_hash) "
    "SELECT e.id + k * :event_stride, e.instance_id + k * :id_stride, e.seq, e.kind, e.at, e.actor_id, "
    "e.on_behalf_of_id, e.element_id, e.element_name, e.task_id, e.data, e.version_id, e.revision_before, "
    "e.revision_after, e.state_hash, e.field_hashes, e.prev_hash, e.event_hash "
    "FROM history_events e, n WHERE e.instance_id < :id_stride",
    _NUMBERS + "INSERT INTO ready_tasks (id, instance_id, element_id, name, phase, role, form, "
    "assignee_org_id, assignee_user_id, due_at, due_order, ready_since, claimed_by_id, claimed_at) "
    "SELECT substr(t.id, 1, 23) || '-' || CAST(k + 100000000000 AS TEXT), t.instance_id + k * :id_stride, "
    "t.element_id, t.name, t.phase, t.role, t.form, t.assignee_org_id, t.assignee_user_id, t.due_at, "
    "t.due_order, t.ready_since, t.claimed_by_id, t.claimed_at "
    "FROM ready_tasks t, n WHERE t.instance_id < :id_stride",
    _NUMBERS + "INSERT INTO instance_participants (id, instance_id, user_id, relation, note) "
    "SELECT p.id + k * :id_stride, p.instance_id + k * :id_stride, p.user_id, p.relation, p.note "
    "FROM instance_participants p, n WHERE p.instance_id < :id_stride",
]


def copy_rows(app, driven: int, size: int, copied: int) -> int:
    """Copy the driven applications until there are `size`; returns how many copies exist now."""
    from app.extensions import db

    copies = size // driven - 1 - copied
    if copies <= 0:
        return copied
    with app.app_context():
        params = {"done": copied, "copies": copies, "id_stride": ID_STRIDE, "event_stride": EVENT_STRIDE}
        for statement in _COPIES:
            db.session.execute(db.text(statement), params)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
        else:
            db.session.execute(db.text("ANALYZE"))
        db.session.remove()
    return copied + copies


def _login(client, username: str) -> None:
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, f"{username} could not sign in"


def median_seconds(request, reps: int, what) -> float:
    """The median seconds of `reps` calls of `request` (a test client's GET), after one to warm up."""
    assert request().status_code == 200, what  # warm: caches, first compile
    samples = []
    for _ in range(reps):
        started = time.perf_counter()
        request()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def time_pages(app, application_id: int, reps: int) -> dict[tuple[str, str], float]:
    """The median seconds of each (viewer, page)."""
    medians = {}
    for username in VIEWERS:
        client = app.test_client()
        _login(client, username)
        api_token = client.post("/api/tokens", json={"username": username, "password": PASSWORD}).get_json()
        bearer = {"Authorization": f"Bearer {api_token['token']}"}
        requests = {
            "inbox": lambda c=client: c.get("/inbox"),
            "applications": lambda c=client: c.get("/applications"),
            "api": lambda c=client, h=bearer: c.get("/api/instances", headers=h),
            "application": lambda c=client: c.get(f"/applications/{application_id}"),
        }
        if username in COMMAND_CENTRE:
            requests["dashboard"] = lambda c=client: c.get("/command/")
            requests["report"] = lambda c=client: c.get("/command/report?year=2026")
        for page, request in requests.items():
            medians[(username, page)] = median_seconds(request, reps, (username, page))
        medians[(username, "rows")] = len(requests["api"]().get_json())
    return medians


def prepared_app(url: str):
    """The app on the empty database at ``url``, migrated, with reference data, the demo's users and
    version 1, under a frozen clock; returns (app, clock)."""
    from flask_migrate import upgrade

    from app import create_app
    from app.cli import _deploy
    from app.clock import PROGRAMME_TZ, FrozenClock
    from app.config import Config
    from app.demo import seeding
    from app.extensions import db
    from app.services.store import reference_data

    clock = FrozenClock(datetime(2026, 5, 4, 9, 0, tzinfo=PROGRAMME_TZ))
    app = create_app(Config, SQLALCHEMY_DATABASE_URI=url, CLOCK=clock, SECRET_KEY=secrets.token_hex(16))
    with app.app_context():
        upgrade()
        reference_data.load_reference_data()
        seeding.create_demo_users(PASSWORD)
        _deploy("bench deployment")
        db.session.remove()
    return app, clock


def run(url: str, label: str, sizes: list[int], reps: int) -> None:
    from app.extensions import db

    app, clock = prepared_app(url)
    driven = sizes[0]
    started = time.perf_counter()
    application_id = build_driven(app, clock, driven)
    seconds = time.perf_counter() - started
    print(f"[{label}] drove {driven} applications through the services in {seconds:.0f} s")
    results, copied = {}, 0
    for size in sizes:
        started = time.perf_counter()
        copied = copy_rows(app, driven, size, copied)
        if size > driven:
            print(
                f"[{label}] {size}: {driven} driven + {size - driven} copied in bulk SQL "
                f"in {time.perf_counter() - started:.0f} s"
            )
        results[size] = time_pages(app, application_id, reps)
    print(f"\n{label}: median ms of the first page (ratio to {sizes[0]}); 'rows': the API page's rows")
    header = (
        f"{'viewer':10} {'page':13}"
        + "".join(f"{size:>10}" for size in sizes)
        + "".join(f"{'x' + str(size):>10}" for size in sizes[1:])
    )
    print(header)
    for username in VIEWERS:
        for page in PAGES:
            if (username, page) not in results[sizes[0]]:
                continue
            values = [results[size][(username, page)] for size in sizes]
            row = f"{username:10} {page:13}" + "".join(f"{v * 1000:10.1f}" for v in values)
            print(row + "".join(f"{v / values[0]:10.2f}" for v in values[1:]))
        print(
            f"{username:10} {'rows':13}"
            + "".join(f"{results[size][(username, 'rows')]:10.0f}" for size in sizes)
        )
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def measure(description: str, run_on, sizes: list[int], reps: int) -> None:
    """A benchmark's command line: ``--sizes``, ``--reps`` and ``--only`` (defaults given), then
    ``run_on(url, label, sizes, reps)`` on each database."""
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=description, formatter_class=formatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=sizes)
    parser.add_argument("--reps", type=int, default=reps)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    assert args.sizes[0] < ID_STRIDE and args.sizes == sorted(args.sizes)
    logging.disable(logging.WARNING)
    for kind in kinds(args.only):
        with fresh_database(kind, "bench_scale") as url:
            if url is not None:
                run_on(url, kind, args.sizes, args.reps)


def main() -> None:
    measure(__doc__, run, [100, 10_000, 100_000], 7)


if __name__ == "__main__":
    main()
