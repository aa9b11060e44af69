#!/usr/bin/env python
"""Re-execution cost and storage of a finished lifecycle, measured in one run.

Seeds the demo programme into a temporary SQLite database (every history made by the real
services), takes the 2024 zone that ran its two experiment years to the national recommendation,
and times, in the same process: loading its final state (restore from the stored JSON, the
baseline) and re-executing its whole history (start from the pinned version with the recorded id
seed, apply every step, restore between steps as the live system does, hash and compare each
state). Prints medians, the ratio (goal <= 20x) and the bytes stored for the finished lifecycle
(goal <= 200 KB): final state, history events, documents, attachments.
Usage: bench_replay.py [--reps 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _median_ms(action, reps: int) -> float:
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _stored_bytes(instance_id: int) -> dict[str, int]:
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import Attachment, Document, HistoryEvent, Instance

    events = db.session.scalars(select(HistoryEvent).where(HistoryEvent.instance_id == instance_id))
    event_bytes = sum(
        len(
            json.dumps(
                {c.name: getattr(e, c.name) for c in HistoryEvent.__table__.columns},
                default=str,
                ensure_ascii=False,
            ).encode()
        )
        for e in events
    )
    documents = db.session.scalars(select(Document).where(Document.instance_id == instance_id))
    return {
        "final state": len(
            (db.session.scalar(select(Instance.state).where(Instance.id == instance_id)) or "").encode()
        ),
        "history events": event_bytes,
        "documents": sum(len(json.dumps(d.content, ensure_ascii=False).encode()) for d in documents),
        "attachments": db.session.scalar(
            select(func.coalesce(func.sum(Attachment.size), 0)).where(Attachment.instance_id == instance_id)
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import select

    from app import create_app
    from app.config import Config
    from app.demo import seeding
    from app.extensions import db
    from app.models import HistoryEvent, Instance
    from app.services.audit import reexecution
    from app.services.store import reference_data
    from app.services.store.runs import load_run

    with tempfile.TemporaryDirectory() as workdir:
        app = create_app(Config, SQLALCHEMY_DATABASE_URI=f"sqlite:///{workdir}/bench.db", SECRET_KEY="bench")
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            reference_data.load_reference_data()
            from app.cli import _deploy

            _deploy("bench")
            seeding.create_demo_users("bench-pass")
            seeding.create_demo_programme()
            instance = db.session.scalar(select(Instance).where(Instance.outcome == "nationally_recommended"))
            steps = len(reexecution.steps_of(instance))
            events = len(
                list(
                    db.session.scalars(select(HistoryEvent.id).where(HistoryEvent.instance_id == instance.id))
                )
            )
            report = reexecution.reexecute(instance)
            assert report.ok, report.failure

            load_ms = _median_ms(lambda: load_run(instance), args.reps)
            replay_ms = _median_ms(lambda: reexecution.reexecute(instance), args.reps)
            stored = _stored_bytes(instance.id)

    total = sum(stored.values())
    print(
        f"finished lifecycle: application {instance.id}, {events} history events, {steps} steps (revisions)"
    )
    print(f"load final state (restore)      median {load_ms:8.2f} ms")
    print(f"full re-execution, all checked  median {replay_ms:8.2f} ms")
    print(f"ratio re-execution / load       {replay_ms / load_ms:8.1f}x   (goal <= 20x)")
    for name, size in stored.items():
        print(f"stored: {name:<16} {size / 1024:8.1f} KB")
    print(f"stored per finished lifecycle   {total / 1024:8.1f} KB   (goal <= 200 KB)")


if __name__ == "__main__":
    main()
