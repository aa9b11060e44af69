"""The patched timer clock: injected inside adapter calls, real time outside."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from SpiffWorkflow.bpmn.specs.event_definitions import timer

from app.engine.clock import ClockDatetime, as_utc, frozen_now
from tests.engine.builders import at


def test_spiffworkflow_timer_module_uses_the_injectable_clock() -> None:
    assert timer.datetime is ClockDatetime


def test_now_follows_the_injected_time_only_inside_the_context() -> None:
    injected = at("2031-05-05T08:00:00+08:00")
    with frozen_now(injected):
        assert timer.datetime.now(UTC) == injected
        with frozen_now(injected + timedelta(days=1)):
            assert timer.datetime.now(UTC) == injected + timedelta(days=1)
        assert timer.datetime.now(UTC) == injected
    assert abs(timer.datetime.now(UTC) - datetime.now(UTC)) < timedelta(seconds=5)


def test_plain_datetimes_still_pass_isinstance_checks_in_the_timer_module() -> None:
    assert isinstance(datetime.now(UTC), timer.datetime)
    assert type(as_utc(ClockDatetime.fromisoformat("2030-01-01T00:00:00+08:00"))) is datetime
