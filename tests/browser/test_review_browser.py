"""Phase 2 in a real browser: an expert sees only what is assigned to them and gives an opinion without
seeing the other expert's; the system signs it; the province sees every opinion and decides; the
applicant reads the province's summary, never an expert's name or opinion."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.demo import driver
from app.extensions import db
from app.models import User
from app.services.lifecycle import calls

from ..conftest import DEADLINE
from .conftest import open_task, screenshot, sign_in, sign_out

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
OPINION05 = "分期规划不够具体，经费来源不明。"
OPINION06 = "实验基础扎实，目标明确。"
SUMMARY = "专家组意见汇总：请细化分期目标，落实经费保障。"


def _two_applications_in_review(app) -> tuple[int, int]:
    with app.app_context():
        province = db.session.scalar(select(User).where(User.username == "province"))
        call = calls.open_call(province, "2026年度全省城乡社区治理实验区申报", 2026, DEADLINE)
        mine = driver.forward(driver.start("370102", call))
        other = driver.forward(driver.start("370203", call))
        driver.assign(mine, "expert05", "expert06")
        driver.assign(other, "expert07")
        driver.opine(mine, "expert05", "improve", OPINION05)
        return mine.id, other.id


def _both_views(page, name: str) -> None:
    """A screenshot on the desktop and on a 390×844 phone, back to the desktop after."""
    screenshot(page, name)
    desktop = page.viewport_size
    page.set_viewport_size(PHONE)
    screenshot(page, f"{name}-phone")
    page.set_viewport_size(desktop)


def test_experts_review_independently_and_the_applicant_reads_only_the_summary(live_server, page):
    base, app = live_server
    mine, other = _two_applications_in_review(app)

    sign_in(page, base, "expert06")
    inbox = page.locator("[data-testid=inbox]")
    assert inbox.locator("tbody tr").count() == 1
    assert "济南市历下区" in inbox.inner_text()
    page.goto(f"{base}/applications")
    listed = page.locator("[data-testid=applications]").inner_text()
    assert "历下区" in listed and "市北区" not in listed
    assert page.goto(f"{base}/applications/{other}").status == 404
    page.goto(f"{base}/inbox")
    open_task(page, page.locator("[data-testid=inbox] a", has_text="专家评审"))
    side = page.locator(".task-side").inner_text()
    assert OPINION05 not in side and "陈志强" not in side, "expert05's opinion stays unseen"
    assert "保密" in page.locator("[data-testid=opinions-withheld]").inner_text()
    assert page.locator("input[name=opinion_signature]").count() == 0, "the system signs, nobody types"
    page.check("input[name=opinion][value=improve]")
    page.fill("textarea[name=opinion_comments]", OPINION06)
    _both_views(page, "phase2-expert-opinion")
    page.click("button[value=submit]")
    page.wait_for_url(f"{base}/applications/{mine}")
    history = page.locator("[data-testid=history]").inner_text()
    assert OPINION06 in history and OPINION05 not in history
    assert "赵敏" in page.locator("[data-testid=history] [data-testid=signature]").inner_text()
    sign_out(page)

    sign_in(page, base, "province")
    open_task(page, page.locator("[data-testid=inbox] a", has_text="汇总专家意见"))
    opinions = " ".join(page.locator("[data-testid=opinion]").all_inner_texts())
    assert OPINION05 in opinions and OPINION06 in opinions
    assert "陈志强" in opinions and "赵敏" in opinions
    page.check("input[name=review_result][value=improve]")
    page.fill("textarea[name=review_comments]", SUMMARY)
    _both_views(page, "phase2-province-decision")
    page.click("button[value=submit]")
    page.wait_for_url(f"{base}/applications/{mine}")
    sign_out(page)

    sign_in(page, base, "370102")
    page.goto(f"{base}/applications/{mine}")
    body = page.locator("main").inner_text()
    assert SUMMARY in body and "待完善" in body
    for secret in ("陈志强", "赵敏", OPINION05, OPINION06):
        assert secret not in body
    assert page.locator("[data-testid=withheld]").count() == 2
    _both_views(page, "phase2-applicant-history")
    page.goto(f"{base}/applications/{mine}/form")
    review_block = page.locator("[data-testid=form-review-opinion]").inner_text()
    assert SUMMARY in review_block and "专家组" in review_block and "陈志强" not in review_block
    _both_views(page, "phase2-applicant-form")


def test_the_province_cannot_tick_a_guiding_expert_as_reviewer(live_server, page):
    base, app = live_server
    with app.app_context():
        province = db.session.scalar(select(User).where(User.username == "province"))
        call = calls.open_call(province, "2026年度全省城乡社区治理实验区申报", 2026, DEADLINE)
        instance_id = driver.forward(driver.start("370102", call), experts=("expert01", "expert07")).id
        other = driver.forward(driver.start("370203", call))
        driver.assign(other, "expert05")

    sign_in(page, base, "province")
    open_task(page, page.locator("[data-testid=inbox] a", has_text="指派评审专家").first)
    assert f"#{instance_id}" in page.locator("h1 + p").inner_text()
    guiding = page.locator("label.form-choice", has=page.locator("input[value=expert07]"))
    assert page.locator("input[name=review_experts][value=expert07]").is_disabled()
    assert "利益冲突" in guiding.inner_text()
    assert (
        "在审 1 件"
        in page.locator("label.form-choice", has=page.locator("input[value=expert05]")).inner_text()
    )
    _both_views(page, "phase2-assign-experts")
