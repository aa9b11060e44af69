"""The process owner in a real browser: the form editor's live preview, the regression report and deploy."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.demo import driver
from app.extensions import db
from app.models import Call, Instance, User
from app.services.lifecycle import calls
from app.services.workbench import drafts as workbench

from ..conftest import DEADLINE
from .conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def _draft_with_a_history(app) -> tuple[int, int]:
    """An application that failed its review twice, and a draft that allows three rounds."""
    with app.app_context():
        province = db.session.scalar(select(User).where(User.username == "province"))
        call = calls.open_call(province, "2026年度全省城乡社区治理实验区申报", 2026, DEADLINE)
        failed = driver.forward(driver.start("370102", call))
        driver.review_round(failed, "improve")
        driver.guide_and_revise(failed)
        driver.review_round(failed, "improve")
        owner = db.session.scalar(select(User).where(User.username == "owner"))
        draft = workbench.create_draft(owner, "三轮评审")
        review = draft.bpmn_files["review.bpmn"]
        three = review.replace("review_round &lt; 2", "review_round &lt; 3").replace(
            "review_round &gt;= 2", "review_round &gt;= 3"
        )
        workbench.save_file(owner, draft.id, "review.bpmn", three)
        return draft.id, failed.id


def test_owner_edits_a_label_checks_the_regression_report_and_deploys(live_server, page):
    base, app = live_server
    draft_id, failed_id = _draft_with_a_history(app)
    sign_in(page, base, "owner")

    page.goto(f"{base}/modeler/drafts/{draft_id}/forms/city_review.json")
    preview = page.locator("[data-testid=form-preview]")
    assert "审核结论" in preview.inner_text()
    source = page.locator("[data-testid=form-source]")
    source.fill(source.input_value().replace('"title": "审核结论"', '"title": "市级审核结论"', 1))
    page.wait_for_function(
        "() => document.querySelector('[data-testid=form-preview]').innerText.includes('市级审核结论')"
    )
    page.click("[data-testid=form-save]")
    page.wait_for_selector("[data-testid=form-status]:has-text('已保存')")
    screenshot(page, "workbench-form-editor")

    page.goto(f"{base}/modeler/drafts/{draft_id}/deploy")
    summary = page.locator("[data-testid=regression-summary]").inner_text()
    assert "1 个路径不同" in summary, summary
    row = page.locator("[data-testid=regression] tr.different")
    assert f"#{failed_id}" in row.inner_text() and "指导申报单位修改" in row.inner_text()
    page.fill("textarea[name=note]", "初审最多三轮")
    page.click("[data-testid=deploy-form] button.primary")
    assert "请确认仍要发布" in page.locator(".flash").first.inner_text()
    page.fill("textarea[name=note]", "初审最多三轮")
    page.check("[data-testid=confirm]")
    page.click("[data-testid=deploy-form] button.primary")
    page.wait_for_url(f"{base}/modeler")
    assert "已发布为版本 2" in page.locator(".flash").first.inner_text()
    versions = page.locator("[data-testid=versions]").inner_text()
    assert "初审最多三轮" in versions
    screenshot(page, "workbench-versions")

    with app.app_context():
        fresh = driver.start("370203", db.session.scalar(select(Call).limit(1)))
        old = db.session.get(Instance, failed_id)
        assert (fresh.version.version, old.version.version) == (2, 1)
