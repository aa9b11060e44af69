"""The databases the benchmarks and the load test run on: a SQLite file, or one of their own on a
PostgreSQL server.

``fresh_database(kind, prefix, server)`` yields the URL of a new, empty database of that kind and
removes it afterwards: a SQLite file in a temporary directory, or ``<prefix>_<random>`` created on the
server (by default the local one, ``PG_SERVER``) and dropped ``WITH (FORCE)``. It yields None, saying
why once, when the PostgreSQL server does not answer.
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
KINDS = ("SQLite", "PostgreSQL")
_unreachable: list[str] = []


def kinds(only: str | None = None) -> list[str]:
    """The kinds to run on: both, or ``only`` ("sqlite" or "postgresql")."""
    return [kind for kind in KINDS if only in (None, kind.lower())]


@contextmanager
def fresh_database(kind: str, prefix: str, server: str = PG_SERVER) -> Iterator[str | None]:
    if kind == "SQLite":
        with tempfile.TemporaryDirectory(prefix=f"{prefix}_") as workdir:
            yield f"sqlite:///{workdir}/{prefix}.db"
        return
    if _unreachable:
        yield None
        return
    name = f"{prefix}_{secrets.token_hex(4)}"
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001 - any failure to reach it means: skip PostgreSQL
        _unreachable.append(str(error).splitlines()[0])
        print(f"PostgreSQL skipped: {_unreachable[0]}")
        engine.dispose()
        yield None
        return
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()
