"""Reviewers read what they judge, in Chromium against gunicorn: the city reads the plan on its review
task, the second round reads the revision marked against the first, a PDF opens in a new tab."""

from __future__ import annotations

import pytest

from app.demo import driver
from app.services.lifecycle import calls
from tests.conftest import DEADLINE

from .conftest import open_task, screenshot, sign_in, sign_out

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _declared(app, adcode: str = "370102") -> int:
    with app.app_context():
        call = calls.open_call(driver.user("province"), "2026年度全省城乡社区治理实验区申报", 2026, DEADLINE)
        instance = driver.start(adcode, call)
        driver.declare(instance)
        return instance.id


def _in_second_round(app) -> int:
    with app.app_context():
        call = calls.open_call(driver.user("province"), "2026年度全省城乡社区治理实验区申报", 2026, DEADLINE)
        instance = driver.start("370102", call)
        driver.forward(instance)
        driver.assign(instance, "expert05")
        driver.opine(instance, "expert05", "improve", "实验举措的分期目标不够具体。")
        driver.decide(instance, "improve", "汇总意见：请细化实验举措的分期目标，补充经费来源。")
        driver.guide(instance, "请按省厅汇总意见修改第三、四部分。")
        plan = driver.declaration()
        measures = plan["plan_measures"].replace(
            "第一阶段（启动部署）", "第一阶段（2026年9月至12月，启动部署）", 1
        )
        guarantees = plan["plan_guarantees"].replace(
            "并积极争取上级资金和社会资金支持。", "其中市级补助资金100万元已列入预算。", 1
        )
        driver.declare(instance, plan_measures=measures, plan_guarantees=guarantees)
        driver.assign(instance, "expert06")
        return instance.id


def test_the_city_reads_the_plan_on_its_review_task(live_server, page):
    base, app = live_server
    instance_id = _declared(app)

    sign_in(page, base, "370100")
    open_task(page, page.locator("[data-testid=inbox] a", has_text="市级审核"))
    panel = page.locator("[data-testid=application-content]")
    assert panel.is_visible()
    sections = panel.locator("[data-testid=plan-section]")
    assert sections.count() == 4
    assert "一、实验背景" in sections.nth(0).inner_text()
    assert "济南市历下区位于全市城乡接合部" in sections.nth(0).inner_text()
    assert "全文" in panel.inner_text() and "不少于 4000 字" in panel.inner_text()
    panel.locator("nav a", has_text="四、实验保障").click()
    assert sections.nth(3).locator(".reading-text").is_visible()
    screenshot(page, "reading-city-review-desktop")

    page.set_viewport_size(PHONE)
    page.reload()
    assert page.locator("[data-testid=plan-section]").nth(0).is_visible()
    screenshot(page, "reading-city-review-phone")
    page.locator("a.task-reading__skip").click()
    assert page.locator("[data-testid=task-form]").is_visible()

    page.set_viewport_size({"width": 1400, "height": 1000})
    page.check("input[name=city_decision][value=forward]")
    page.click("button[value=submit]")
    page.wait_for_url(f"{base}/applications/{instance_id}*")  # the skip link's #task-form stays
    assert "已提交" in page.locator(".flash-success").inner_text()


def test_the_second_round_reads_the_revision_marked_against_the_first(live_server, page):
    base, app = live_server
    instance_id = _in_second_round(app)

    sign_in(page, base, "expert06")
    open_task(page, page.locator("[data-testid=inbox] a", has_text="专家评审"))
    revision = page.locator("[data-testid=revision]")
    assert revision.is_visible()
    inserted = revision.locator("ins").all_inner_texts()
    assert "2026年9月至12月，" in inserted
    assert any("市级补助资金100万元已列入预算" in text for text in inserted)
    opinions = revision.locator("[data-testid=revision-opinions]").inner_text()
    assert "请细化实验举措的分期目标" in opinions and "请按省厅汇总意见修改第三、四部分。" in opinions
    panel = page.locator("[data-testid=application-content]").inner_text()
    assert "实验举措的分期目标不够具体。" not in panel, "the panel shows no expert's own words"
    screenshot(page, "reading-second-round-desktop")
    page.set_viewport_size(PHONE)
    page.reload()
    screenshot(page, "reading-second-round-phone")
    sign_out(page)

    page.set_viewport_size({"width": 1400, "height": 1000})
    sign_in(page, base, "370102")
    page.goto(f"{base}/applications/{instance_id}")
    content = page.locator("[data-testid=application-content]")
    assert content.locator("[data-testid=revision]").is_visible()
    content.locator("[data-testid=plan-section] summary", has_text="三、实验举措").click()
    screenshot(page, "reading-application-page")


def test_a_pdf_attachment_opens_in_a_new_tab(live_server, page):
    base, app = live_server
    with app.app_context():
        call = calls.open_call(driver.user("province"), "2026年度全省城乡社区治理实验区申报", 2026, DEADLINE)
        instance = driver.start("370102", call)
        driver.forward(instance)
        driver.review_round(instance, "pass", experts=("expert05",))
        driver.submit_formally(instance)

    sign_in(page, base, "370100")
    open_task(page, page.locator("[data-testid=inbox] a", has_text="市级审核推荐"))
    files = page.locator("[data-testid=application-content] [data-testid=attachments]")
    assert "济南市历下区民政局" in files.inner_text() and "PDF" in files.inner_text()
    with page.context.expect_page() as opened:
        files.locator("a", has_text="application_form_file.pdf").click()
    viewer = opened.value
    viewer.wait_for_load_state()
    assert "/files/" in viewer.url
    background = page.locator("[data-testid=plan-section]").nth(0)
    assert not background.locator(".reading-text").is_visible(), "the plan folds once the zone reports"
    page.locator("[data-testid=application-content] nav a", has_text="一、实验背景").click()
    assert background.locator(".reading-text").is_visible(), "the navigation unfolds what it points at"
    screenshot(page, "reading-city-recommendation")
