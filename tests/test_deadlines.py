"""Every task carries the due date its diagram declares; people hear of the tasks a step gives them."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from app.clock import PROGRAMME_TZ
from app.demo import driver
from app.extensions import db
from app.models import Notification
from app.services.errors import ValidationFailed
from app.services.lifecycle import tasks

from .conftest import DEADLINE


def _notes(username: str) -> list[tuple[str, dict]]:
    user = driver.user(username)
    rows = db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    )
    return [(n.kind, n.params) for n in rows]


def test_the_declaration_and_the_citys_review_are_due_by_the_calls_deadline(world):
    instance = world.start("370102")
    assert world.task(instance, "Task_Declare").due_at == DEADLINE.replace(second=0)
    world.declare(instance)
    assert world.task(instance, "Task_CityReview").due_at == DEADLINE.replace(second=0)


def test_review_experts_are_due_by_the_date_the_province_chose(world, clock):
    instance = world.start("370102")
    world.forward(instance)
    task = world.task(instance, "Task_AssignExperts")
    with pytest.raises(ValidationFailed) as refused:
        tasks.complete_task(
            world.user("province"), task.id, {"review_experts": ["expert05"], "review_due": "2026-05-01"}
        )
    assert [(e.field, e.message) for e in refused.value.errors] == [
        ("review_due", "日期已过（今天是 2026-05-04）。")
    ]
    tasks.complete_task(
        world.user("province"), task.id, {"review_experts": ["expert05"], "review_due": "2026-05-20"}
    )
    opinion = world.task(instance, "Task_ExpertOpinion", "expert05")
    assert opinion.due_at == datetime(2026, 5, 20, 23, 59, 59, tzinfo=PROGRAMME_TZ)


def test_an_annual_plan_is_due_thirty_days_into_its_year(world):
    zone = world.recognised_zone("370102", "2026-10-08")
    assert world.task(zone, "Task_AnnualPlan").due_at == datetime(
        2026, 11, 7, 23, 59, 59, tzinfo=PROGRAMME_TZ
    )


def test_a_task_for_a_unit_is_told_to_its_people_a_return_and_an_end_to_the_applicant(world):
    instance = world.start("370102")
    assert _notes("370100") == []
    world.declare(instance)
    ((kind, params),) = _notes("370100")
    assert (
        kind == "new_task" and params["task"] == "市级审核" and params["application"].endswith("济南市历下区")
    )
    assert params["due"] == "2026-06-30" and params["link"].startswith("/tasks/")

    world.city_decides(instance, "return", "请补充实验举措。")
    assert [kind for kind, _params in _notes("370102")] == ["returned"], "asked for the declaration again"
    world.declare(instance)
    world.city_decides(instance, "forward")
    assert _notes("province")[-1][0] == "new_task"


def test_the_applicant_hears_the_end_of_its_application(world, clock):
    instance = world.start("370102")
    world.declare(instance)
    clock.set(DEADLINE.replace(hour=23, minute=59, second=59))
    from datetime import timedelta

    from app.services.lifecycle import timers

    clock.advance(timedelta(minutes=5))
    timers.fire_due_timers()
    kinds = [kind for kind, _params in _notes("370102")]
    assert kinds[-1] == "decided"
    assert _notes("370102")[-1][1]["outcome"] == "逾期未报"


def test_a_due_date_the_evaluator_refuses_is_a_problem_of_the_draft(world):
    from app.services.workbench import drafts as workbench

    owner = world.user("owner")
    draft = workbench.create_draft(owner, "截止日期")
    broken = draft.bpmn_files["declaration.bpmn"].replace(
        'name="dueDate" value="call_deadline"', 'name="dueDate" value="__import__(&quot;os&quot;)"', 1
    )
    problems = workbench.save_file(owner, draft.id, "declaration.bpmn", broken)
    found = [p for p in problems if p.rule == "due date-parses"]
    assert len(found) == 1 and found[0].element_id == "Task_Declare"
