"""催办 and the bell: a reminder is recorded in the history and reaches the task's people."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import HistoryEvent, Notification
from app.services.audit import chain_check, reexecution
from app.services.errors import Forbidden, NotFound, ValidationFailed
from app.services.lifecycle import reminders, timers
from app.services.notices import bell
from app.services.reading.notification_list import notifications_page

from .web_helpers import csrf_token, login


@pytest.fixture
def declared(world):
    instance = world.start("370102")
    return world.declare(instance)


def test_the_province_reminds_the_city_in_the_history_and_under_its_bell(world, declared):
    task = world.task(declared, "Task_CityReview")
    reminders.remind(world.user("province"), task.id, "请尽快审核。")
    (note,) = db.session.scalars(select(HistoryEvent).where(HistoryEvent.kind == "reminded"))
    assert (
        note.task_id == task.id
        and note.data == {"message": "请尽快审核。"}
        and note.actor.username == "province"
    )
    city = world.user("370100")
    (notification,) = [n for n in notifications_page(city).items if n.kind == "reminder"]
    assert notification.params["message"] == "请尽快审核。" and notification.params["by"] == "山东省民政厅"
    assert chain_check.verify_chain(world.reload(declared)).ok
    from app.services.reading import history_view

    rows = history_view.event_views(world.reload(declared), world.user("370102"))
    assert ("留言", "请尽快审核。") in rows[-1].lines, "the application's history shows the reminder"
    world.city_decides(declared, "forward")
    assert reexecution.reexecute(world.reload(declared)).ok, "a note is not a step to replay"


def test_who_may_remind_whom(world, declared):
    task = world.task(declared, "Task_CityReview")
    with pytest.raises(Forbidden):
        reminders.remind(world.user("370100"), task.id)  # its own task
    with pytest.raises(Forbidden):
        reminders.remind(world.user("370102"), task.id)  # the applicant
    with pytest.raises(NotFound):
        reminders.remind(world.user("370200"), task.id)  # another city: out of scope
    world.city_decides(declared, "return", "请补充。")
    back = world.task(declared, "Task_Declare")
    reminders.remind(world.user("370100"), back.id, "")  # a city on its county's task
    with pytest.raises(ValidationFailed):
        reminders.remind(world.user("province"), back.id, "x" * 501)
    assert (
        db.session.scalar(
            select(func.count()).select_from(HistoryEvent).where(HistoryEvent.kind == "reminded")
        )
        == 1
    )


def test_the_worker_warns_once_three_days_ahead_and_once_when_late(world, clock, declared):
    city = world.user("370100")
    kinds = lambda: [n.kind for n in notifications_page(city).items]  # noqa: E731
    assert "due_soon" not in kinds()
    clock.set(world.task(declared, "Task_CityReview").due_at - timedelta(days=2))
    timers.worker_pass()
    timers.worker_pass()
    assert kinds().count("due_soon") == 1
    clock.advance(timedelta(days=2, minutes=-30))
    timers.worker_pass()
    assert kinds().count("overdue") == 0, "not late yet"


def test_the_bell_shows_the_unread_count_and_opening_one_marks_it_read(world, client, declared):
    task = world.task(declared, "Task_CityReview")
    reminders.remind(world.user("province"), task.id, "请尽快审核。")
    login(client, "370100")
    page = client.get("/inbox").get_data(as_text=True)
    assert 'data-testid="unread">2<' in page, "the new task and the reminder"
    listing = client.get("/notifications").get_data(as_text=True)
    assert "山东省民政厅 催办：市级审核（#1 济南市历下区）" in listing and "请尽快审核。" in listing
    reminder = db.session.scalar(select(Notification).where(Notification.kind == "reminder"))
    opened = client.post(f"/notifications/{reminder.id}/open", data={"csrf_token": csrf_token(listing)})
    assert opened.status_code == 302 and opened.headers["Location"] == f"/tasks/{task.id}"
    assert bell.unread_count(world.user("370100")) == 1


def test_the_api_reminds_lists_and_marks_read(api, world, declared):
    task = world.task(declared, "Task_CityReview")
    assert (
        api.post("province", f"/api/tasks/{task.id}/reminders", {"message": "请尽快审核。"}).status_code
        == 204
    )
    assert api.post("370100", f"/api/tasks/{task.id}/reminders", {}).status_code == 403
    listed = api.get("370100", "/api/notifications")
    items = listed.get_json()
    assert listed.headers["X-Unread-Count"] == "2" and items[0]["kind"] == "reminder"
    assert items[0]["text"] == "山东省民政厅 催办：市级审核（#1 济南市历下区）"
    assert api.post("370100", "/api/notifications/read", {}).status_code == 204
    assert api.get("370100", "/api/notifications").headers["X-Unread-Count"] == "0"


def test_each_user_sets_an_address_and_the_kinds_that_come_by_mail(world, client):
    login(client, "370100")
    page = client.get("/notifications/settings").get_data(as_text=True)
    token = csrf_token(page)
    bad = client.post(
        "/notifications/settings",
        data={"csrf_token": token, "email": "not-an-address", "kinds": ["reminder"]},
    )
    assert bad.status_code == 422 and "not-an-address" in bad.get_data(as_text=True), "what was typed is kept"
    saved = client.post(
        "/notifications/settings",
        data={"csrf_token": token, "email": "city@example.gov.cn", "kinds": ["reminder", "overdue"]},
    )
    assert saved.status_code == 302
    user = world.user("370100")
    db.session.refresh(user)
    assert user.email == "city@example.gov.cn" and user.email_kinds == ["reminder", "overdue"]
