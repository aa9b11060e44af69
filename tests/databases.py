"""Where a test's database lives: a copied SQLite file, or a PostgreSQL database cloned from a template.

``TEST_DATABASE_URL`` names a PostgreSQL server (any database on it, e.g.
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``): the suite then makes
``pgsuite_<run>_template`` once (migrations, reference data, users, version 1) and gives each test a
``CREATE DATABASE … TEMPLATE`` copy of it (≈0.1–0.3 s), dropped after the test ``WITH (FORCE)``,
which ends whatever connection a test left open (a forgotten transaction must not hang the drop).
Without the variable every test copies a migrated SQLite file, as before. Each run has its own random
``<run>`` part, so two runs on one server never meet.
"""

from __future__ import annotations

import itertools
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

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
    """A migrated PostgreSQL database; each copy is a database of the test's own, dropped after use."""

    dialect = "postgresql"

    def __init__(self, server_url: str, prepare: Callable[[str], None]):
        self.server_url = make_url(server_url)
        self.server: Engine = create_engine(self.server_url, isolation_level="AUTOCOMMIT")
        self.run = f"{PREFIX}{secrets.token_hex(4)}"
        self.template = f"{self.run}_template"
        self._numbers = itertools.count(1)
        self._execute(f'CREATE DATABASE "{self.template}"')
        try:
            prepare(self.url_of(self.template))
        except BaseException:
            self.close()
            raise

    def url_of(self, name: str) -> str:
        return self.server_url.set(database=name).render_as_string(hide_password=False)

    def _execute(self, statement: str) -> None:
        with self.server.connect() as conn:
            conn.execute(text(statement))

    @contextmanager
    def copy(self, directory: Path | None = None, name: str = "test") -> Iterator[str]:
        """The URL of a new database cloned from the template, dropped on leaving, whoever holds it.

        (`directory` and `name` are SQLite's; the database is named by the run and a counter.)
        """
        database = f"{self.run}_{next(self._numbers)}"
        self._execute(f'CREATE DATABASE "{database}" TEMPLATE "{self.template}"')
        try:
            yield self.url_of(database)
        finally:
            self._drop(database)

    def _drop(self, database: str) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    def close(self) -> None:
        self._drop(self.template)
        self.server.dispose()


def make_template(directory: Path, prepare: Callable[[str], None]) -> SqliteTemplate | PostgresTemplate:
    server = postgres_server_url()
    return PostgresTemplate(server, prepare) if server else SqliteTemplate(directory, prepare)
