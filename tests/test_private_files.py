"""The SQLite database (with -wal and -shm) and the key files are readable by the app's user only."""

from __future__ import annotations

import os
import stat

import pytest
from sqlalchemy import text

from app import create_app, private_files
from app.config import TestConfig
from app.extensions import db


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def lax_umask():
    """A umask that would make new files world-readable, as on many servers."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_a_new_database_and_its_wal_and_shm_are_created_private(tmp_path, lax_umask):
    path = tmp_path / "new.db"
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with app.app_context():
        db.session.execute(text("CREATE TABLE probe (x INTEGER)"))
        db.session.execute(text("INSERT INTO probe VALUES (1)"))
        db.session.commit()
        for companion in (path, tmp_path / "new.db-wal", tmp_path / "new.db-shm"):
            assert companion.exists() and _mode(companion) == 0o600, companion
        db.session.remove()
        db.engine.dispose()


def test_files_left_with_wider_permissions_are_tightened_at_start(tmp_path):
    database = [tmp_path / name for name in ("old.db", "old.db-wal", "old.db-shm")]
    keys = [tmp_path / name for name in private_files.KEY_FILES]
    for path in database + keys:
        path.write_text("")
        path.chmod(0o644)
    create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{database[0]}")
    assert [_mode(path) for path in database] == [0o600] * 3
    private_files.protect("sqlite://", tmp_path)  # what create_app does for its instance folder
    assert [_mode(path) for path in keys] == [0o600] * 2


def test_new_key_files_are_never_readable_by_others(tmp_path, lax_umask):
    path = tmp_path / "keys" / "audit_hmac_key"
    private_files.write_private(path, "secret")
    assert _mode(path) == 0o600 and path.read_text() == "secret"


def test_other_databases_are_left_alone():
    assert private_files.sqlite_file("sqlite://") is None
    assert private_files.sqlite_file("postgresql+psycopg://root@127.0.0.1/test") is None
