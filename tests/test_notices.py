"""Notifications and their e-mails: recorded with what caused them, sent by the worker, never lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Notification, OutboxMail
from app.services.notices import bell, mailer, record
from app.services.notices.texts import NEW_TASK, REMINDER
from app.services.reading.notification_list import notifications_page
from app.services.reading.paging import DEFAULT_LIMIT, PageRequest

from .mail_catcher import MailCatcher, free_port


@pytest.fixture
def smtp(app):
    """A real SMTP server on 127.0.0.1 and the app configured to send through it."""
    catcher = MailCatcher().start()
    app.config.update(catcher.settings)
    yield catcher
    catcher.stop()


def _with_email(world, username: str, kinds=None):
    user = world.user(username)
    user.email, user.email_kinds = f"{username}@example.test", kinds
    db.session.commit()
    return user


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_notification_and_its_mail_are_recorded_together_and_the_worker_sends_the_mail(world, clock, smtp):
    province = _with_email(world, "province")
    params = {"task": "指派评审专家", "application": "#7 济南市历下区"}
    record.notify([province], NEW_TASK, clock.now(), instance_id=None, link="/tasks/abc", params=params)
    db.session.commit()
    assert bell.unread_count(province) == 1
    assert _count(OutboxMail) == 1

    assert mailer.send_due_mails(clock.now()) == 1
    (message,) = smtp.messages
    assert message["To"] == "province@example.test"
    assert message["Subject"] == "新任务：指派评审专家（#7 济南市历下区）"
    assert "http://127.0.0.1:5000/tasks/abc" in message.get_content()
    assert mailer.send_due_mails(clock.now()) == 0, "a sent mail is not sent again"


def test_a_mail_server_that_is_down_loses_nothing(world, clock, smtp, app):
    province = _with_email(world, "province")
    record.notify(
        [province], REMINDER, clock.now(), params={"task": "市级审核", "application": "#1", "by": "省民政厅"}
    )
    db.session.commit()
    port = app.config["SMTP_PORT"]
    app.config["SMTP_PORT"] = free_port()  # nobody answers there
    assert mailer.send_due_mails(clock.now()) == 0
    mail = db.session.scalar(select(OutboxMail))
    assert mail.attempts == 1 and mail.sent_at is None and "Error" in mail.last_error
    assert mail.next_attempt_at == clock.now() + timedelta(minutes=1)

    app.config["SMTP_PORT"] = port
    assert mailer.send_due_mails(clock.now()) == 0, "not before its next attempt"
    clock.advance(timedelta(minutes=1))
    assert mailer.send_due_mails(clock.now()) == 1
    assert len(smtp.messages) == 1


def test_each_user_chooses_what_comes_by_mail_and_nothing_is_queued_without_a_server(world, clock, app, smtp):
    chooser = _with_email(world, "province", kinds=[REMINDER])
    record.notify([chooser], NEW_TASK, clock.now(), params={"task": "t", "application": "a"})
    record.notify([chooser], REMINDER, clock.now(), params={"task": "t", "application": "a", "by": "b"})
    db.session.commit()
    assert _count(Notification) == 2 and _count(OutboxMail) == 1

    app.config["SMTP_HOST"] = ""
    record.notify([chooser], REMINDER, clock.now(), params={"task": "t", "application": "a", "by": "b"})
    db.session.commit()
    assert _count(Notification) == 3 and _count(OutboxMail) == 1


def test_the_bell_counts_unread_pages_newest_first_and_marks_read(world, clock):
    province = world.user("province")
    for number in range(DEFAULT_LIMIT + 5):
        record.notify(
            [province], NEW_TASK, clock.now(), params={"task": f"任务{number}", "application": "#1"}
        )
    db.session.commit()
    assert bell.unread_count(province) == DEFAULT_LIMIT + 5
    first = notifications_page(province)
    assert len(first.items) == DEFAULT_LIMIT and first.items[0].params["task"] == f"任务{DEFAULT_LIMIT + 4}"
    assert len(notifications_page(province, request=PageRequest(after=first.next_after)).items) == 5
    first = first.items
    assert bell.mark_read(province, clock.now(), first[0].id) == 1
    assert bell.mark_read(world.user("370102"), clock.now(), first[1].id) == 0, "only one's own"
    assert bell.mark_read(province, clock.now()) == DEFAULT_LIMIT + 4
    assert bell.unread_count(province) == 0
