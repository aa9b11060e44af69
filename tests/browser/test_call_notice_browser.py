"""A county reads the call's notice before it starts; the province edits it in the browser."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Call, User
from app.services.lifecycle import calls

from ..conftest import DEADLINE
from .conftest import ARTIFACTS, screenshot, sign_in

pytestmark = pytest.mark.browser

NOTICE = "各市民政局：\n为贯彻落实有关部署要求，决定开展实验区建设工作。\n现就有关事项通知如下。"


def _shot(page, name: str) -> None:
    screenshot(page, name)
    shutil.copy(ARTIFACTS / f"{name}.png", f"/tmp/{name}.png")


def test_the_province_publishes_the_notice_and_a_county_reads_it(live_server, page, tmp_path):
    base, app = live_server
    with app.app_context():
        province = db.session.scalar(select(User).where(User.username == "province"))
        call_id = calls.open_call(province, "2026年度全省城乡社区治理实验区申报", 2026, DEADLINE).id
    sign_in(page, base, "province")
    page.goto(f"{base}/calls/{call_id}")
    page.fill("#notice-notice_text", NOTICE)
    page.fill("#notice-contacts", "联系人：张蕾、郭洋\n电话：0531-86152869")
    page.click("[data-testid=notice-form] button[type=submit]")
    page.wait_for_selector("[data-testid=call-notice]")
    themes = tmp_path / "附件1-2 参考选题.xlsx"
    with app.app_context(), app.test_request_context():
        from app.services.reading.call_documents import reference_themes_xlsx

        themes.write_bytes(reference_themes_xlsx())
    page.select_option("#call-file-kind", "reference_themes")
    page.set_input_files("#call-file", str(themes))
    page.click("[data-testid=call-upload] button[type=submit]")
    page.wait_for_selector("[data-testid=call-file]")
    _shot(page, "call-notice-province")
    page.click("text=退出")

    sign_in(page, base, "370102")
    page.goto(f"{base}/applications")
    page.click("[data-testid=call-notice-link]")
    assert page.locator("[data-testid=call-notice]").inner_text() == NOTICE
    assert "0531-86152869" in page.locator("[data-testid=call-contacts]").inner_text()
    assert "附件1-2 参考选题.xlsx" in page.locator("[data-testid=call-files]").inner_text()
    assert page.locator("[data-testid=notice-form]").count() == 0
    _shot(page, "call-notice-county")
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, "call-notice-county-phone")
    with app.app_context():
        assert db.session.get(Call, call_id).contacts.startswith("联系人：张蕾")
