"""Knowing where everything stands, in a real browser: the applicant withdraws while its city has not
acted and sees 已撤回; a returned declaration says 已退回 with the city's comment; 已办 lists the city's
decisions; 办理进度 names who holds an application; the province assigns the same experts to several
applications at once and the applicant learns only how many experts have answered."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.demo import driver
from app.extensions import db
from app.models import Instance, User
from app.services.lifecycle import calls

from ..conftest import DEADLINE
from .conftest import screenshot, sign_in, sign_out

pytestmark = pytest.mark.browser

RETURN_COMMENT = "请补充经费保障的来源和分年度安排。"
WITHDRAW_REASON = "发现经费测算有误，修改后重新提交。"


PHONE = {"width": 390, "height": 844}


def _both_views(page, name: str) -> None:
    """A screenshot on the desktop and on a 390×844 phone, back to the desktop after."""
    screenshot(page, name)
    desktop = page.viewport_size
    page.set_viewport_size(PHONE)
    screenshot(page, f"{name}-phone")
    page.set_viewport_size(desktop)


def _call(app):
    province = db.session.scalar(select(User).where(User.username == "province"))
    return calls.open_call(province, "2026年度全省城乡社区治理实验区申报", 2026, DEADLINE)


def _declared_and_returned(app) -> tuple[int, int]:
    """370102 declared (waiting for its city); 370103 declared and returned with a comment."""
    with app.app_context():
        call = _call(app)
        waiting = driver.declare(driver.start("370102", call))
        returned = driver.declare(driver.start("370103", call))
        driver.city_decides(returned, "return", RETURN_COMMENT)
        return waiting.id, returned.id


def test_withdraw_returned_done_and_progress(live_server, page):
    base, app = live_server
    waiting, returned = _declared_and_returned(app)

    sign_in(page, base, "370102")
    page.goto(f"{base}/applications/{waiting}")
    holding = page.locator("[data-testid=holding]")
    assert "市级审核" in holding.inner_text() and "济南市" in holding.inner_text()
    screenshot(page, "progress-applicant-waiting")
    page.locator("[data-testid=instance-actions] a", has_text="撤回申报").click()
    page.click("button[type=submit].primary")  # no reason given: refused, nothing withdrawn
    page.wait_for_selector(".form-error, .field-error")  # the refused page, once it has loaded
    screenshot(page, "withdraw-refused-without-reason")
    page.fill("textarea[name=withdrawal_comments]", WITHDRAW_REASON)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/applications/{waiting}")
    assert "填写申报材料" in page.locator("[data-testid=holding]").inner_text()
    assert WITHDRAW_REASON in page.locator("[data-testid=history]").inner_text()
    page.goto(f"{base}/inbox")
    mark = page.locator("[data-testid=returned]")
    assert "已撤回" in mark.inner_text() and WITHDRAW_REASON in mark.inner_text()
    screenshot(page, "progress-applicant-withdrawn")
    sign_out(page)

    sign_in(page, base, "370100")
    assert "历下区" not in page.locator("body").inner_text(), "the city's task is gone"
    page.locator("[data-testid=inbox-tabs] a", has_text="已办").click()
    done = page.locator("[data-testid=done]")
    assert "市级审核" in done.inner_text() and RETURN_COMMENT in done.inner_text()
    _both_views(page, "progress-city-done")
    sign_out(page)

    sign_in(page, base, "370103")
    mark = page.locator("[data-testid=returned]")
    assert "已退回" in mark.inner_text() and RETURN_COMMENT in mark.inner_text()
    screenshot(page, "progress-applicant-returned")


def _forwarded(app) -> tuple[int, int]:
    with app.app_context():
        call = _call(app)
        first = driver.forward(driver.start("370102", call))
        second = driver.forward(driver.start("370203", call))
        return first.id, second.id


def test_the_province_assigns_experts_to_several_applications_at_once(live_server, page):
    base, app = live_server
    first, second = _forwarded(app)

    sign_in(page, base, "province")
    page.locator("[data-testid=batch-tab]").click()
    group = page.locator("[data-testid=batch-group]").first
    for checkbox in group.locator("input[name=task_id]").all():
        checkbox.check()
    group.locator("input[name=review_experts][value=expert05]").check()
    group.locator("input[name=review_experts][value=expert06]").check()
    _both_views(page, "batch-assign")
    group.locator("button[type=submit]").click()
    page.wait_for_url(f"{base}/inbox/batch")
    assert "已为 2 件申报办理" in page.locator(".flash").first.inner_text()
    page.goto(f"{base}/applications/{first}")
    members = page.locator("[data-testid=panel-members]").inner_text()
    assert "未提交" in members and "0/2" in page.locator("[data-testid=panel-count]").inner_text()
    screenshot(page, "progress-province-panel")
    sign_out(page)

    with app.app_context():
        driver.opine(db.session.get(Instance, second), "expert05", "pass")
    sign_in(page, base, "370203")
    page.goto(f"{base}/applications/{second}")
    assert "1/2 位专家已提交" in page.locator("[data-testid=panel]").inner_text()
    assert page.locator("[data-testid=panel-members]").count() == 0, "no names for the applicant"
    screenshot(page, "progress-applicant-panel")
