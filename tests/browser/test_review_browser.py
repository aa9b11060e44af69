"""Phase 2 in a real browser: an expert sees only what is assigned to them and gives an opinion;
the province sees the collected opinions on its decision task."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.demo import driver
from app.extensions import db
from app.models import User
from app.services.lifecycle import calls

from ..conftest import DEADLINE
from .conftest import screenshot, sign_in, sign_out

pytestmark = pytest.mark.browser


def _two_applications_in_review(app) -> tuple[int, int]:
    with app.app_context():
        province = db.session.scalar(select(User).where(User.username == "province"))
        call = calls.open_call(province, "2026年度全省城乡社区治理实验区申报", 2026, DEADLINE)
        mine = driver.forward(driver.start("370102", call))
        other = driver.forward(driver.start("370203", call))
        driver.assign(mine, "expert05", "expert06")
        driver.assign(other, "expert07")
        driver.opine(mine, "expert05", "improve", "分期规划不够具体")
        return mine.id, other.id


def test_expert_gives_an_opinion_and_the_province_sees_them_all(live_server, page):
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
    page.locator("[data-testid=inbox] a", has_text="专家评审").click()
    page.check("input[name=opinion][value=pass]")
    page.fill("textarea[name=opinion_comments]", "实验基础扎实，目标明确。")
    page.fill("input[name=opinion_signature]", "赵敏")
    screenshot(page, "phase2-expert-opinion")
    page.click("button[value=submit]")
    page.wait_for_url(f"{base}/applications/{mine}")
    sign_out(page)

    sign_in(page, base, "province")
    page.locator("[data-testid=inbox] a", has_text="汇总专家意见").click()
    opinions = " ".join(page.locator("[data-testid=opinion]").all_inner_texts())
    assert "分期规划不够具体" in opinions
    assert "实验基础扎实，目标明确。" in opinions
    screenshot(page, "phase2-province-decision")
