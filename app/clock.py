"""The application clock. Everything that asks "what time is it?" asks this, so tests control time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

# The programme runs on Beijing time: deadlines are set and shown in it.
PROGRAMME_TZ = ZoneInfo("Asia/Shanghai")


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that only moves when told to; used by tests and by demo seeding."""

    def __init__(self, start: datetime):
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self._now += delta


def now() -> datetime:
    """Current time from the app's injected clock (aware, UTC)."""
    return current_app.extensions["clock"].now()
