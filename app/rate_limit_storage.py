"""A storage for the ``limits`` library (under Flask-Limiter) on the app's own database: ``appdb://``.

Flask-Limiter's counters must be shared by every gunicorn worker (and host), or each worker would
allow the full limit. Redis does that (``RATELIMIT_STORAGE_URI=redis://…``); without Redis the one
store every process already shares is the database, so the counters live there, in
``rate_limit_counters``. Each increment is one atomic upsert in its own short transaction, apart
from the request's unit of work. Time is the app's clock, so tests move it instead of sleeping.
Only the fixed-window strategy is supported (the default, and what the sign-in limits use).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from limits.storage import Storage
from sqlalchemy import Table, case, delete, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from . import clock
from .extensions import db
from .models import RateLimitCounter

# Both dialects' inserts offer on_conflict_do_update, which the generic insert lacks.
_INSERT: dict[str, Callable[[Table], Any]] = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
# The counters' table (the ORM types ``__table__`` as any FROM clause).
_COUNTERS = cast(Table, RateLimitCounter.__table__)


def _now() -> float:
    return clock.now().timestamp()


class DatabaseStorage(Storage):
    STORAGE_SCHEME = ["appdb"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add to the key's counter, starting a new window when the old one has expired."""
        now = _now()
        table = _COUNTERS
        insert = _INSERT[db.engine.dialect.name](table).values(key=key, count=amount, expires_at=now + expiry)
        expired = table.c.expires_at <= now
        upsert = insert.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "count": case((expired, amount), else_=table.c.count + amount),
                "expires_at": case((expired, now + expiry), else_=table.c.expires_at),
            },
        ).returning(table.c.count)
        with db.engine.begin() as connection:
            connection.execute(delete(table).where(table.c.expires_at < now - 86400))
            return connection.execute(upsert).scalar_one()

    def _live(self, key: str):
        table = _COUNTERS
        with db.engine.connect() as connection:
            return connection.execute(
                select(table.c.count, table.c.expires_at).where(
                    table.c.key == key, table.c.expires_at > _now()
                )
            ).first()

    def get(self, key: str) -> int:
        row = self._live(key)
        return row.count if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._live(key)
        return row.expires_at if row else _now()

    def check(self) -> bool:
        try:
            with db.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int:
        with db.engine.begin() as connection:
            return connection.execute(delete(_COUNTERS)).rowcount

    def clear(self, key: str) -> None:
        with db.engine.begin() as connection:
            connection.execute(delete(_COUNTERS).where(RateLimitCounter.key == key))
