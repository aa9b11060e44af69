"""Phases 6 and 7: final report and acceptance review; national recommendation of accepted zones (R9)."""

from __future__ import annotations

import pytest

from app.demo import driver
from app.services.errors import ValidationFailed
from app.services.reading import queries


@pytest.fixture
def period_ended(world):
    return world.period_ended("370102")  # urban theme U01


def test_the_period_ends_with_the_final_report(world, period_ended):
    instance = world.reload(period_ended)
    assert instance.phase == "验收评审"
    assert world.task(instance, "Task_FinalReport").role == "applicant"


def test_accepted_and_recommended_to_the_urban_national_programme(world, period_ended):
    driver.final_report(period_ended)
    driver.acceptance(period_ended, accepted=True)
    driver.national_recommendation(period_ended)
    instance = world.reload(period_ended)
    assert instance.status == "completed"
    assert instance.outcome == "nationally_recommended"


def test_accepted_but_not_recommended(world, period_ended):
    driver.final_report(period_ended)
    driver.acceptance(period_ended, accepted=True)
    driver.national_recommendation(period_ended, recommend=False)
    assert world.reload(period_ended).outcome == "accepted"


def test_r9_a_zone_not_accepted_cannot_be_recommended(world, period_ended):
    driver.final_report(period_ended)
    driver.acceptance(period_ended, accepted=False)
    instance = world.reload(period_ended)
    assert instance.outcome == "not_accepted"
    assert world.task(instance, "Task_NationalRecommendation") is None
    assert "Task_NationalRecommendation" not in {
        t.element_id for t in queries.ready_tasks_for(world.user("province"))
    }


def test_the_programme_follows_the_zones_kind(world, period_ended):
    driver.final_report(period_ended)
    driver.acceptance(period_ended, accepted=True)
    with pytest.raises(ValidationFailed) as raised:
        driver.national_recommendation(period_ended, programme="rural_governance")
    assert raised.value.errors[0].message == "实验区类型决定推荐的全国实验区类别，请选择另一项。"
