"""Timers follow the injected clock only, never the wall clock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.engine import Engine, FiredTimer, ScriptError
from tests.engine.builders import T0, at, timer_engine, wall_clock_now


def test_date_in_2030_does_not_fire_in_2029_but_fires_in_2031() -> None:
    engine = timer_engine("'2030-01-01T00:00:00+08:00'")
    run = engine.start({}, at("2029-01-01T00:00:00+08:00"))
    assert run.fire_due_timers(at("2029-12-31T23:59:59+08:00")) == []
    assert [t.element_id for t in run.ready_user_tasks()] == ["Task_Wait"]
    fired = run.fire_due_timers(at("2031-01-01T00:00:00+08:00"))
    assert fired == [FiredTimer("Timer_Due", "到期", at("2030-01-01T00:00:00+08:00"))]
    assert run.is_completed
    assert run.end_outcome == ("End_Late", "逾期", None)


def test_date_already_past_on_the_wall_clock_waits_for_the_injected_clock() -> None:
    past = (wall_clock_now() - timedelta(days=365)).isoformat()
    engine = timer_engine(f"'{past}'")
    before = at(past) - timedelta(days=30)
    run = engine.start({}, before)
    assert run.fire_due_timers(before + timedelta(days=1)) == []
    run.complete_task(run.ready_user_tasks()[0].task_id, {}, before + timedelta(days=2))
    assert run.end_outcome == ("End_Done", "完成", None)


def test_timer_fires_exactly_at_its_due_time() -> None:
    run = timer_engine("due").start({"due": "2026-06-30T23:59:59+08:00"}, T0)
    due = at("2026-06-30T23:59:59+08:00")
    assert run.fire_due_timers(due - timedelta(microseconds=1)) == []
    assert [t.element_id for t in run.fire_due_timers(due)] == ["Timer_Due"]


def test_next_timer_due_reports_the_deadline_in_utc(engine: Engine, start_data: dict) -> None:
    run = engine.start(start_data, T0)
    due = run.next_timer_due()
    assert due == at("2026-06-30T23:59:59+08:00")
    assert due.utcoffset() == timedelta(0)


def test_deadline_interrupts_the_call_activity_and_ends_late(engine: Engine, start_data: dict) -> None:
    run = engine.start(start_data, T0)
    run.complete_task(run.ready_user_tasks()[0].task_id, {"theme_title": "x"}, T0)
    assert run.fire_due_timers(at("2026-06-30T23:59:58+08:00")) == []
    fired = run.fire_due_timers(at("2026-07-01T00:00:00+08:00"))
    assert [(t.element_id, t.name) for t in fired] == [("Timer_Deadline", "申报截止")]
    assert run.ready_user_tasks() == []
    assert run.is_completed
    assert run.end_outcome == ("End_Late", "逾期未报", "late")
    assert "Timer_Deadline" in run.completed_element_ids()
    assert run.next_timer_due() is None


def test_timers_survive_serialization_and_fire_after_restore(engine: Engine, start_data: dict) -> None:
    state = engine.start(start_data, T0).serialize()
    restored = engine.restore(state)
    assert restored.next_timer_due() == at("2026-06-30T23:59:59+08:00")
    assert restored.fire_due_timers(at("2026-05-01T00:00:00+08:00")) == []
    assert [t.element_id for t in restored.fire_due_timers(at("2026-08-01T00:00:00+08:00"))] == [
        "Timer_Deadline"
    ]
    assert restored.end_outcome[2] == "late"


def test_timer_expression_goes_through_the_sandbox() -> None:
    with pytest.raises(ScriptError) as caught:
        timer_engine("__import__('os').getcwd()").start({}, T0)
    assert caught.value.element_id == "Timer_Due"


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        timer_engine("'2030-01-01T00:00:00+08:00'").start({}, T0.replace(tzinfo=None))


def test_active_elements_name_the_waiting_task_and_the_call_holding_it(
    engine: Engine, start_data: dict
) -> None:
    run = engine.start(start_data, T0)
    task = run.ready_user_tasks()[0]
    assert task.element_id in run.active_element_ids()
    assert any(element != task.element_id for element in run.active_element_ids()), "the call activity"
    run.fire_due_timers(at("2026-07-01T00:00:00+08:00"))
    assert run.active_element_ids() == []
