"""认领 in a real browser: two staff of 济南市; one claims the city's review, the other sees who holds
it and cannot complete it; the holder completes it and the history says who claimed and completed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.demo import driver
from app.extensions import db
from app.models import ReadyTask, User
from app.services.lifecycle import calls

from ..conftest import DEADLINE
from .conftest import ARTIFACTS, open_task, screenshot, sign_in

pytestmark = pytest.mark.browser


def _waiting_for_the_city(app) -> tuple[int, str]:
    with app.app_context():
        province = db.session.scalar(select(User).where(User.username == "province"))
        call = calls.open_call(province, "2026年度全省城乡社区治理实验区申报", 2026, DEADLINE)
        instance = driver.declare(driver.start("370102", call))
        task = db.session.scalar(
            select(ReadyTask).where(ReadyTask.instance_id == instance.id, ReadyTask.role == "city")
        )
        return instance.id, task.id


def test_one_member_claims_and_the_other_sees_the_holder_and_cannot_complete(live_server, browser, page):
    base, app = live_server
    instance_id, task_id = _waiting_for_the_city(app)

    sign_in(page, base, "370100-b")  # 刘洋
    row = page.locator("[data-testid=inbox] tr", has_text="市级审核")
    assert "未认领" in row.inner_text()
    row.locator("[data-testid=claim-button]").click()
    page.wait_for_url(f"{base}/inbox")
    assert "认领人：刘洋" in page.locator("[data-testid=inbox]").inner_text()
    screenshot(page, "claim-inbox-holder")

    other = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    try:
        phone = other.new_page()
        sign_in(phone, base, "370100-a")  # 张丽, the unit head
        phone.goto(f"{base}/tasks/{task_id}")
        assert "认领人：刘洋" in phone.locator("[data-testid=claim]").inner_text()
        assert "只有认领人（或其代理人）可以办理" in phone.locator("[data-testid=held-by-other]").inner_text()
        assert phone.locator("button[value=submit]").is_disabled()
        assert phone.locator("button[value=draft]").is_disabled()
        phone.locator("[data-testid=claim]").scroll_into_view_if_needed()
        ARTIFACTS.mkdir(exist_ok=True)  # the phone's screen where the holder shows, not the whole form
        phone.screenshot(path=str(ARTIFACTS / "claim-task-held-by-other-phone.png"))
    finally:
        other.close()

    page.goto(f"{base}/tasks/{task_id}")
    page.check("input[name=city_decision][value=forward]")
    page.click("button[value=submit]")
    page.wait_for_url(f"{base}/applications/{instance_id}")
    history = page.locator("[data-testid=history]").inner_text()
    assert "认领任务" in history and "刘洋" in history
    screenshot(page, "claim-history")


def test_a_member_going_on_leave_names_a_colleague_who_then_completes_on_their_behalf(live_server, page):
    base, app = live_server
    instance_id, task_id = _waiting_for_the_city(app)

    sign_in(page, base, "370100-b")  # 刘洋 claims the review, then goes on leave
    page.locator("[data-testid=inbox] tr", has_text="市级审核").locator("[data-testid=claim-button]").click()
    page.wait_for_url(f"{base}/inbox")
    page.click("[data-testid=delegations-link]")
    page.select_option("select[name=delegate]", "370100-a")
    page.fill("input[name=ends]", "2026-05-01")  # before the first day: refused, the choice kept
    page.click("[data-testid=delegation-form] button[type=submit]")
    assert "代理期限的结束日期早于开始日期。" in page.inner_text("body")
    assert page.input_value("select[name=delegate]") == "370100-a"
    page.fill("input[name=ends]", "2026-05-20")
    page.click("[data-testid=delegation-form] button[type=submit]")
    page.wait_for_url(f"{base}/inbox/delegations")
    assert "张丽" in page.locator("[data-testid=delegations]").inner_text()
    screenshot(page, "claim-delegation-page")
    page.click("text=退出")

    sign_in(page, base, "370100-a")  # 张丽 now acts for 刘洋
    row = page.locator("[data-testid=inbox] tr", has_text="市级审核")
    assert "您代其办理" in row.inner_text()
    open_task(page, row.locator("a", has_text="市级审核"))
    page.check("input[name=city_decision][value=forward]")
    page.click("button[value=submit]")
    page.wait_for_url(f"{base}/applications/{instance_id}")
    on_behalf = page.locator("[data-testid=on-behalf]").inner_text()
    assert on_behalf == "张丽（代刘洋办理）"
    screenshot(page, "claim-on-behalf-history")
