"""Files only the app's own user may read: the SQLite database (with its -wal and -shm) and the keys.

New files are created 0600 from the start (never briefly readable by others); files left from
before with wider permissions are tightened when the app starts. SQLite gives the -wal and -shm
files it creates the database file's permissions, so a private database stays private.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlalchemy.engine import make_url

PRIVATE = 0o600
KEY_FILES = ("secret_key", "audit_hmac_key")


def write_private(path: Path, content: str) -> None:
    """Create the file, readable and writable by its owner only; an existing file is an error."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE)
    with os.fdopen(fd, "w") as fh:
        fh.write(content)


def tighten(path: Path) -> None:
    """Take away every permission of group and others from an existing file."""
    if path.exists() and stat.S_IMODE(path.stat().st_mode) & 0o077:
        path.chmod(PRIVATE)


def sqlite_file(database_uri: str) -> Path | None:
    """The file of an SQLite database URI; None for other databases and in-memory SQLite."""
    url = make_url(database_uri)
    if not url.drivername.startswith("sqlite") or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def protect(database_uri: str, instance_dir: Path) -> None:
    """Create the SQLite file private if it is missing, and tighten it, its companions and the keys."""
    database = sqlite_file(database_uri)
    if database is not None:
        if not database.exists():
            database.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(database, os.O_WRONLY | os.O_CREAT, PRIVATE))
        for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
            tighten(path)
    for name in KEY_FILES:
        tighten(instance_dir / name)
