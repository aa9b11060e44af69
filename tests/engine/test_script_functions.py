"""The date functions diagram scripts may call, and that scripts can call them in the sandbox."""

from __future__ import annotations

from app.engine.scripting.script_functions import add_days, add_months, end_of_day, months_inclusive
from tests.engine.builders import T0, script_engine


def test_add_months_keeps_the_day_within_the_month() -> None:
    assert add_months("2026-10-08", 24) == "2028-10-08"
    assert add_months("2026-01-31", 1) == "2026-02-28"
    assert add_months("2028-01-31", 1) == "2028-02-29"
    assert add_months("2026-03-15", -3) == "2025-12-15"


def test_days_months_and_end_of_day() -> None:
    assert add_days("2026-12-20", 30) == "2027-01-19"
    assert months_inclusive("2026-07", "2028-06") == 24
    assert months_inclusive("2026-09", "2026-09") == 1
    assert end_of_day("2026-11-07") == "2026-11-07T23:59:59+08:00"


def test_scripts_call_them_inside_the_sandbox() -> None:
    engine = script_engine(
        "period_months = months_inclusive(period_start, period_end)\n"
        "due = end_of_day(add_days(add_months(recognition_date, 12), 30))"
    )
    run = engine.start(
        {"period_start": "2026-09", "period_end": "2028-06", "recognition_date": "2026-10-08"}, T0
    )
    data = run.task_data(run.ready_user_tasks()[0].task_id)
    assert data["period_months"] == 22
    assert data["due"] == "2027-11-07T23:59:59+08:00"
    assert "add_months" not in data, "the functions are not copied into task data"
