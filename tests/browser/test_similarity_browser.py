"""The city reviews a plan that copies another county's: the flag and the passages side by side, in
Chromium against gunicorn."""

from __future__ import annotations

import pytest

from app.demo import driver
from app.services.lifecycle import calls, timers
from tests.conftest import DEADLINE

from .conftest import open_task, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_the_city_sees_the_copied_passages_beside_its_review(live_server, page):
    base, app = live_server
    with app.app_context():
        call = calls.open_call(driver.user("province"), "2026年度全省城乡社区治理实验区申报", 2026, DEADLINE)
        source, copier = driver.start("370102", call), driver.start("370202", call)
        driver.declare(source)
        driver.declare(copier, **driver.plan_copied_from("370202", 0, "370102", 0))
        timers.worker_pass()

    sign_in(page, base, "370200")
    open_task(page, page.locator("[data-testid=inbox] a", has_text="市级审核"))
    flag = page.locator("[data-testid=similarity-flag]")
    assert "与 济南市历下区 的方案高度相似" in flag.inner_text()
    mine = flag.locator("[data-testid=similarity-mine]").first
    theirs = flag.locator("[data-testid=similarity-theirs]").first
    assert mine.bounding_box()["x"] < theirs.bounding_box()["x"], "side by side"
    assert mine.locator("mark").count() > 0
    screenshot(page, "similarity-city-review")
