"""The load test's world: its throwaway database, migrated and seeded with the demo accounts, version 1
of bpmn/ and forms/, the applications the clients complete and the calls they start new ones in."""

from __future__ import annotations

import logging
import random
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from bench_databases import PG_SERVER, fresh_database

if TYPE_CHECKING:
    from app.demo.cycling import Cycling

PASSWORD = "load-test-pass"
# Who reads inboxes through the web: the province and a few cities with work in the prepared pool.
INBOX_READERS = ("province", "370100", "370200", "370300", "370600", "370700")


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
