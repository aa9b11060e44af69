#!/usr/bin/env python
"""The heatmap at scale: its figures for the province and for a city at 100, 1,000 and 10,000 applications.

Method: the applications of ``bench_scale`` (the smallest size driven through the real services, one per
county over the first phases; the larger sizes copied from them in bulk SQL, history events included).
At each size, for the province and for 济南市 (370100): the median time of ``heatmap.heatmap`` (the
scoped query, the walk of every application's events, the figures) against a baseline measured in the
same run — reading the same rows with the same query and nothing else (``heatmap.scoped_events``) —
and the ratio of each to the smallest size. Runs on SQLite (a file) and on PostgreSQL (its own
database, created and dropped; skipped with a message when 127.0.0.1:5432 does not answer).

Usage: bench_heatmap.py [--sizes 100 1000 10000] [--reps 5] [--only sqlite|postgresql]
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_scale import build_driven, copy_rows, measure, prepared_app  # noqa: E402

VIEWERS = ("province", "370100")


def _median(call: Callable[[], object], reps: int) -> float:
    call()  # warm: the parsed diagrams, the first compile of the query
    samples = []
    for _ in range(reps):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def time_heatmap(app, reps: int) -> dict[tuple[str, str], float]:
    """Median seconds of (viewer, "heatmap" | "query"), and (viewer, "events") the rows read."""
    from app.demo import driver
    from app.extensions import db
    from app.services.statistics import heatmap

    results: dict[tuple[str, str], float] = {}
    with app.test_request_context():
        version = heatmap.chosen_version(None)
        for username in VIEWERS:
            user = driver.user(username)
            results[(username, "heatmap")] = _median(lambda u=user: heatmap.heatmap(u, version.id), reps)
            rows = lambda u=user: heatmap.scoped_events(u, version, None, None).all()  # noqa: E731
            results[(username, "query")] = _median(rows, reps)
            results[(username, "events")] = len(rows())
        db.session.remove()
    return results


def run(url: str, label: str, sizes: list[int], reps: int) -> None:
    from app.extensions import db

    app, clock = prepared_app(url)
    driven = sizes[0]
    build_driven(app, clock, driven)
    results, copied = {}, 0
    for size in sizes:
        copied = copy_rows(app, driven, size, copied)
        results[size] = time_heatmap(app, reps)
    print(f"\n{label}: median ms; heatmap/query: ratio to the baseline; x size: to {sizes[0]} applications")
    columns = ("size", 7), ("events", 8), ("query", 9), ("heatmap", 9), ("heatmap/query", 14), ("x size", 8)
    print(f"{'viewer':10}" + "".join(f" {name:>{width}}" for name, width in columns))
    for username in VIEWERS:
        first = results[sizes[0]][(username, "heatmap")]
        for size in sizes:
            figures = results[size]
            query, whole = figures[(username, "query")], figures[(username, "heatmap")]
            print(
                f"{username:10} {size:7} {figures[(username, 'events')]:8.0f} {query * 1000:9.1f} "
                f"{whole * 1000:9.1f} {whole / query:14.1f} {whole / first:8.1f}"
            )
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    measure(__doc__, run, [100, 1000, 10_000], 5)


if __name__ == "__main__":
    main()
