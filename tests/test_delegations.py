"""代理: a member going on leave names a colleague; the tasks they hold reach the colleague within the
period only, and the history says the colleague completed the task on the member's behalf."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.extensions import db
from app.models import Delegation, HistoryEvent, Notification, ReadyTask
from app.roles import Role
from app.scope import actionable_tasks_filter
from app.services.accounts import delegations
from app.services.audit import chain_check, reexecution
from app.services.errors import NotFound, ValidationFailed
from app.services.lifecycle import claims, reminders, tasks
from app.services.reading import history_view

from .conftest import rows_of

CITY_DECISION = {"city_decision": "forward"}


@pytest.fixture
def held_task(world) -> ReadyTask:
    """济南市's review of a 历下区 application, claimed by 刘洋 (370100-b)."""
    instance = world.declare(world.start("370102"))
    task = world.task(instance, "Task_CityReview")
    return claims.claim(world.user("370100-b"), task.id)


def _day(world, days: int) -> str:
    return (world.clock.now() + timedelta(days=days)).date().isoformat()


def _may_complete(user, task_id: str) -> bool:
    query = select(ReadyTask.id).where(ReadyTask.id == task_id, actionable_tasks_filter(user))
    return db.session.scalar(query) is not None


def test_the_held_tasks_reach_the_delegate_within_the_period_only(world, held_task):
    away, colleague = world.user("370100-b"), world.user("370100-a")
    delegations.delegate(away, "370100-a", Role.CITY, _day(world, 1), _day(world, 2))
    assert not _may_complete(colleague, held_task.id), "not before the period"
    with pytest.raises(claims.HeldByOther):
        tasks.complete_task(colleague, held_task.id, CITY_DECISION)

    world.clock.advance(timedelta(days=1))
    assert _may_complete(colleague, held_task.id)
    world.clock.advance(timedelta(days=2))
    assert not _may_complete(colleague, held_task.id), "not after the period"

    world.clock.advance(timedelta(days=-2))
    reminders.remind(world.user("province"), held_task.id, "")
    reminded = set(db.session.scalars(select(Notification.user_id).where(Notification.kind == "reminder")))
    assert reminded == {away.id, colleague.id}, "the holder and their delegate hear of it, nobody else"

    instance_id = held_task.instance_id
    tasks.complete_task(colleague, held_task.id, CITY_DECISION)
    event = db.session.scalar(
        select(HistoryEvent)
        .where(HistoryEvent.instance_id == instance_id, HistoryEvent.kind == "task_completed")
        .order_by(HistoryEvent.seq.desc())
    )
    assert event.actor.username == "370100-a" and event.on_behalf_of.username == "370100-b"
    instance = world.reload(held_task.instance)
    (view,) = [v for v in history_view.event_views(instance, world.user("370102")) if v.event.id == event.id]
    assert view.actor.username == "370100-a" and view.on_behalf_of.username == "370100-b"
    assert history_view.acted_by(event) == "张丽（代刘洋办理）"
    assert chain_check.verify_chain(instance).ok
    assert reexecution.reexecute(instance).ok


def test_the_holder_a_task_was_completed_for_is_covered_by_the_hash_chain(world, held_task):
    delegations.delegate(world.user("370100-b"), "370100-a", Role.CITY, _day(world, 0), _day(world, 0))
    tasks.complete_task(world.user("370100-a"), held_task.id, CITY_DECISION)
    instance = world.reload(held_task.instance)
    assert chain_check.verify_chain(instance).ok
    completed = HistoryEvent.kind == "task_completed"
    db.session.execute(update(HistoryEvent).where(completed).values(on_behalf_of_id=None))
    db.session.commit()
    report = chain_check.verify_chain(instance)
    assert not report.ok and report.problem.field == "on_behalf_of_id", "erasing it is caught"


def test_the_holders_own_completion_names_nobody_else(world, held_task):
    delegations.delegate(world.user("370100-b"), "370100-a", Role.CITY, _day(world, 0), _day(world, 3))
    task_id = held_task.id
    tasks.complete_task(world.user("370100-b"), task_id, CITY_DECISION)
    event = db.session.scalar(
        select(HistoryEvent).where(HistoryEvent.kind == "task_completed", HistoryEvent.task_id == task_id)
    )
    assert event.actor.username == "370100-b" and event.on_behalf_of is None


@pytest.mark.parametrize(
    ("to", "role", "starts", "ends", "field"),
    [
        ("370100-b", Role.CITY, 0, 1, "delegate"),  # oneself
        ("370200", Role.CITY, 0, 1, "delegate"),  # another city's account
        ("370102", Role.APPLICANT, 0, 1, "delegate"),  # a county of the city, not the unit
        ("370100-a", Role.UNIT_HEAD, 0, 1, "role"),  # not a unit's role
        ("370100-a", Role.CITY, -1, 1, "starts"),  # starting in the past
        ("370100-a", Role.CITY, 3, 1, "ends"),  # ending before it starts
        ("370100-a", Role.CITY, 0, 400, "ends"),  # more than a year
    ],
)
def test_a_delegation_goes_to_a_colleague_of_the_same_unit_and_role_for_a_coming_period(
    world, to, role, starts, ends, field
):
    before = rows_of("delegations")
    with pytest.raises(ValidationFailed) as refused:
        delegations.delegate(world.user("370100-b"), to, role, _day(world, starts), _day(world, ends))
    assert field in {error.field for error in refused.value.errors}
    assert rows_of("delegations") == before


def test_an_unreadable_date_is_refused_by_field(world):
    with pytest.raises(ValidationFailed) as refused:
        delegations.delegate(world.user("370100-b"), "370100-a", Role.CITY, "tomorrow", "")
    assert {error.field for error in refused.value.errors} == {"starts", "ends"}


def test_ending_a_delegation_early_stops_it_and_only_the_delegator_may(world, held_task):
    made = delegations.delegate(world.user("370100-b"), "370100-a", Role.CITY, _day(world, 0), _day(world, 5))
    assert made.last_day.isoformat() == _day(world, 5)
    assert _may_complete(world.user("370100-a"), held_task.id)
    assert [d.id for d in delegations.delegations_of(world.user("370100-a"))] == [made.id]
    with pytest.raises(NotFound):
        delegations.end_delegation(world.user("370100-a"), made.id)
    delegations.end_delegation(world.user("370100-b"), made.id)
    assert not _may_complete(world.user("370100-a"), held_task.id)
    assert delegations.delegations_of(world.user("370100-b")) == []
    ended = db.session.get(Delegation, made.id)
    assert ended.ends_at == world.clock.now() and ended.last_day == world.clock.now().date(), "kept on record"


def test_colleagues_are_the_unit_members_sharing_a_role(world):
    names = [c.user.username for c in delegations.colleagues(world.user("370100-b"))]
    assert names == ["370100", "370100-a"]
    assert delegations.colleagues(world.user("expert05")) == []
