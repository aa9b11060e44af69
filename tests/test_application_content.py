"""Reviewers read what they judge: the declaration in the version a task is about, what changed since
the round before with the opinions that asked for it, and what else the zone submitted."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.demo import driver
from app.extensions import db
from app.forms import PLAN_MIN_CHARS
from app.services.errors import NotFound
from app.services.reading.application_content import (
    application_content,
    content_for_task,
    judges_application,
)


def _plan(content):
    (plan,) = content.shown.submission.documents
    return plan


def test_the_city_reads_the_declaration_on_its_review_task(world):
    instance = world.start()
    world.declare(instance, lead_name="赵丽")

    content = content_for_task(world.task(instance, "Task_CityReview"), world.user("370100"))

    assert [v.number for v in content.versions] == [1]
    plan = _plan(content)
    assert plan.title == "实验方案"
    assert [s.heading for s in plan.sections] == [
        "一、实验背景",
        "二、实验主题和实验目标",
        "三、实验举措",
        "四、实验保障",
    ]
    assert plan.minimum == PLAN_MIN_CHARS and plan.characters >= PLAN_MIN_CHARS
    entries = {e.name: e for e in content.shown.submission.entries}
    assert entries["lead_name"].text == "赵丽"
    assert entries["kind"].text == "城市社区治理实验区"  # the option's label, not its code
    experts = entries["experts"]
    assert experts.columns[:2] == ["姓名", "所属专家委员会"]
    assert experts.rows[0][:2] == ["王建国", "全国基层政权和社区建设专家委员会"]
    assert content.revision is None


def test_a_section_counts_its_characters_as_r1_does_white_space_not_counted(world):
    instance = world.start()
    text = driver.declaration()["plan_background"]
    world.declare(instance, plan_background="　第一段 有空格\t和制表符。\n\n" + text)

    (background, *_) = _plan(
        content_for_task(world.task(instance, "Task_CityReview"), world.user("370100"))
    ).sections

    assert background.characters == len("第一段有空格和制表符。") + len("".join(text.split()))
    assert background.paragraphs[0] == "第一段 有空格\t和制表符。"


def test_the_second_round_reads_the_revision_against_the_first_with_the_opinions_that_asked_for_it(world):
    instance = world.start()
    world.forward(instance)
    world.assign(instance, "expert05")
    driver.opine(instance, "expert05", "improve", "第三部分分期目标不具体。")
    world.decide(instance, "improve", "汇总意见：请细化分期目标。")
    driver.guide(instance, "请按专家意见补充分期目标。")
    first = driver.declaration()["plan_measures"]
    revised = first.replace("第一阶段（启动部署）", "第一阶段（2026年9月至12月，启动部署）", 1)
    world.declare(instance, plan_measures=revised, lead_name="钱进")
    world.assign(instance, "expert06")

    content = content_for_task(world.opinion_task(instance, "expert06"), world.user("expert06"))

    assert content.shown.number == 2
    revision = content.revision
    assert (revision.earlier.number, revision.later.number) == (1, 2)
    changed = {s.name: s.diff for s in revision.comparison.sections if s.diff.changed}
    assert list(changed) == ["plan_measures"]
    inserted = [s.text for s in changed["plan_measures"].segments if s.kind == "inserted"]
    assert inserted == ["2026年9月至12月，"]
    assert [(f.label, f.before, f.after) for f in revision.comparison.fields] == [
        ("业务负责人姓名", "张明", "钱进")
    ]
    said = [(line.label, line.value) for opinion in revision.opinions for line in opinion.lines]
    assert ("汇总意见", "汇总意见：请细化分期目标。") in said
    assert ("修改指导意见", "请按专家意见补充分期目标。") in said
    assert all("第三部分分期目标不具体。" not in value for _label, value in said), "no expert's own words"


def test_a_task_reads_the_version_submitted_before_it_became_ready(world):
    instance = world.start()
    world.forward(instance)
    world.assign(instance, "expert05")
    first_round = world.opinion_task(instance, "expert05")
    db.session.expunge(first_round)
    world.clock.advance(timedelta(days=1))
    driver.opine(instance, "expert05", "improve")
    world.decide(instance, "improve")
    world.clock.advance(timedelta(days=1))
    world.guide_and_revise(instance, lead_name="钱进")

    then = content_for_task(first_round, world.user("expert05"))
    now = application_content(world.user("province"), instance.id)

    assert [v.number for v in then.versions] == [1] and then.revision is None
    assert {e.name: e.text for e in then.shown.submission.entries}["lead_name"] == "张明"
    assert now.shown.number == 2 and now.revision is not None
    earlier = application_content(world.user("province"), instance.id, version=1)
    assert earlier.shown.number == 1 and earlier.revision is None


def test_a_version_the_application_does_not_have_is_not_found(world):
    instance = world.start()
    world.declare(instance)
    with pytest.raises(NotFound):
        application_content(world.user("province"), instance.id, version=2)


def test_the_applicant_edits_its_own_tasks_the_reviewing_roles_judge_theirs(world):
    instance = world.start()
    assert not judges_application(world.task(instance, "Task_Declare"))
    world.forward(instance)
    world.assign(instance, "expert05")
    assert judges_application(world.opinion_task(instance, "expert05"))


def test_the_city_and_the_province_read_what_the_zone_submitted(world):
    zone = world.recognised_zone()
    driver.annual_plan(zone)
    driver.request_change(zone, "content")

    city_task = driver.task_with_form(zone, "request_city_opinion.json")
    on_task = content_for_task(city_task, world.user("370100"))
    province = application_content(world.user("province"), zone.id)

    newest = on_task.documents[0]
    assert newest.step == "提出变更申请"
    assert {e.label: e.text for e in newest.entries}["变更类型"] == "内容变更"
    steps = [d.step for d in province.documents]
    assert steps == ["提出变更申请", "报送年度实验计划", "正式报送申报表和实验方案"]
    (annual_plan,) = province.documents[1].documents
    assert annual_plan.sections[0].text.startswith("本实验年度围绕实验主题推进重点任务")
    files = {f.field_label: f for f in province.files}
    scan = files["申报表（盖章扫描件）"]
    assert scan.opens_inline and scan.kind == "PDF"
    assert scan.uploaded_by == "济南市历下区民政局" and scan.size == len(driver.DEMO_PDF)
