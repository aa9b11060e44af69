"""Phase 5, implementation: an annual plan and summary per experiment year, overdue ones flagged (R7)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.clock import PROGRAMME_TZ
from app.demo import driver
from app.services.lifecycle import timers
from app.services.reading import queries


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


def _follow_ups(world, instance) -> set[str]:
    kinds = ("PlanOverdueCity", "PlanOverdueProvince", "SummaryOverdueCity", "SummaryOverdueProvince")
    return {f"Task_{kind}" for kind in kinds if world.task(instance, f"Task_{kind}") is not None}


def test_follow_ups_of_late_duties_never_hold_back_the_final_report(world, clock, recognised):
    """R7 flags the late duty to the city and the province until the zone hands it in; then the
    follow-ups have nothing left to urge and close, so the final report comes at the period's end
    (在实验期末，各实验区应如期提交实验工作终期报告) whatever the city and the province did."""
    plans = {"Task_PlanOverdueCity", "Task_PlanOverdueProvince"}
    clock.set(datetime(2026, 11, 8, 9, 0, tzinfo=PROGRAMME_TZ))  # the first annual plan is late
    assert timers.fire_due_timers() == 1
    assert _follow_ups(world, recognised) == plans
    driver.annual_report(recognised, "Task_AnnualPlan")
    assert _follow_ups(world, recognised) == set(), "the plan is in: nothing left to urge"

    clock.set(datetime(2027, 11, 7, 9, 0, tzinfo=PROGRAMME_TZ))  # the first summary is due by tonight
    assert timers.fire_due_timers() == 0
    clock.set(datetime(2027, 11, 8, 9, 0, tzinfo=PROGRAMME_TZ))  # late, as is the second year's plan
    assert timers.fire_due_timers() == 1
    assert _follow_ups(world, recognised) == {"Task_SummaryOverdueCity", "Task_SummaryOverdueProvince"}
    driver.annual_report(recognised, "Task_AnnualSummary")
    assert _follow_ups(world, recognised) == plans, "the summary is in; the next plan was due yesterday"
    driver.annual_report(recognised, "Task_AnnualPlan")
    assert _follow_ups(world, recognised) == set()

    instance = driver.annual_report(world.reload(recognised), "Task_AnnualSummary")
    assert world.task(instance, "Task_AnnualPlan") is None, "two experiment years"
    instance = world.wait_for_next_timer(instance)
    assert world.task(instance, "Task_FinalReport") is not None
