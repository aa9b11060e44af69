"""Where a test's database lives: a copied SQLite file, or a PostgreSQL database cloned from a template.

``TEST_DATABASE_URL`` names a PostgreSQL server (any database on it, e.g.
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``): the suite then makes
``pgsuite_<run>_template`` once (migrations, reference data, users, version 1). A test gets a
``CREATE DATABASE … TEMPLATE`` copy of it the first time, and afterwards a copy an earlier test used,
put back to the template's state in place: its connections ended (a transaction a test left open
must not hold locks), every table emptied with ``DELETE``, the template's rows copied back and its
sequences set as the template's. Measured on the shared 2-core machine under load: a new copy and
its drop ≈0.6 s, ``TRUNCATE`` and reseed ≈0.7 s (a new file per table and index), ``DELETE`` and
reseed ≈0.05 s. The session drops every database of its run ``WITH (FORCE)``; each run has its own
random ``<run>`` part, so two runs on one server never meet.

Without the variable every test copies a migrated SQLite file, as before.
"""

from __future__ import annotations

import itertools
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

PREFIX = "pgsuite_"


def postgres_server_url() -> str | None:
    """The PostgreSQL server the suite runs on, or None for SQLite."""
    return os.environ.get("TEST_DATABASE_URL") or None


class SqliteTemplate:
    """A migrated SQLite file; each copy is a file of the test's own."""

    dialect = "sqlite"

    def __init__(self, directory: Path, prepare: Callable[[str], None]):
        self.path = directory / "template.db"
        prepare(f"sqlite:///{self.path}")

    @contextmanager
    def copy(self, directory: Path, name: str = "test") -> Iterator[str]:
        """The URL of a copy in `directory` (files go with pytest's tmp_path)."""
        path = directory / f"{name}.db"
        shutil.copy(self.path, path)
        yield f"sqlite:///{path}"

    def close(self) -> None:
        """Nothing held open."""


class PostgresTemplate:
    """A migrated PostgreSQL database and the copies of it the tests use, one at a time or nested.

    A copy is made with ``CREATE DATABASE … TEMPLATE`` when none is free, and put back to the
    template's state when its user is done with it (see the module's docstring). Nested users (a
    module's database and a test's) get different copies.
    """

    dialect = "postgresql"

    def __init__(self, server_url: str, prepare: Callable[[str], None]):
        self.server_url = make_url(server_url)
        self.server: Engine = create_engine(self.server_url, isolation_level="AUTOCOMMIT")
        self.run = f"{PREFIX}{secrets.token_hex(4)}"
        self.template = f"{self.run}_template"
        self._numbers = itertools.count(1)
        self._free: list[str] = []
        self._made: list[str] = []
        self._execute(f'CREATE DATABASE "{self.template}"')
        try:
            prepare(self.url_of(self.template))
            self._contents = _Contents.read(self._conninfo(self.template))
        except BaseException:
            self.close()
            raise

    def url_of(self, name: str) -> str:
        return self.server_url.set(database=name).render_as_string(hide_password=False)

    def _conninfo(self, name: str) -> str:
        return self.server_url.set(drivername="postgresql", database=name).render_as_string(
            hide_password=False
        )

    def _execute(self, statement: str) -> None:
        with self.server.connect() as conn:
            conn.execute(text(statement))

    @contextmanager
    def copy(self, directory: Path | None = None, name: str = "test") -> Iterator[str]:
        """The URL of a database in the template's state, the caller's until it leaves the block.

        (`directory` and `name` are SQLite's; the database is named by the run and a counter.)
        """
        database = self._free.pop() if self._free else self._new_copy()
        try:
            yield self.url_of(database)
        finally:
            self._contents.restore(self._conninfo(database))
            self._free.append(database)

    def _new_copy(self) -> str:
        database = f"{self.run}_{next(self._numbers)}"
        self._execute(f'CREATE DATABASE "{database}" TEMPLATE "{self.template}"')
        self._made.append(database)
        return database

    def close(self) -> None:
        """Drop every database of the run, ending whatever connection still holds one."""
        for database in [*self._made, self.template]:
            self._execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        self.server.dispose()


class _Contents:
    """The template's tables (quoted), the rows of those that have any (COPY's binary form), and its
    sequences' values."""

    def __init__(self, tables: list[str], rows: dict[str, bytes], sequences: dict[str, int]):
        self.tables, self.rows, self.sequences = tables, rows, sequences

    @classmethod
    def read(cls, conninfo: str) -> _Contents:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            names = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
            tables = [f'"{name}"' for (name,) in names]
            rows = {}
            for table in tables:
                if conn.execute(f"SELECT EXISTS (SELECT FROM {table})").fetchone() == (True,):
                    with conn.cursor().copy(f"COPY {table} TO STDOUT (FORMAT BINARY)") as copy:
                        rows[table] = b"".join(bytes(block) for block in copy)
            sequences = dict(
                conn.execute(
                    "SELECT sequencename, coalesce(last_value, 0) FROM pg_sequences"
                    " WHERE schemaname = 'public'"
                ).fetchall()
            )
        return cls(tables, rows, sequences)

    def restore(self, conninfo: str) -> None:
        """Put the database at `conninfo` back to these contents; a test's leftover connections end."""
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            with conn.transaction():
                conn.execute("SET LOCAL session_replication_role = replica")  # no foreign key order
                for table in self.tables:
                    conn.execute(f"DELETE FROM {table}")
                for table, data in self.rows.items():
                    with conn.cursor().copy(f"COPY {table} FROM STDIN (FORMAT BINARY)") as copy:
                        copy.write(data)
                for sequence, value in self.sequences.items():  # 0: never used, the next value is 1
                    conn.execute("SELECT setval(%s, %s, %s)", (f'"{sequence}"', max(value, 1), value > 0))


def make_template(directory: Path, prepare: Callable[[str], None]) -> SqliteTemplate | PostgresTemplate:
    server = postgres_server_url()
    return PostgresTemplate(server, prepare) if server else SqliteTemplate(directory, prepare)
