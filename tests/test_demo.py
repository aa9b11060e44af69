"""The demo programme `scripts/run` seeds: real histories at every phase reached so far."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from app.demo import driver, seeding
from app.extensions import db
from app.models import Call, HistoryEvent, Instance, SimilarityMatch, User
from app.services.audit import chain_check, reexecution
from app.services.lifecycle import call_notices, tasks
from app.services.reading import queries


def test_demo_programme_tells_the_story(app):
    created = seeding.create_demo_programme()
    assert created == 25
    assert seeding.create_demo_programme() == 0, "seeding twice adds nothing"
    for call in db.session.scalars(select(Call)):
        assert "鲁民函〔2019〕50号" in call.notice_text and "0531-86152869" in call.contacts
        files = call_notices.attachments_of(call)
        assert [(f.kind, f.content_type) for f in files] == [
            ("notice", "application/pdf"),
            ("reference_themes", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ]
    instances = db.session.scalars(select(Instance)).all()
    outcomes = Counter(i.outcome or i.phase for i in instances)
    assert outcomes["late"] == 2
    assert outcomes["实验实施"] == 3, "first year; extended into a third year; summary overdue"
    assert outcomes["nationally_recommended"] == 1
    assert outcomes["accepted"] == 1
    assert outcomes["not_accepted"] == 1
    assert outcomes["terminated"] == 1
    assert outcomes["review_failed"] == 1
    assert outcomes["逐级推荐"] == 1
    assert outcomes["评估认定"] == 1, "waiting for the province's assessment"
    assert outcomes["验收评审"] == 1, "a final report waiting for the acceptance review"
    assert outcomes["方案初审"] == 5
    assert outcomes["自主申报"] == 7
    assert len({i.city_org_id for i in instances}) >= 6
    kinds = Counter(e.kind for e in db.session.scalars(select(HistoryEvent)))
    assert kinds["event_started"] == 6, "change requests, an extension and inspections were made"
    for username, element in [
        ("province", "Task_AssignExperts"),
        ("province", "Task_Assessment"),
        ("province", "Task_AcceptanceReview"),
        ("province", "Task_ChangeDecision"),
        ("province", "Task_SummaryOverdueProvince"),
        ("371000", "Task_ChangeCityOpinion"),
        ("371000", "Task_SummaryOverdueCity"),
        ("370783", "Task_Rectification"),
        ("370783", "Task_AnnualPlan"),
        ("expert05", "Task_ExpertOpinion"),
        ("expert06", "Task_ExpertOpinion"),
        ("expert07", "Task_ExpertOpinion"),
        ("expert08", "Task_ExpertOpinion"),
        ("371400", "Task_CityGuidance"),
        ("371100", "Task_CityRecommendation"),
        ("370300", "Task_CityReview"),
        ("370402", "Task_Declare"),
        ("370502", "Task_Declare"),
        ("370100-a", "Task_CityReview"),  # 济南市's staff: the unit head and a member
        ("370100-b", "Task_CityReview"),
        ("370102-a", "Task_Declare"),  # 历下区's staff
        ("370102-b", "Task_Declare"),
    ]:
        assert element in {t.element_id for t in queries.ready_tasks_for(driver.user(username))}, username
    waiting = next(
        t for t in queries.ready_tasks_for(driver.user("province")) if t.form == "assign_experts.json"
    )
    picker = tasks.task_context(driver.user("province"), waiting.id).choices["review_experts"]
    assert [c.value for c in picker if c.refused] == ["expert07"], "a guiding expert cannot review"
    flagged = [
        (m.check.instance.applicant.adcode, m.other_county.adcode)
        for m in db.session.scalars(select(SimilarityMatch))
    ]
    # Both were submitted before the worker's checks: each plan is flagged as like the other.
    assert sorted(flagged) == [("370302", "370883"), ("370883", "370302")], "the other plans differ"
    from app.services.reading.application_content import content_for_task

    expert06 = driver.user("expert06")
    second_round = next(
        t for t in queries.ready_tasks_for(expert06) if t.instance.applicant.adcode == "370214"
    )
    assert content_for_task(second_round, expert06).revision is not None, "a revision to compare"
    every_instance_has_history = db.session.scalars(select(HistoryEvent.instance_id).distinct()).all()
    assert len(every_instance_has_history) == len(instances)

    for instance in instances:  # every demo history is intact and re-executes to its stored state
        assert chain_check.verify_chain(instance).ok, instance.id
        report = reexecution.reexecute(instance)
        assert report.ok, (instance.id, report.failure)


def test_demo_draft_shows_a_regression_on_the_workbench(app):
    from app.services.workbench import drafts as workbench
    from app.services.workbench import regression

    seeding.create_demo_programme()
    assert seeding.create_demo_draft() == 1 and seeding.create_demo_draft() == 0
    (draft,) = workbench.drafts(driver.user("owner"))
    report = regression.regression_report(draft)
    assert report.count(regression.DIFFERENT) == 1, "the application that failed its review twice"
    assert report.count(regression.FAILS) == 0


def _fresh_worker() -> None:
    """Forget every parsed version, as a newly started gunicorn or timer worker process has nothing parsed."""
    from app.services.store import deployment

    deployment._engine_for.cache_clear()


def test_every_outstanding_expert_opinion_of_the_demo_moves_its_review_on(app, clock):
    """The demo is seeded by one process and the experts answer in another, as on a real server."""
    from datetime import datetime

    from app.clock import PROGRAMME_TZ
    from app.models import ReadyTask
    from app.services.lifecycle import tasks
    from app.services.store import incidents

    seeding.create_demo_programme()
    clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=PROGRAMME_TZ))
    _fresh_worker()
    outstanding = db.session.scalars(
        select(ReadyTask).where(ReadyTask.element_id == "Task_ExpertOpinion").order_by(ReadyTask.instance_id)
    ).all()
    reviewed = {task.instance_id for task in outstanding}
    assert len(outstanding) == 6 and len(reviewed) == 3, (
        "expert06 on one application, three experts on another, two on a revision's second round"
    )
    for task_id, expert_id in [(t.id, t.assignee_user_id) for t in outstanding]:
        expert_user = db.session.get(User, expert_id)
        tasks.complete_task(expert_user, task_id, {"opinion": "pass", "opinion_comments": "同意通过。"})

    db.session.expire_all()
    for instance in db.session.scalars(select(Instance)):
        ready = db.session.scalars(
            select(ReadyTask.element_id).where(ReadyTask.instance_id == instance.id)
        ).all()
        assert instance.status == "completed" or ready or instance.next_timer_at, instance.id
        assert incidents.open_incidents_of(instance) == [], instance.id
        if instance.id in reviewed:
            assert ready == ["Task_ReviewDecision"], "the province decides from the collected opinions"
        assert chain_check.verify_chain(instance).ok, instance.id
        report = reexecution.reexecute(instance)
        assert report.ok, (instance.id, report.failure)
