"""Assigning review experts: no guiding expert of the application reviews it (conflict of interest),
and the picker shows each expert's open reviews and past reviews of the same applicant."""

from __future__ import annotations

import pytest

from app.services.errors import ValidationFailed
from app.services.lifecycle import tasks

from .conftest import rows_of
from .web_helpers import csrf_token, login

CONFLICT = "孙宏伟 is a guiding expert of this application and cannot review it (conflict of interest)."
CONFLICT_ZH = "孙宏伟是本申报的指导专家，不能担任其评审专家（利益冲突）。"


@pytest.fixture
def guided_by_expert07(world):
    """expert07 (孙宏伟) is both a review expert and this application's national guiding expert."""
    return world.forward(world.start("370102"), experts=("expert01", "expert07"))


def _assignment(world, instance):
    return world.task(instance, "Task_AssignExperts")


def _options(ctx) -> dict:
    return {choice.value: choice for choice in ctx.choices["review_experts"]}


def test_the_picker_marks_the_applications_guiding_expert_with_the_reason(world, guided_by_expert07):
    ctx = tasks.task_context(world.user("province"), _assignment(world, guided_by_expert07).id)
    options = _options(ctx)
    assert options["expert07"].refused == CONFLICT_ZH
    assert [value for value, option in options.items() if option.refused] == ["expert07"]


def test_the_server_refuses_a_guiding_expert_as_reviewer(world, guided_by_expert07):
    task = _assignment(world, guided_by_expert07)
    with pytest.raises(ValidationFailed) as refused:
        tasks.complete_task(world.user("province"), task.id, {"review_experts": ["expert05", "expert07"]})
    assert [(e.field, e.message) for e in refused.value.errors] == [("review_experts", CONFLICT_ZH)]
    tasks.complete_task(world.user("province"), task.id, {"review_experts": ["expert05", "expert06"]})


def test_a_guiding_expert_named_without_a_username_is_recognised_by_name_and_committee(world):
    instance = world.start("370102")
    data = world.declaration("370102", experts=("expert07",))
    data["experts"] = [
        {key: value for key, value in row.items() if key != "username"} for row in data["experts"]
    ]
    tasks.complete_task(world.user("370102"), world.task(instance, "Task_Declare").id, data)
    world.city_decides(instance, "forward")
    task = _assignment(world, instance)
    with pytest.raises(ValidationFailed):
        tasks.complete_task(world.user("province"), task.id, {"review_experts": ["expert07"]})


def test_the_api_refuses_a_guiding_expert_as_reviewer_and_changes_nothing(api, world, guided_by_expert07):
    task = _assignment(world, guided_by_expert07)
    before = rows_of("instances", "ready_tasks", "history_events")
    response = api.post(
        "province", f"/api/tasks/{task.id}/complete", {"data": {"review_experts": ["expert07"]}}
    )
    assert response.status_code == 422
    body = response.get_json()
    assert CONFLICT_ZH in str(body)
    assert rows_of("instances", "ready_tasks", "history_events") == before


def test_the_task_page_disables_the_guiding_expert_and_refuses_a_forged_post(
    client, world, guided_by_expert07
):
    task = _assignment(world, guided_by_expert07)
    login(client, "province")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    option = page[page.index('value="expert07"') : page.index("</label>", page.index('value="expert07"'))]
    assert "disabled" in option and CONFLICT_ZH in option

    forged = client.post(
        f"/tasks/{task.id}",
        data={"csrf_token": csrf_token(page), "action": "submit", "review_experts": ["expert05", "expert07"]},
    )
    assert forged.status_code == 422
    assert CONFLICT_ZH in forged.get_data(as_text=True)
    assert world.task(guided_by_expert07, "Task_AssignExperts") is not None


def test_the_picker_shows_open_reviews_and_past_reviews_of_the_same_applicant(world):
    """expert05 reviewed the first round of 历下区's application and has another review open."""
    mine = world.forward(world.start("370102"))
    world.review_round(mine, "improve", experts=("expert05", "expert06"))
    world.guide_and_revise(mine)
    other = world.forward(world.start("370203"))
    world.assign(other, "expert05", "expert08")

    options = _options(tasks.task_context(world.user("province"), _assignment(world, mine).id))
    assert options["expert05"].note == "在审 1 件 · 评审过本申报单位 1 次"
    assert options["expert06"].note == "在审 0 件 · 评审过本申报单位 1 次"
    assert options["expert08"].note == "在审 1 件 · 评审过本申报单位 0 次"
    assert options["expert07"].note == "在审 0 件 · 评审过本申报单位 0 次"


def test_the_english_message_names_the_expert(app, world, guided_by_expert07):
    from flask_babel import force_locale

    from app.forms.checks import guiding_expert_conflict

    with force_locale("en"):
        assert guiding_expert_conflict("expert07", {"guiding_experts": {"expert07": "孙宏伟"}}) == CONFLICT
