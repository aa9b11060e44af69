"""A frozen clock shared with other processes through a file: the test moves it, servers follow it."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from app.clock import FrozenClock


class SharedClock(FrozenClock):
    """The test's clock: every move is written to ``path`` for the server processes to read."""

    def __init__(self, start: datetime, path: Path):
        self.path = path
        super().__init__(start)
        self._publish()

    def set(self, moment: datetime) -> None:
        super().set(moment)
        self._publish()

    def advance(self, delta: timedelta) -> None:
        super().advance(delta)
        self._publish()

    def _publish(self) -> None:
        staged = self.path.with_suffix(".new")
        staged.write_text(self.now().isoformat())
        staged.replace(self.path)  # atomic: a reader never sees half a time


class FileClock:
    """A server process's clock: the time the test last published."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def now(self) -> datetime:
        return datetime.fromisoformat(self.path.read_text())
