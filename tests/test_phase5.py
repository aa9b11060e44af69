"""Phase 5, implementation: an annual plan and summary per experiment year, overdue ones flagged (R7)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.clock import PROGRAMME_TZ
from app.services import driver, queries, timers


@pytest.fixture
def recognised(world):
    return world.recognised_zone("370102", "2026-10-08")


def test_recognition_starts_the_first_experiment_year(world, recognised):
    assert recognised.status == "running"
    assert recognised.phase == "实验实施"
    plan = world.task(recognised, "Task_AnnualPlan")
    assert plan is not None and plan.role == "applicant"
    assert plan.due_at == datetime(2026, 11, 7, 23, 59, 59, tzinfo=PROGRAMME_TZ)


def test_two_experiment_years_then_the_final_report_is_due(world, recognised):
    for year in range(2):
        driver.annual_report(recognised, "Task_AnnualPlan")
        assert world.task(recognised, "Task_AnnualSummary") is not None, year
        driver.annual_report(recognised, "Task_AnnualSummary")
    instance = world.reload(recognised)
    assert world.task(instance, "Task_AnnualPlan") is None, "22 months make two experiment years"
    assert world.task(instance, "Task_FinalReport") is None, "the period runs to its last day"
    assert instance.next_timer_at == datetime(2028, 8, 7, 23, 59, 59, tzinfo=PROGRAMME_TZ)
    instance = world.wait_for_next_timer(instance)
    assert world.task(instance, "Task_FinalReport") is not None


def test_an_overdue_annual_plan_is_flagged_to_the_city_and_the_province(world, clock, recognised):
    clock.set(datetime(2026, 11, 7, 23, 59, tzinfo=PROGRAMME_TZ))
    assert timers.fire_due_timers() == 0
    clock.advance(timedelta(minutes=1))
    assert timers.fire_due_timers() == 1
    city = {t.element_id for t in queries.ready_tasks_for(world.user("370100"))}
    province = {t.element_id for t in queries.ready_tasks_for(world.user("province"))}
    assert "Task_PlanOverdueCity" in city
    assert "Task_PlanOverdueProvince" in province
    assert world.task(recognised, "Task_AnnualPlan") is not None, "the plan is still due from the zone"
    driver.follow_up(recognised, "Task_PlanOverdueCity", "370100")
    driver.annual_report(recognised, "Task_AnnualPlan")
    assert world.task(recognised, "Task_AnnualSummary") is not None
