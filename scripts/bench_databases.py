"""The databases a benchmark runs on: a SQLite file, and a database of its own on the local PostgreSQL.

``fresh_database(kind, prefix)`` yields the URL of a new, empty database of that kind and removes it
afterwards: a SQLite file in a temporary directory, or ``<prefix>_<random>`` created on the server at
``PG_SERVER`` and dropped. It yields None, saying why once, when the PostgreSQL server does not answer.
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/"
KINDS = ("SQLite", "PostgreSQL")
_unreachable: list[str] = []


def kinds(only: str | None = None) -> list[str]:
    """The kinds to run on: both, or ``only`` ("sqlite" or "postgresql")."""
    return [kind for kind in KINDS if only in (None, kind.lower())]


@contextmanager
def fresh_database(kind: str, prefix: str) -> Iterator[str | None]:
    if kind == "SQLite":
        with tempfile.TemporaryDirectory() as workdir:
            yield f"sqlite:///{workdir}/{prefix}.db"
        return
    if _unreachable:
        yield None
        return
    name = f"{prefix}_{secrets.token_hex(4)}"
    server = create_engine(PG_SERVER + "postgres", isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001 - any failure to reach it means: skip PostgreSQL
        _unreachable.append(str(error).splitlines()[0])
        print(f"PostgreSQL skipped: {_unreachable[0]}")
        server.dispose()
        yield None
        return
    try:
        yield PG_SERVER + name
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()
