"""批量办理: the province assigns the same experts to several applications at once and reminds every late
holder at once; each application gets its own step and history, and a failure names its application."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import HistoryEvent
from app.services.errors import NotFound, ValidationFailed
from app.services.lifecycle import batch

from .conftest import rows_of
from .web_helpers import csrf_token, login


def _assign_group(world):
    (group,) = batch.batch_groups(world.user("province"))
    return group


def _events(instance, kind):
    return list(
        db.session.scalars(
            select(HistoryEvent).where(HistoryEvent.instance_id == instance.id, HistoryEvent.kind == kind)
        )
    )


def test_the_same_experts_go_to_several_applications_and_a_conflict_is_named(world):
    first = world.forward(world.start("370102"))
    second = world.forward(world.start("370103"))
    conflicted = world.forward(world.start("370104"), experts=("expert07",))
    group = _assign_group(world)
    assert group.form.name == "assign_experts.json"
    assert {t.instance_id for t in group.tasks} == {first.id, second.id, conflicted.id}
    outcome = batch.complete_many(
        world.user("province"),
        group.form.name,
        [t.id for t in group.tasks],
        {"review_experts": ["expert06", "expert07"]},
    )
    assert sorted(outcome.done) == sorted([f"#{first.id} 济南市历下区", f"#{second.id} 济南市市中区"])
    ((label, reason),) = outcome.failed
    assert label.startswith(f"#{conflicted.id} ") and "指导专家" in reason
    for instance in (first, second):
        assert world.opinion_task(instance, "expert06") and world.opinion_task(instance, "expert07")
        assert len([e for e in _events(instance, "task_completed") if e.actor.username == "province"]) == 1
    assert world.opinion_task(conflicted, "expert06") is None, "the failed one is untouched"
    assert [t.instance_id for t in _assign_group(world).tasks] == [conflicted.id]


def test_a_form_without_the_batch_hint_or_another_users_task_is_not_batch_work(world):
    instance = world.declare(world.start("370102"))
    assert batch.batch_groups(world.user("370100")) == [], "the city's review is one by one"
    with pytest.raises(NotFound):
        batch.complete_many(world.user("370100"), "city_review.json", [], {})
    world.city_decides(instance, "forward")
    group = _assign_group(world)
    outcome = batch.complete_many(world.user("province"), group.form.name, ["not-a-task"], {})
    assert outcome.done == [] and outcome.failed == []


def test_every_late_holder_is_reminded_at_once_each_in_its_own_history(world, clock):
    first = world.declare(world.start("370102"))
    second = world.declare(world.start("370203"))
    province = world.user("province")
    assert batch.late_tasks(province) == []
    clock.set(world.task(first, "Task_CityReview").due_at + timedelta(minutes=5))
    late = batch.late_tasks(province)
    assert {t.instance_id for t in late} == {first.id, second.id}
    assert batch.late_tasks(world.user("370100")) == [], "the city's own review: nobody reminds themselves"
    before = rows_of("history_events", "notifications")
    with pytest.raises(ValidationFailed):
        batch.remind_many(province, [t.id for t in late], "x" * 501)
    assert rows_of("history_events", "notifications") == before, "a bad message sends nothing"
    outcome = batch.remind_many(province, [t.id for t in late], "请尽快审核。")
    assert len(outcome.done) == 2 and outcome.failed == []
    for instance in (first, second):
        (note,) = _events(instance, "reminded")
        assert note.data == {"message": "请尽快审核。"}


def test_the_batch_page_keeps_what_was_typed_and_names_the_failures(world, client):
    world.forward(world.start("370102"))
    conflicted = world.forward(world.start("370104"), experts=("expert07",))
    login(client, "province")
    page = client.get("/inbox/batch").get_data(as_text=True)
    assert 'data-testid="batch-group"' in page
    token = csrf_token(page)
    task_ids = [t.id for t in _assign_group(world).tasks]
    url = "/inbox/batch/forms/assign_experts.json"
    nothing = client.post(url, data={"csrf_token": token, "assignment_note": "请一周内完成。"})
    assert nothing.status_code == 422 and "请一周内完成。" in nothing.get_data(as_text=True)
    empty = client.post(
        url, data={"csrf_token": token, "task_id": task_ids, "assignment_note": "请一周内完成。"}
    )
    body = empty.get_data(as_text=True)
    assert empty.status_code == 422 and "请一周内完成。" in body and 'data-testid="batch-failed"' in body
    mixed = client.post(
        url,
        data={"csrf_token": token, "task_id": task_ids, "review_experts": ["expert07"]},
    )
    body = mixed.get_data(as_text=True)
    assert mixed.status_code == 200 and f"#{conflicted.id} " in body and 'data-testid="batch-failed"' in body


def test_the_remind_form_keeps_a_refused_message_and_the_ticked_tasks(world, client, clock):
    instance = world.declare(world.start("370102"))
    task = world.task(instance, "Task_CityReview")
    clock.set(task.due_at + timedelta(minutes=5))
    login(client, "province")
    page = client.get("/inbox/batch").get_data(as_text=True)
    assert f'value="{task.id}" id="late-{task.id}" checked' in page, "every late task is ticked at first"
    before = rows_of("history_events", "notifications")
    too_long = "请" * 501
    refused = client.post(
        "/inbox/batch/remind",
        data={"csrf_token": csrf_token(page), "task_id": [task.id], "message": too_long},
    )
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and too_long in body and f'id="late-{task.id}" checked' in body
    assert rows_of("history_events", "notifications") == before
    sent = client.post(
        "/inbox/batch/remind",
        data={"csrf_token": csrf_token(page), "task_id": [task.id], "message": "请尽快。"},
    )
    assert sent.status_code == 302 and len(_events(instance, "reminded")) == 1
