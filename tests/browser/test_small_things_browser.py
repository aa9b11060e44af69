"""Small things people saw: the conditional asterisk, typed line breaks, the history's columns and
the replay's diagram filling its space."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from app.demo import driver
from app.extensions import db
from app.models import User
from app.services.lifecycle import calls

from ..conftest import DEADLINE
from .conftest import ARTIFACTS, screenshot, sign_in

pytestmark = pytest.mark.browser

COMMENTS = "第一条：补充分期目标。\n第二条：写明经费来源。"


def _declared(app, *, returned: bool = False) -> tuple[int, str]:
    """A declared application (returned once by its city, with a two-line comment, if asked), and the
    id of the task now waiting (the city's review, or the applicant's revision)."""
    with app.app_context():
        province = db.session.scalar(select(User).where(User.username == "province"))
        call = calls.open_call(province, "2026年度全省城乡社区治理实验区申报", 2026, DEADLINE)
        instance = driver.declare(driver.start("370102", call))
        if returned:
            instance = driver.city_decides(instance, "return", COMMENTS)
            return instance.id, driver.task_with_form(instance, "declaration.json").id
        return instance.id, driver.task_with_form(instance, "city_review.json").id


def _keep(name: str) -> None:
    shutil.copy(ARTIFACTS / f"{name}.png", f"/tmp/{name}.png")


def _line_boxes(page, selector: str) -> int:
    """How many lines the browser laid the element's text out on."""
    return page.eval_on_selector(
        selector,
        "el => { const r = document.createRange(); r.selectNodeContents(el);"
        " return new Set(Array.from(r.getClientRects()).map(b => Math.round(b.top))).size; }",
    )


def test_the_comments_asterisk_follows_the_city_decision_live_and_after_a_refusal(live_server, page):
    base, app = live_server
    _, task_id = _declared(app)
    sign_in(page, base, "370100")
    page.goto(f"{base}/tasks/{task_id}")
    asterisk = page.locator("#field-city_comments .form-required")
    assert asterisk.is_hidden()
    page.check("input[name=city_decision][value=return]")
    assert asterisk.is_visible()
    assert page.get_attribute("#input-city_comments", "aria-required") == "true"
    page.check("input[name=city_decision][value=forward]")
    assert asterisk.is_hidden()
    page.check("input[name=city_decision][value=return]")
    page.click("button[name=action][value=submit]")  # no comments: the server refuses
    page.wait_for_selector("#form-error-summary")
    assert page.locator("#field-city_comments .form-required").is_visible()
    assert page.is_checked("input[name=city_decision][value=return]")
    screenshot(page, "small-city-return-asterisk")
    _keep("small-city-return-asterisk")


def test_typed_line_breaks_are_kept_and_the_history_time_does_not_wrap(live_server, page):
    base, app = live_server
    instance_id, task_id = _declared(app, returned=True)
    sign_in(page, base, "370102")
    page.goto(f"{base}/tasks/{task_id}")
    opinion = page.locator("[data-testid=opinion] .user-text", has_text="第一条")
    assert opinion.inner_text() == COMMENTS
    assert page.locator("[data-testid=opinion]").count() == 1, "the county's declaration is no opinion"

    page.goto(f"{base}/applications/{instance_id}")
    cell = page.locator("[data-testid=history] td.details .user-text", has_text="第一条")
    assert cell.inner_text() == COMMENTS
    assert _line_boxes(page, "[data-testid=history] tbody tr td.nowrap") == 1
    screenshot(page, "small-history")
    _keep("small-history")
    page.set_viewport_size({"width": 390, "height": 844})
    assert cell.inner_text() == COMMENTS
    screenshot(page, "small-history-phone")
    _keep("small-history-phone")


def _assert_fills(page, holder: str) -> None:
    page.wait_for_selector(f"{holder}[data-loaded] .djs-element")
    box = page.locator(holder).bounding_box()
    drawn = page.locator(f"{holder} svg .viewport").bounding_box()
    assert drawn["width"] / box["width"] > 0.8 and drawn["height"] / box["height"] > 0.7, (drawn, box)


def test_the_diagrams_fill_their_box_on_the_replay_and_the_application_page(live_server, page):
    base, app = live_server
    instance_id, _ = _declared(app)
    sign_in(page, base, "auditor")
    page.goto(f"{base}/audit/instances/{instance_id}/replay")
    _assert_fills(page, "#replay-diagram")
    screenshot(page, "small-replay")
    _keep("small-replay")
    page.click(".diagram-tabs .tab:has-text('自主申报')")
    page.wait_for_selector("#replay-diagram[data-loaded='declaration.bpmn']")
    _assert_fills(page, "#replay-diagram")
    page.goto(f"{base}/applications/{instance_id}")
    _assert_fills(page, "#diagram")


def test_the_security_log_reads_as_text_and_pages(live_server, page):
    base, app = live_server
    with app.app_context():
        from app.services.audit import security_log

        for n in range(60):
            security_log.record("sign_in_failed", username=f"guess-{n}")
            security_log.record_refusal("refused_not_found", message="未找到该申报，或不在您的权限范围内。")
            security_log.record(
                "export", what="events_xlsx", rows=n, filters={"city": "370100", "actor": "auditor"}
            )
    sign_in(page, base, "auditor")
    page.goto(f"{base}/audit/security")
    assert page.locator("[data-testid=security-event]").count() == 50
    details = page.locator("[data-testid=security-log]").inner_text()
    assert "\\u" not in details and "{" not in details
    assert "导出内容：历史事件（Excel）" in details
    assert page.evaluate("document.documentElement.scrollHeight") < 8000
    screenshot(page, "small-security-log")
    _keep("small-security-log")
    page.click("[data-testid=next-page]")
    page.wait_for_selector("[data-testid=first-page]")
    assert page.locator("[data-testid=security-event]").count() >= 1
