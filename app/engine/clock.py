"""An injectable clock for SpiffWorkflow's timer code.

SpiffWorkflow decides whether a timer has fired by calling ``datetime.now(timezone.utc)`` inside
``SpiffWorkflow.bpmn.specs.event_definitions.timer``. Left alone, a deadline would fire as soon as
any request happened to touch the workflow after the wall-clock deadline, and tests could not
move time. We therefore replace that module's ``datetime`` name, once, with a subclass whose
``now()`` reads a context variable. The adapter sets the variable (``frozen_now``) for the length
of every call that takes a ``now`` argument, so timers follow the caller's notion of time only.
Outside such a call the real time is used, which only matters for code outside the adapter.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, tzinfo

from SpiffWorkflow.bpmn.specs.event_definitions import timer as _spiff_timer

_current_now: contextvars.ContextVar[datetime | None] = contextvars.ContextVar("engine_now", default=None)


class _DatetimeMeta(type):
    """Keep ``isinstance(x, datetime)`` checks in the timer module true for plain datetimes."""

    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, datetime)

    def __subclasscheck__(cls, sub: type) -> bool:
        return issubclass(sub, datetime)


class ClockDatetime(datetime, metaclass=_DatetimeMeta):
    """``datetime`` whose ``now()`` honours the adapter's injected time."""

    # typeshed says now() returns the subclass; this one returns plain datetimes on purpose, so the
    # instances SpiffWorkflow keeps and compares are ordinary ones.
    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        injected = _current_now.get()
        if injected is None:
            return datetime.now(tz)
        return injected.astimezone(tz) if tz is not None else injected.astimezone().replace(tzinfo=None)

    @classmethod
    def utcnow(cls) -> datetime:  # type: ignore[override]  # a plain datetime too, as now()
        return cls.now(UTC).replace(tzinfo=None)


def as_utc(moment: datetime) -> datetime:
    """Normalise to an aware UTC datetime; naive values are refused to avoid silent local-time bugs."""
    if moment.tzinfo is None:
        raise ValueError("engine times must be timezone-aware")
    utc = moment.astimezone(UTC)
    return datetime.combine(utc.date(), utc.timetz())  # a plain datetime, never ClockDatetime


@contextmanager
def frozen_now(now: datetime) -> Iterator[None]:
    """Run the enclosed SpiffWorkflow calls with ``now`` as the current time."""
    token = _current_now.set(as_utc(now))
    try:
        yield
    finally:
        _current_now.reset(token)


def install() -> None:
    """Patch the timer module once; idempotent so importing twice is harmless."""
    if _spiff_timer.datetime is not ClockDatetime:
        _spiff_timer.datetime = ClockDatetime


install()
