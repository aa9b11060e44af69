"""Several staff per unit: 认领 (claim), giving back, the unit head's 指派, and who may complete.

The demo's 济南市 has its unit account 370100 and two staff: 370100-a (张丽, the unit head) and
370100-b (刘洋); 历下区 likewise (370102-a head, 370102-b).
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import HistoryEvent, Notification, ReadyTask
from app.services.audit import chain_check, reexecution
from app.services.errors import Conflict, Forbidden, NotFound
from app.services.lifecycle import claims, deadline_warnings, reminders, tasks
from app.services.reading import queries

from .conftest import race_each, rows_of

CITY_DECISION = {"city_decision": "forward"}


@pytest.fixture
def city_task(world) -> ReadyTask:
    """An application of 历下区 waiting for its city's review: a task of 济南市's unit."""
    instance = world.declare(world.start("370102"))
    return world.task(instance, "Task_CityReview")


def _notes(instance_id: int) -> list[tuple[str, str]]:
    events = db.session.scalars(
        select(HistoryEvent).where(HistoryEvent.instance_id == instance_id).order_by(HistoryEvent.seq)
    )
    return [(e.kind, e.actor.username if e.actor else "") for e in events]


def _in_thread(app, work) -> None:
    """Run ``work`` to its end in another thread with its own session (another member's request)."""

    def run():
        with app.app_context():
            try:
                work()
            finally:
                db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


def test_a_unit_task_is_in_every_members_inbox_and_only_the_holder_completes_it(world, city_task):
    members = ["370100", "370100-a", "370100-b"]
    for username in members:
        assert city_task.id in {t.id for t in queries.ready_tasks_for(world.user(username))}

    claims.claim(world.user("370100-b"), city_task.id)
    for username in members:  # still in everyone's inbox, now with its holder
        assert city_task.id in {t.id for t in queries.ready_tasks_for(world.user(username))}
    view = claims.claim_view(world.user("370100-a"), db.session.get(ReadyTask, city_task.id))
    assert view.holder.username == "370100-b" and view.held_by_other and not view.may_claim

    before = rows_of("instances", "history_events", "ready_tasks", "task_drafts")
    for username in ("370100", "370100-a"):
        with pytest.raises(claims.HeldByOther, match="刘洋"):
            tasks.complete_task(world.user(username), city_task.id, CITY_DECISION)
        with pytest.raises(claims.HeldByOther, match="刘洋"):
            tasks.save_draft(world.user(username), city_task.id, CITY_DECISION)
    assert rows_of("instances", "history_events", "ready_tasks", "task_drafts") == before

    instance_id = city_task.instance_id
    tasks.complete_task(world.user("370100-b"), city_task.id, CITY_DECISION)
    assert _notes(instance_id)[-2:] == [("claimed", "370100-b"), ("task_completed", "370100-b")]
    instance = world.reload(city_task.instance)
    assert chain_check.verify_chain(instance).ok
    assert reexecution.reexecute(instance).ok, "claims are notes: re-execution skips them"


def test_a_claim_made_while_another_member_fills_in_the_form_is_respected(world, app, city_task, monkeypatch):
    """The completion checks the claim inside its step: a claim committed after the early check wins."""
    task_id = city_task.id
    validate = tasks.validate_submission

    def validate_while_b_claims(*args, **kwargs):
        _in_thread(app, lambda: claims.claim(world.user("370100-b"), task_id))
        return validate(*args, **kwargs)

    monkeypatch.setattr(tasks, "validate_submission", validate_while_b_claims)
    with pytest.raises(claims.HeldByOther, match="刘洋"):
        tasks.complete_task(world.user("370100-a"), task_id, CITY_DECISION)
    db.session.expire_all()
    task = db.session.get(ReadyTask, task_id)
    assert task is not None and task.claimed_by.username == "370100-b", "the claim is not lost"
    assert ("task_completed", "370100-a") not in _notes(city_task.instance_id)


def test_two_claims_at_once_one_wins_and_the_other_is_told_who(world, app, city_task):
    task_id = city_task.id
    results = race_each(
        app,
        [
            lambda: claims.claim(world.user("370100-a"), task_id),
            lambda: claims.claim(world.user("370100-b"), task_id),
        ],
    )
    assert sorted(results).count("ok") == 1, results
    db.session.expire_all()
    holder = db.session.get(ReadyTask, task_id).claimed_by
    (refusal,) = [r for r in results if r != "ok"]
    assert holder.display_name in refusal
    assert [kind for kind, _who in _notes(city_task.instance_id)].count("claimed") == 1


def test_a_claim_on_a_stale_view_of_the_task_never_overwrites_the_holder(world, app, city_task):
    """The claim is a compare-and-set: a member who read the task before another's claim loses."""
    task = db.session.get(ReadyTask, city_task.id)
    assert task.claimed_by_id is None  # this session's view, kept while the other member claims
    _in_thread(app, lambda: claims.claim(world.user("370100-b"), city_task.id))
    with pytest.raises(claims.HeldByOther, match="刘洋"):
        claims.claim(world.user("370100-a"), city_task.id)
    db.session.expire_all()
    assert db.session.get(ReadyTask, city_task.id).claimed_by.username == "370100-b"


def test_giving_a_task_back_lets_another_member_claim_it(world, city_task):
    claims.claim(world.user("370100-b"), city_task.id)
    with pytest.raises(Conflict, match="刘洋"):
        claims.claim(world.user("370100"), city_task.id)
    with pytest.raises(Forbidden):
        claims.unclaim(world.user("370100"), city_task.id)  # neither holder nor head
    claims.unclaim(world.user("370100-b"), city_task.id)
    with pytest.raises(Conflict):
        claims.unclaim(world.user("370100-b"), city_task.id)  # nobody holds it now
    claims.claim(world.user("370100"), city_task.id)
    tasks.complete_task(world.user("370100"), city_task.id, CITY_DECISION)
    kinds = [kind for kind, _who in _notes(city_task.instance_id)]
    assert kinds[-4:] == ["claimed", "unclaimed", "claimed", "task_completed"]


def test_the_unit_head_assigns_a_task_and_takes_it_back(world, city_task):
    head, member = world.user("370100-a"), world.user("370100-b")
    with pytest.raises(Forbidden):
        claims.assign(member, city_task.id, "370100-a")  # not the unit head
    with pytest.raises(Conflict):
        claims.assign(head, city_task.id, "370200")  # another city's account
    with pytest.raises(NotFound):
        claims.assign(world.user("370200"), city_task.id, "370100-b")  # not the unit's task at all

    claims.assign(head, city_task.id, "370100-b")
    assert db.session.get(ReadyTask, city_task.id).claimed_by.username == "370100-b"
    (told,) = db.session.scalars(select(Notification).where(Notification.kind == "assigned"))
    assert told.user_id == member.id and told.params["by"] == head.display_name
    with pytest.raises(claims.HeldByOther):
        tasks.complete_task(head, city_task.id, CITY_DECISION)  # the head assigns; the holder acts

    claims.unclaim(head, city_task.id)  # the head takes it back from 刘洋
    changes = HistoryEvent.kind.in_(["assigned", "unclaimed"])
    events = db.session.scalars(
        select(HistoryEvent)
        .where(HistoryEvent.instance_id == city_task.instance_id, changes)
        .order_by(HistoryEvent.seq)
    ).all()
    assert [(e.kind, e.actor.username, e.data) for e in events] == [
        ("assigned", "370100-a", {"holder": member.display_name}),
        ("unclaimed", "370100-a", {"holder": member.display_name}),
    ]
    claims.assign(head, city_task.id, "370100-a")  # the head may take it on themselves
    tasks.complete_task(head, city_task.id, CITY_DECISION)
    assert chain_check.verify_chain(world.reload(city_task.instance)).ok


def test_a_reminder_on_a_held_task_reaches_its_holder_only(world, city_task):
    claims.claim(world.user("370100-b"), city_task.id)
    reminders.remind(world.user("province"), city_task.id, "请尽快审核。")
    reminded = set(db.session.scalars(select(Notification.user_id).where(Notification.kind == "reminder")))
    assert reminded == {world.user("370100-b").id}


def test_a_deadline_warning_on_a_held_task_reaches_its_holder_only(world, city_task):
    claims.claim(world.user("370100-a"), city_task.id)
    due = db.session.get(ReadyTask, city_task.id).due_at
    assert due is not None, "the city's review is due by the call's deadline"
    world.clock.set(due - timedelta(days=2))
    assert deadline_warnings.warn_of_deadlines(world.clock.now()) == 1
    warned = set(db.session.scalars(select(Notification.user_id).where(Notification.kind == "due_soon")))
    assert warned == {world.user("370100-a").id}


def test_a_new_member_of_a_county_sees_nothing_of_another_county(world):
    other = world.declare(world.start("370103"))  # 市中区, another county of 济南市
    newcomer = world.user("370102-b")
    with pytest.raises(NotFound):
        queries.instance_for(newcomer, other.id)
    own = world.start("370102")
    assert queries.instance_for(newcomer, own.id).id == own.id
    declare_task = world.task(own, "Task_Declare")
    assert {t.id for t in queries.ready_tasks_for(newcomer)} == {declare_task.id}
    city_task = world.task(other, "Task_CityReview")
    for attempt in (claims.claim, claims.unclaim, lambda user, task_id: tasks.task_context(user, task_id)):
        with pytest.raises(NotFound):
            attempt(newcomer, city_task.id)
