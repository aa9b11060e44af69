"""Deadlines and reminders in a real browser: a late annual plan shows its date in red; the province's
reminder reaches the zone's bell, and its e-mail arrives at an SMTP server."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.clock import PROGRAMME_TZ
from app.demo import driver
from app.extensions import db
from app.services.lifecycle import calls, timers

from ..conftest import DEADLINE
from ..mail_catcher import MailCatcher
from .conftest import screenshot, sign_in, sign_out

pytestmark = pytest.mark.browser


@pytest.fixture
def mail(monkeypatch):
    """An SMTP server the live server (started after this fixture) queues mail for."""
    catcher = MailCatcher().start()
    monkeypatch.setenv("SDZONES_TEST_SMTP_PORT", str(catcher.controller.port))
    yield catcher
    catcher.stop()


def _late_zone(app, clock) -> int:
    """A zone recognised on 2026-10-08 whose first annual plan (due 2026-11-07) is late."""
    with app.app_context():
        province = driver.user("province")
        call = calls.open_call(province, "2026年度全省城乡社区治理实验区申报", 2026, DEADLINE)
        zone = driver.start("370102", call)
        driver.forward(zone)
        driver.review_round(zone, "pass", experts=("expert05",))
        driver.submit_formally(zone)
        driver.city_recommends(zone)
        driver.receive_paper(zone)
        driver.assess(zone, "pass")
        clock.set(datetime(2026, 10, 8, 9, 0, tzinfo=PROGRAMME_TZ))
        driver.recognise(zone, "2026-10-08")
        county = driver.user("370102")
        county.email = "lixia@example.gov.cn"
        db.session.commit()
        clock.set(datetime(2026, 11, 10, 9, 0, tzinfo=PROGRAMME_TZ))
        return zone.id


def test_a_late_plan_is_red_and_a_reminder_reaches_the_bell_and_the_mailbox(mail, live_server, page, clock):
    base, app = live_server
    app.config.update(mail.settings)
    zone = _late_zone(app, clock)

    sign_in(page, base, "370102")
    due = page.locator("[data-testid=inbox] [data-testid=due]").first
    assert "2026-11-07" in due.inner_text() and "逾期 3 天" in due.inner_text()
    assert "due-overdue" in due.get_attribute("class")
    screenshot(page, "deadline-overdue-inbox")
    sign_out(page)

    sign_in(page, base, "province")
    page.goto(f"{base}/applications/{zone}")
    page.locator("[data-testid=remind] summary").first.click()
    page.fill("[data-testid=remind] textarea[name=message]", "请尽快报送年度实验计划。")
    page.click("[data-testid=remind] button[type=submit]")
    assert "已催办" in page.locator(".flash").inner_text()
    sign_out(page)

    with app.app_context():
        timers.worker_pass()  # the worker sends the mail
    (message,) = [m for m in mail.messages if "催办" in m["Subject"]]
    assert message["To"] == "lixia@example.gov.cn" and "请尽快报送年度实验计划。" in message.get_content()

    sign_in(page, base, "370102")
    assert page.locator("[data-testid=unread]").inner_text() != ""
    page.click("[data-testid=bell]")
    reminder = page.locator("[data-testid=notification]", has_text="催办").first
    assert "请尽快报送年度实验计划。" in reminder.inner_text()
    screenshot(page, "deadline-reminder-bell")
    reminder.locator("button").click()
    page.wait_for_url(f"{base}/tasks/*")
