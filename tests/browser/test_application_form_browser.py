"""The printable 申报表 in Chromium: print media hides the site chrome, the page prints on A4."""

from __future__ import annotations

import pytest

from app.demo import driver
from app.services.lifecycle import calls
from tests.conftest import DEADLINE

from .conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def test_the_form_prints_without_the_site_header_and_buttons(live_server, page):
    base_url, app = live_server
    with app.app_context():
        call = calls.open_call(driver.user("province"), "2026年度全省城乡社区治理实验区申报", 2026, DEADLINE)
        instance = driver.start("370102", call)
        driver.forward(instance)
        instance_id = instance.id

    sign_in(page, base_url, "370102")
    page.goto(f"{base_url}/applications/{instance_id}/form")
    assert page.locator("[data-testid=form-print]").is_visible()
    assert page.locator(".topbar").is_visible()

    page.emulate_media(media="print")
    screenshot(page, "application-form-print")
    assert not page.locator("[data-testid=form-print]").is_visible()
    assert not page.locator(".topbar").is_visible()
    assert page.locator("[data-testid=form-applicant]").inner_text() == "济南市历下区"
    assert page.locator("[data-testid=form-province-opinion] .verdict").count() == 0
    assert page.pdf(format="A4").startswith(b"%PDF")
