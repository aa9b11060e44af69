"""Rules R1-R3 and R5 as a participant meets them: the message, in Chinese, beside the field."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.services.errors import RuleViolation, ValidationFailed
from app.services.lifecycle import applications, tasks

from .conftest import DEADLINE


def _errors(world, **overrides) -> dict[str, str]:
    instance = world.start()
    with pytest.raises(ValidationFailed) as raised:
        tasks.complete_task(
            world.user("370102"), world.task(instance, "Task_Declare").id, world.declaration(**overrides)
        )
    assert raised.value.message == "请修改标出的内容后再提交。"
    return {e.field: e.message for e in raised.value.errors}


def test_r1_plan_shorter_than_4000_characters_is_refused_with_the_count(world):
    short = "实" * 900
    errors = _errors(
        world,
        plan_background=short,
        plan_theme_goals=short,
        plan_measures=short,
        plan_guarantees=short + "　 \n",
    )
    assert errors == {"plan": "实验方案目前共 3600 字（不含空白字符），应不少于 4000 字。"}


def test_r1_a_missing_section_is_named(world):
    errors = _errors(world, plan_measures="")
    assert "plan_measures" in errors


def test_r2_period_longer_than_24_months_is_refused(world):
    errors = _errors(world, period_start="2026-07", period_end="2028-07")
    assert list(errors) == ["period_end"]
    assert "24" in errors["period_end"]


def test_r2_exactly_24_months_is_allowed(world):
    instance = world.start()
    world.declare(instance, period_start="2026-07", period_end="2028-06")


def test_r3_no_expert_from_the_two_committees_is_refused(world):
    errors = _errors(world, experts=[])
    assert any(field.startswith("experts") for field in errors)
    assert any("专家" in message for message in errors.values())


def test_r5_no_application_once_the_deadline_has_passed(world, clock):
    world.open_call()
    clock.set(DEADLINE + timedelta(minutes=1))
    with pytest.raises(RuleViolation) as raised:
        applications.start_application(world.user("370102"))
    assert raised.value.message == "当前没有正在开放的申报批次。"


def test_one_running_application_per_county_and_call(world):
    world.start("370102")
    with pytest.raises(RuleViolation) as raised:
        world.start("370102")
    assert "历下区在本批次已有一份申报" in raised.value.message
