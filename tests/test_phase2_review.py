"""Phase 2, the preliminary review (方案初审): experts, the province's decision, the second round, R4."""

from __future__ import annotations

import pytest

from app.services.errors import NotFound, ValidationFailed
from app.services.lifecycle import tasks
from app.services.reading import history_view, queries
from app.services.reading.search import search_applications


@pytest.fixture
def forwarded(world):
    instance = world.start("370102")
    return world.forward(instance)


def test_forwarded_application_waits_for_the_province_to_assign_experts(world, forwarded):
    instance = world.reload(forwarded)
    assert instance.status == "running"
    assert instance.phase == "方案初审"
    assert [t.element_id for t in queries.ready_tasks_for(world.user("province"))] == ["Task_AssignExperts"]


def test_each_assigned_expert_gets_a_task_and_sees_only_assigned_applications(world, forwarded):
    other = world.forward(world.start("370203"))
    world.assign(forwarded, "expert05", "expert06")
    world.assign(other, "expert07")
    for expert in ("expert05", "expert06"):
        mine = queries.ready_tasks_for(world.user(expert))
        assert [(t.element_id, t.instance_id) for t in mine] == [("Task_ExpertOpinion", forwarded.id)]
        assert [i.id for i in search_applications(world.user(expert)).items] == [forwarded.id]
    assert queries.ready_tasks_for(world.user("expert08")) == []
    assert search_applications(world.user("expert08")).items == []
    with pytest.raises(NotFound):
        tasks.task_context(world.user("expert05"), world.opinion_task(forwarded, "expert06").id)


def test_only_review_experts_can_be_assigned(world, forwarded):
    task = world.task(forwarded, "Task_AssignExperts")
    with pytest.raises(ValidationFailed) as raised:
        tasks.complete_task(world.user("province"), task.id, {"review_experts": ["expert01", "370102"]})
    assert raised.value.errors[0].field == "review_experts"
    with pytest.raises(ValidationFailed):
        tasks.complete_task(world.user("province"), task.id, {"review_experts": []})


def test_pass_first_time_goes_on_to_the_recommendation(world, forwarded):
    world.review_round(forwarded, "pass")
    instance = world.reload(forwarded)
    assert instance.status == "running"
    assert instance.phase == "逐级推荐"
    assert world.task(forwarded, "Task_FormalSubmission") is not None


def test_needs_improvement_once_then_pass(world, forwarded):
    world.review_round(forwarded, "improve")
    assert world.task(forwarded, "Task_CityGuidance") is not None
    world.guide_and_revise(forwarded)
    world.review_round(forwarded, "pass", experts=("expert07",))
    assert world.reload(forwarded).phase == "逐级推荐"


def test_the_province_sees_the_collected_opinions_on_its_decision(world, forwarded):
    world.assign(forwarded, "expert05", "expert06")
    world.opine(forwarded, "expert05", "improve", "分期规划不够具体")
    world.opine(forwarded, "expert06", "pass", "基础扎实")
    ctx = tasks.task_context(world.user("province"), world.task(forwarded, "Task_ReviewDecision").id)
    panel = history_view.opinions(ctx.instance, world.user("province"))
    lines = [line for view in panel.shown for line in view.lines]
    assert ("具体意见", "分期规划不够具体") in lines
    assert ("具体意见", "基础扎实") in lines
    assert ("评审意见", "待完善") in lines and ("评审意见", "通过") in lines


def test_second_failed_review_bars_the_theme(world, forwarded):
    world.review_round(forwarded, "improve")
    world.guide_and_revise(forwarded)
    world.review_round(forwarded, "improve")
    failed = world.reload(forwarded)
    assert failed.status == "completed"
    assert failed.outcome == "review_failed"

    again = world.start("370102")
    with pytest.raises(ValidationFailed) as raised:
        world.declare(again)  # the same reference theme as before
    message = {e.field: e.message for e in raised.value.errors}["theme_code"]
    assert "两次" in message and "不得再以原有实验主题参与申报" in message
    world.declare(again, theme=1)  # another theme is allowed

    other_applicant = world.start("370203")
    world.declare(other_applicant)  # another applicant with that theme is allowed


def test_r4_a_barred_reference_theme_typed_as_the_applicants_own_theme_is_refused(world, forwarded):
    """不得再以原有实验主题参与申报: the theme's words count, not how it was picked or punctuated."""
    from app.reference import load_themes

    world.review_round(forwarded, "improve")
    world.guide_and_revise(forwarded)
    world.review_round(forwarded, "improve")
    barred = load_themes()[0].title

    again = world.start("370102")
    for typed in (barred, f" {barred[:4]} {barred[4:]}。", f"“{barred}”"):
        with pytest.raises(ValidationFailed) as raised:
            world.declare(again, theme_source="own", theme_code=None, theme_title=typed)
        message = {e.field: e.message for e in raised.value.errors}["theme_title"]
        assert "不得再以原有实验主题参与申报" in message, typed
    world.declare(again, theme_source="own", theme_code=None, theme_title=f"{barred}的数字化路径")


def test_a_process_owner_allows_three_rounds_without_touching_python(app, world):
    """The round limit lives in the diagram: a new version with 3 rounds applies to new applications;
    a running application keeps the 2 rounds of the version it started on."""
    from app.services.store.deployment import deploy, latest_version

    running = world.start("370102")
    current = latest_version(app.config["PROCESS_KEY"])
    three_rounds = dict(current.bpmn_files)
    three_rounds["review.bpmn"] = (
        three_rounds["review.bpmn"]
        .replace("review_round &lt; 2", "review_round &lt; 3")
        .replace("review_round &gt;= 2", "review_round &gt;= 3")
    )
    assert three_rounds["review.bpmn"].count("review_round &lt; 3") == 1
    deploy(current.process_key, current.main_process_id, three_rounds, current.form_files, note="三轮评审")
    fresh = world.start("370203")

    for instance in (running, fresh):
        world.forward(instance)
        world.review_round(instance, "improve")
        world.guide_and_revise(instance)
        world.review_round(instance, "improve")
    assert world.reload(running).outcome == "review_failed"
    fresh = world.reload(fresh)
    assert fresh.status == "running"
    assert world.task(fresh, "Task_CityGuidance") is not None, "a third round is open"
    world.guide_and_revise(fresh)
    world.review_round(fresh, "improve")
    assert world.reload(fresh).outcome == "review_failed"


def test_the_applicants_own_submission_is_not_listed_as_an_opinion(world, forwarded):
    world.assign(forwarded, "expert05")
    world.opine(forwarded, "expert05", "pass", "基础扎实")
    ctx = tasks.task_context(world.user("province"), world.task(forwarded, "Task_ReviewDecision").id)
    panel = history_view.opinions(ctx.instance, world.user("province"))
    assert [view.role for view in panel.shown] == ["review_expert", "city"]
    assert all(label != "实验区类型" for view in panel.shown for label, _ in view.lines)
