"""The auditor steps through an application's history; the diagram follows each step."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.demo import driver
from app.extensions import db
from app.models import User
from app.services.lifecycle import calls

from ..conftest import DEADLINE
from .conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def _rich_instance(app) -> int:
    with app.app_context():
        province = db.session.scalar(select(User).where(User.username == "province"))
        call = calls.open_call(province, "2026年度全省城乡社区治理实验区申报", 2026, DEADLINE)
        return driver.through_every_kind_of_step(driver.start("370102", call)).id


def _done_count(page) -> int:
    return page.locator("#replay-diagram .djs-element.done").count()


def test_the_auditor_steps_through_and_sees_the_diagram_change(live_server, page):
    base, app = live_server
    instance_id = _rich_instance(app)
    sign_in(page, base, "auditor")
    page.goto(f"{base}/audit/instances/{instance_id}/replay")
    page.wait_for_selector("#replay-diagram[data-loaded] .djs-element")
    position = page.locator("[data-testid=replay-position]")
    total = page.locator(".replay-timeline button").count()
    assert position.inner_text() == f"第 {total} 步，共 {total} 步"

    page.click(".diagram-tabs .tab:has-text('自主申报')")
    page.wait_for_selector("#replay-diagram[data-loaded='declaration.bpmn'] .djs-element")
    page.keyboard.press("Home")
    assert position.inner_text() == f"第 1 步，共 {total} 步"
    seen = [_done_count(page)]
    for _ in range(3):
        page.keyboard.press("ArrowRight")
        seen.append(_done_count(page))
    assert position.inner_text() == f"第 4 步，共 {total} 步"
    assert seen[-1] > seen[0], f"the diagram shows more done at later steps: {seen}"
    page.click("[data-step=prev]")
    assert position.inner_text() == f"第 3 步，共 {total} 步"
    assert (
        "重新执行得到的状态与本步存储的状态一致" in page.locator("[data-testid=replay-details]").inner_text()
    )

    # At the last step Task_Declare shows that it was visited twice.
    page.click("[data-step=last]")
    page.wait_for_selector("#replay-diagram [data-testid=visit-count]")
    assert "2" in page.locator("[data-testid=visit-count]").first.inner_text()
    # Jump to a step from the timeline: the extension request, with its submitted data.
    page.click(".replay-timeline button:has-text('提出延期申请')")
    details = page.locator("[data-testid=replay-details]").inner_text()
    assert "新的实验期结束日期" in details and "2029-02-28" in details
    page.click(".replay-form summary")
    shown = page.locator(".replay-form [data-field=form]")
    assert "延期理由" in shown.inner_text(), "the submission in the form as it looked then"
    screenshot(page, "audit-replay")
