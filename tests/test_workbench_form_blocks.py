"""The workbench warns before a deploy leaves a block of the printed 申报表 without a task to fill it."""

from __future__ import annotations

import re

import pytest

from app.services.workbench import drafts as workbench

BLOCK = re.compile(r'\s*<spiffworkflow:property name="applicationFormBlock" value="[^"]*" />')


@pytest.fixture
def owner(world):
    return world.user("owner")


@pytest.fixture
def draft(owner):
    return workbench.create_draft(owner, "申报表栏目")


def _block_problems(problems) -> set[tuple[str, str | None]]:
    return {(p.rule, p.element_id) for p in problems if p.rule.startswith("form-block")}


def test_the_repository_diagrams_fill_every_block_of_the_application_form(draft):
    assert _block_problems(workbench.check(draft)) == set()


def test_a_deploy_that_leaves_the_assessment_block_to_no_task_is_warned_about_by_name(owner, draft):
    assessment = BLOCK.sub("", draft.bpmn_files["assessment.bpmn"])

    problems = workbench.save_file(owner, draft.id, "assessment.bpmn", assessment)

    unfilled = [p for p in problems if p.rule == "form-block-filled"]
    assert len(unfilled) == 1
    assert unfilled[0].severity == "warning" and unfilled[0].element_id is None
    assert unfilled[0].message == "没有任务填写申报表的“省民政厅评估意见”栏：打印时该栏将为空白。"
    assert workbench.errors_of(problems) == [], "a warning: the owner may still deploy"


def test_a_renamed_task_that_keeps_its_block_fills_it(owner, draft):
    recommendation = draft.bpmn_files["recommendation.bpmn"].replace(
        "Task_CityRecommendation", "Task_CityRecommends"
    )

    problems = workbench.save_file(owner, draft.id, "recommendation.bpmn", recommendation)

    assert _block_problems(problems) == set()


def test_a_block_the_form_does_not_have_is_named(owner, draft):
    recommendation = draft.bpmn_files["recommendation.bpmn"].replace(
        'name="applicationFormBlock" value="city_opinion"', 'name="applicationFormBlock" value="city"'
    )

    problems = workbench.save_file(owner, draft.id, "recommendation.bpmn", recommendation)

    assert _block_problems(problems) == {("form-block-known", "Task_CityRecommendation")}
    known = next(p for p in problems if p.rule == "form-block-known")
    assert "city" in known.message and "city_opinion" in known.message


def test_a_task_whose_form_cannot_fill_its_block_is_flagged(owner, draft):
    review = draft.bpmn_files["review.bpmn"].replace(
        '<spiffworkflow:property name="formJsonSchemaFilename" value="city_guidance.json" />',
        '<spiffworkflow:property name="formJsonSchemaFilename" value="city_guidance.json" />'
        '<spiffworkflow:property name="applicationFormBlock" value="province_opinion" />',
    )

    problems = workbench.save_file(owner, draft.id, "review.bpmn", review)

    assert _block_problems(problems) == {("form-block-fields", "Task_CityGuidance")}
    flagged = next(p for p in problems if p.rule == "form-block-fields")
    assert flagged.file == "review.bpmn"
    assert "city_guidance.json" in flagged.message and "省民政厅评估意见" in flagged.message
