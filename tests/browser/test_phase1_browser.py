"""Phase 1 in a real browser: the county writes and submits, the city returns, the county reads why."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ReadyTask, User
from app.services.lifecycle import applications, calls, tasks

from ..conftest import DEADLINE
from .conftest import open_task, screenshot, sign_in, sign_out

pytestmark = pytest.mark.browser

SECTIONS = ["plan_background", "plan_theme_goals", "plan_measures", "plan_guarantees"]


def _prepare_application(app, world_data):
    """The province has opened a call; the county started and saved a draft of everything but the plan."""
    with app.app_context():
        province = db.session.scalar(select(User).where(User.username == "province"))
        county = db.session.scalar(select(User).where(User.username == "370102"))
        call = calls.open_call(province, "2026年度全省城乡社区治理实验区申报", 2026, DEADLINE)
        instance = applications.start_application(county, call.id)
        task = db.session.scalar(select(ReadyTask).where(ReadyTask.instance_id == instance.id))
        draft = {k: v for k, v in world_data.items() if k not in SECTIONS}
        tasks.save_draft(county, task.id, draft)
        return instance.id, task.id


def test_county_submits_city_returns_county_sees_comment(live_server, page, world):
    base, app = live_server
    data = world.declaration()
    instance_id, task_id = _prepare_application(app, data)

    sign_in(page, base, "370102")
    page.click(f"a[href='/tasks/{task_id}']")
    counter = page.locator("[data-doc-counter-text]")
    page.fill("textarea[name=plan_background]", "实验背景")
    page.wait_for_function(
        "() => document.querySelector('[data-doc-counter-text]').textContent.includes('4')"
    )
    assert "4" in counter.inner_text()
    for name in SECTIONS:
        page.fill(f"textarea[name={name}]", data[name])
    expected = sum(len("".join(data[n].split())) for n in SECTIONS)
    page.wait_for_function(
        "n => document.querySelector('[data-doc-counter-text]').textContent.includes(String(n))", arg=expected
    )
    screenshot(page, "phase1-county-plan")
    page.click("button[value=submit]")
    page.wait_for_url(f"{base}/applications/{instance_id}")
    assert "市级审核" in page.inner_text("body")
    sign_out(page)

    sign_in(page, base, "370100")
    inbox = page.locator("[data-testid=inbox]")
    assert "历下区" in inbox.inner_text()
    open_task(page, inbox.locator("a", has_text="市级审核"))
    page.check("input[name=city_decision][value=return]")
    page.click("button[value=submit]")
    page.wait_for_selector(".form-error, .field-error")  # a return needs comments (count() would not wait)
    page.fill("textarea[name=city_comments]", "请补充分期规划的时间节点。")
    page.click("button[value=submit]")
    page.wait_for_url(f"{base}/applications/{instance_id}")
    screenshot(page, "phase1-city-returned")
    sign_out(page)

    sign_in(page, base, "370102")
    open_task(page, page.locator("[data-testid=inbox] a", has_text="填写申报材料"))
    assert "请补充分期规划的时间节点。" in page.locator("[data-testid=opinion]").first.inner_text()
    assert page.input_value("textarea[name=plan_background]") == data["plan_background"]
    screenshot(page, "phase1-county-sees-comment")


def test_instance_page_highlights_the_diagram(live_server, page, world):
    base, app = live_server
    instance_id, _task_id = _prepare_application(app, world.declaration())
    sign_in(page, base, "province")
    page.goto(f"{base}/applications/{instance_id}")
    page.wait_for_selector("#diagram[data-loaded]")
    page.click(".diagram-tabs .tab[data-file='declaration.bpmn']")
    page.wait_for_selector("#diagram[data-loaded='declaration.bpmn']")
    page.wait_for_selector(".djs-element.current[data-element-id=Task_Declare]")
    screenshot(page, "phase1-instance")
