"""Administration in Chromium against gunicorn: accounts, units, the import from Excel, the change log,
and a new account's first sign-in (its password must change; its scope holds)."""

from __future__ import annotations

import pytest

from app.demo import driver
from app.services.lifecycle import calls
from tests.conftest import DEADLINE
from tests.sheets import XLSX, accounts_sheet

from .conftest import screenshot, sign_in, sign_out

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _applications(app, *adcodes: str) -> list[int]:
    with app.app_context():
        call = calls.open_call(driver.user("province"), "2026年度全省城乡社区治理实验区申报", 2026, DEADLINE)
        return [driver.start(adcode, call).id for adcode in adcodes]


def _sign_in_expecting(page, base: str, username: str, password: str, path: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}{path}")


def test_admin_creates_an_account_whose_owner_must_change_the_password(live_server, page, browser):
    base, app = live_server
    own, other = _applications(app, "370102", "370202")

    sign_in(page, base, "admin")
    page.click("[data-testid=nav-admin]")
    screenshot(page, "admin-index")
    page.click("[data-testid=admin-pages] >> text=新建账号")
    page.fill("input[name=username]", "lixia02")
    page.fill("input[name=display_name]", "李明")
    page.check("input[name=roles][value=applicant]")
    page.fill("input[name=phone]", "0531-86912345")
    page.fill("input[name=password]", "first-pass-1")
    page.click("[data-testid=user-form] button[type=submit]")
    assert page.locator("[data-testid=error-unit]").is_visible(), "an applicant needs a county"
    assert page.input_value("input[name=display_name]") == "李明", "what was typed is kept"
    page.select_option("select[name=unit]", "370102")
    page.fill("input[name=password]", "first-pass-1")
    page.click("[data-testid=user-form] button[type=submit]")
    assert "账号 lixia02 已创建" in page.inner_text(".flash-success")
    screenshot(page, "admin-user-form")
    sign_out(page)

    _sign_in_expecting(page, base, "lixia02", "first-pass-1", "/account/password")
    assert page.locator("[data-testid=must-change]").is_visible()
    page.goto(f"{base}/inbox")
    page.wait_for_url(f"{base}/account/password")
    page.fill("input[name=current_password]", "first-pass-1")
    page.fill("input[name=new_password]", "lixia02-pw")
    page.fill("input[name=repeated_password]", "lixia02-pw")
    page.click("[data-testid=password-form] button[type=submit]")
    assert "密码不能包含用户名" in page.inner_text("[data-testid=error-new_password]")
    page.fill("input[name=current_password]", "first-pass-1")
    page.fill("input[name=new_password]", "my-own-pass")
    page.fill("input[name=repeated_password]", "my-own-pass")
    page.click("[data-testid=password-form] button[type=submit]")
    page.wait_for_url(f"{base}/account")
    assert "密码已修改" in page.inner_text(".flash-success")
    screenshot(page, "account-profile")

    assert page.goto(f"{base}/applications/{own}").status == 200
    assert page.goto(f"{base}/applications/{other}").status == 404, "another county's application"

    phone = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    _sign_in_expecting(phone, base, "lixia02", "my-own-pass", "/inbox")
    phone.goto(f"{base}/account/sessions")
    assert phone.locator("[data-testid=my-session]").count() == 2
    screenshot(phone, "account-sessions-phone")
    phone.context.close()


def test_admin_deactivates_an_account_and_abolishes_a_unit_and_the_auditor_reads_it(live_server, page):
    base, app = live_server
    (instance_id,) = _applications(app, "370102")

    sign_in(page, base, "admin")
    page.goto(f"{base}/admin/users?q=济南")
    screenshot(page, "admin-users")
    page.goto(f"{base}/admin/users?q=370102")
    page.click("[data-testid=user-row] >> text=370102")
    page.click("[data-testid=deactivate]")
    assert "已停用" in page.inner_text(".flash-success")
    page.goto(f"{base}/admin/units?q=3701")
    row = page.locator("[data-testid=unit-370102]")
    row.locator("input[name=name]").fill("")
    row.locator("button >> text=更名").click()
    assert page.locator("[data-testid=unit-370102] .field-error").is_visible()
    row = page.locator("[data-testid=unit-370102]")
    row.locator("input[name=name]").fill("历下新区")
    row.locator("button >> text=更名").click()
    page.locator("[data-testid=unit-370102] >> text=标记撤销").click()
    assert "已撤销" in page.inner_text("[data-testid=unit-370102]")
    screenshot(page, "admin-units")
    sign_out(page)

    page.goto(f"{base}/login")
    page.fill("input[name=username]", "370102")
    page.fill("input[name=password]", "test-pass")
    page.click("button[type=submit].primary")
    assert "用户名或密码错误" in page.inner_text("body")

    sign_in(page, base, "province")
    page.goto(f"{base}/applications/{instance_id}")
    body = page.inner_text("body")
    assert "历下新区" in body and "济南市历下区民政局" in body, (
        "the history still names the deactivated account"
    )
    sign_out(page)

    sign_in(page, base, "auditor")
    page.goto(f"{base}/audit")
    page.click("[data-testid=admin-changes-link]")
    log = page.inner_text("[data-testid=admin-changes]")
    assert "停用账号" in log and "单位更名" in log and "单位撤销" in log and "历下新区" in log
    screenshot(page, "audit-admin-changes")


def test_an_excel_import_with_a_bad_row_imports_nothing(live_server, page):
    base, app = live_server
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        good = ("lixia03", "王芳", "370102", "申报单位", "", "", "", "", "start-pass-1")
        bad = ("expert11", "钱学勤", "", "指导专家", "", "教授", "", "", "start-pass-2")
        content = accounts_sheet(good, bad)

    sign_in(page, base, "admin")
    page.goto(f"{base}/admin/users/import")
    with page.expect_download() as download:
        page.click("[data-testid=import-template]")
    assert download.value.suggested_filename == "users.xlsx"
    page.set_input_files(
        "input[name=file]", files=[{"name": "users.xlsx", "mimeType": XLSX, "buffer": content}]
    )
    page.click("[data-testid=import-form] button[type=submit]")
    assert "未导入任何账号" in page.inner_text("[data-testid=import-refused]")
    problems = page.locator("[data-testid=import-problem]")
    assert (
        problems.count() == 1
        and "3" in problems.first.inner_text()
        and "专家委员会" in problems.first.inner_text()
    )
    screenshot(page, "admin-import-refused")
    page.goto(f"{base}/admin/users?q=lixia03")
    assert page.locator("[data-testid=user-row]").count() == 0, "the good row was not imported either"
