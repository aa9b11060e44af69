"""Random walks over the whole lifecycle: whatever people decide, in whatever order, nothing gets stuck.

Hypothesis drives one or two applications through the real services: every ready task completed
with a drawn decision (experts of one review answering in any order, requests and their opinions
in between), changes, extensions and inspections started at drawn moments, the clock moved by drawn
spans with the timer worker's pass after each move (deadlines fire in between), and worker restarts
(the parsed diagrams forgotten, as a new gunicorn or timer process starts with nothing parsed).

After every step: no application has an open incident (it can always go on: a task is ready, a
timer or message is awaited, or it has ended), every history chain verifies, and a refused step
changed nothing. After each walk every history is re-executed: each of its steps must rebuild the
stored state byte for byte, so the state after every step is checked there, once, instead of
replaying the whole history again after each step.

The budget is small by default so the suite stays fast; ``LIFECYCLE_WALKS=200`` (walks) and
``LIFECYCLE_WALK_STEPS=120`` (steps per walk) run a longer search.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import timedelta

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app import create_app
from app.clock import PROGRAMME_TZ, FrozenClock
from app.clock import now as clock_now
from app.config import TestConfig
from app.demo import driver
from app.engine.scripting.script_functions import add_months
from app.extensions import db
from app.models import Instance, ReadyTask, User
from app.services.audit import chain_check, reexecution
from app.services.errors import ServiceError
from app.services.lifecycle import calls, instance_actions, tasks, timers
from app.services.reading import queries
from app.services.store import deployment, incidents

from .conftest import DEADLINE, START

WALKS = int(os.environ.get("LIFECYCLE_WALKS", "8"))
STEPS = int(os.environ.get("LIFECYCLE_WALK_STEPS", "60"))
COUNTIES = ("370102", "370203")
REVIEWERS = ("expert05", "expert06", "expert07", "expert08")


def _user_of(task: ReadyTask) -> User:
    """Who acts on a ready task: the assigned person, else the unit's account."""
    if task.assignee_user_id is not None:
        return db.session.get(User, task.assignee_user_id)
    if task.assignee_org_id is not None:
        return db.session.scalar(select(User).where(User.org_id == task.assignee_org_id).order_by(User.id))
    raise AssertionError(f"nobody acts on {task.element_id}")


def _today() -> str:
    return clock_now().astimezone(PROGRAMME_TZ).date().isoformat()


# What each user task's people may decide; each entry draws the data, the service completes it.
Decide = Callable[[st.DataObject, Instance], dict | None]


def _choice(data: st.DataObject, *values: str) -> str:
    """One of ``values``, the first (the way onward) three times as likely: walks reach the later phases."""
    return data.draw(st.sampled_from([values[0]] * 2 + list(values)))


def _declaration(data: st.DataObject, instance: Instance) -> dict:
    return driver.declaration(instance.applicant.adcode, theme=data.draw(st.sampled_from([0, 1, 23])))


DECISIONS: dict[str, Decide] = {
    "Task_Declare": _declaration,
    "Task_Revise": _declaration,
    "Task_CityReview": lambda d, i: (
        {"city_decision": "forward"}
        if _choice(d, "forward", "return") == "forward"
        else {"city_decision": "return", "city_comments": "请补充实验举措。"}
    ),
    "Task_AssignExperts": lambda d, i: {
        "review_experts": d.draw(st.lists(st.sampled_from(REVIEWERS), min_size=1, max_size=3, unique=True))
    },
    "Task_ExpertOpinion": lambda d, i: {
        "opinion": _choice(d, "pass", "improve"),
        "opinion_comments": "评审意见。",
    },
    "Task_ReviewDecision": lambda d, i: (
        {"review_result": "pass"}
        if _choice(d, "pass", "improve") == "pass"
        else {"review_result": "improve", "review_comments": "请细化分期目标。"}
    ),
    "Task_CityGuidance": lambda d, i: {"city_guidance_comments": "请按专家意见修改。"},
    "Task_AnnualPlan": lambda d, i: {"annual_plan_content": "年度实验计划：推进社区协商议事。" * 4},
    "Task_AnnualSummary": lambda d, i: {"annual_summary_content": "年度总结：完成年度实验任务。" * 4},
    "Task_PlanOverdueCity": lambda d, i: {"followup_comments": "已督促。"},
    "Task_PlanOverdueProvince": lambda d, i: {"followup_comments": "已关注。"},
    "Task_SummaryOverdueCity": lambda d, i: {"followup_comments": "已督促。"},
    "Task_SummaryOverdueProvince": lambda d, i: {"followup_comments": "已关注。"},
    "Task_ChangeCityOpinion": lambda d, i: {
        "request_city_agrees": _choice(d, "agree", "disagree"),
        "request_city_opinion": "市级意见。",
    },
    "Task_ExtensionCityOpinion": lambda d, i: {
        "request_city_agrees": _choice(d, "agree", "disagree"),
        "request_city_opinion": "市级意见。",
    },
    "Task_ChangeDecision": lambda d, i: {
        "request_decision": _choice(d, "approve", "reject"),
        "request_decision_opinion": "省级意见。",
        "request_decision_date": _today(),
    },
    "Task_ExtensionDecision": lambda d, i: {
        "request_decision": _choice(d, "approve", "reject"),
        "request_decision_opinion": "省级意见。",
        "request_decision_date": _today(),
    },
    "Task_Rectification": lambda d, i: {"rectification_report": "已完成整改。"},
    "Task_FinalReport": lambda d, i: {"final_report_content": "实验期内形成了可复制推广的经验。" * 8},
    "Task_AcceptanceReview": lambda d, i: {
        "acceptance_result": _choice(d, "accepted", "not_accepted"),
        "acceptance_date": _today(),
        "acceptance_comments": "验收意见。",
    },
    "Task_NationalRecommendation": lambda d, i: (
        {
            "national_decision": "recommend",
            "national_programme": "rural_governance" if i.theme_kind == "rural" else "community_innovation",
        }
        if _choice(d, "recommend", "not_recommend") == "recommend"
        else {"national_decision": "not_recommend"}
    ),
}
# Steps whose data the demo driver builds (uploads, document numbers), with a drawn decision.
DRIVEN: dict[str, Callable[[st.DataObject, Instance], object]] = {
    "Task_FormalSubmission": lambda d, i: driver.submit_formally(i),
    "Task_CityRecommendation": lambda d, i: driver.city_recommends(i, agree=_choice(d, "yes", "no") == "yes"),
    "Task_PaperReceipt": lambda d, i: driver.receive_paper(i),
    "Task_Assessment": lambda d, i: driver.assess(i, _choice(d, "pass", "fail")),
    "Task_Recognition": lambda d, i: driver.recognise(i),
}


def _request(data: st.DataObject, instance: Instance, element_id: str) -> dict:
    """The data of a change request, an extension request or an inspection."""
    today = _today()
    if element_id == "Start_Inspection":
        rectify = data.draw(st.booleans())
        return {
            "inspection_kind": "field_visit",
            "inspection_date": today,
            "inspection_findings": "检查发现。",
            "rectification_required": "yes" if rectify else "no",
            **({"rectification_requirements": "请整改。"} if rectify else {}),
        }
    record = queries.experiment_record(instance)
    period_end = (record.period_end_date if record else None) or today
    if element_id == "Start_Extension":
        months = data.draw(st.integers(min_value=1, max_value=8))
        return {"extension_reason": "项目周期延长。", "new_end_date": add_months(period_end, months)}
    kind = _choice(data, "content", "schedule", "suspension")
    fields = {"change_type": kind, "change_reason": "实验安排调整。"}
    if kind == "content":
        fields["change_content"] = "增加小区议事会建设内容。"
    elif kind == "schedule":
        fields["new_plan_due"] = add_months(today, data.draw(st.integers(min_value=1, max_value=3)))
    return fields


def _revisions() -> dict[int, int]:
    db.session.expire_all()
    return dict(db.session.execute(select(Instance.id, Instance.revision)).all())


def _check_every_application() -> None:
    db.session.expire_all()
    for instance in db.session.scalars(select(Instance)):
        open_incidents = incidents.open_incidents_of(instance)
        assert open_incidents == [], (
            instance.id,
            [(i.kind, i.element_ids, i.message) for i in open_incidents],
        )
        if instance.status == "running":
            ready = db.session.scalar(select(ReadyTask.id).where(ReadyTask.instance_id == instance.id))
            assert ready or instance.next_timer_at, f"#{instance.id} waits for nothing in {instance.phase}"
        report = chain_check.verify_chain(instance)
        assert report.ok, (instance.id, report.problem)


def _complete(data: st.DataObject, clock: FrozenClock) -> str:
    # Ordered by what the walk did, not by task ids (random per workflow): replays draw the same.
    order = (ReadyTask.instance_id, ReadyTask.ready_since, ReadyTask.element_id, ReadyTask.assignee_user_id)
    ready = db.session.scalars(select(ReadyTask).order_by(*order)).all()
    if not ready:
        return _let_time_pass(data, clock)
    task = data.draw(st.sampled_from(ready))
    instance, element = task.instance, task.element_id
    if element in DRIVEN:
        DRIVEN[element](data, instance)
    else:
        tasks.complete_task(_user_of(task), task.id, DECISIONS[element](data, instance))
    return f"#{instance.id} {element}"


def _start_request(data: st.DataObject) -> str:
    offered = []
    for instance in db.session.scalars(
        select(Instance).where(Instance.status == "running").order_by(Instance.id)
    ):
        for user in (driver.user(instance.applicant.adcode), driver.user("province")):
            offered += [
                (instance, user, a.element_id) for a in instance_actions.available_actions(user, instance)
            ]
    if not offered:
        return "no request possible"
    instance, user, element_id = data.draw(st.sampled_from(offered))
    instance_actions.start_action(user, instance.id, element_id, _request(data, instance, element_id))
    return f"#{instance.id} {element_id}"


def _let_time_pass(data: st.DataObject, clock: FrozenClock) -> str:
    days = data.draw(st.sampled_from([1, 7, 20, 45, 120, 400]))
    clock.advance(timedelta(days=days))
    timers.worker_pass()
    return f"+{days} days"


def _restart_workers() -> str:
    """A new worker process has parsed nothing yet (what made reviews stall in the field)."""
    deployment._engine_for.cache_clear()
    return "worker restarted"


def _walk(data: st.DataObject, clock: FrozenClock) -> None:
    province = driver.user("province")
    call = calls.open_call(province, "2026年度全省城乡社区治理实验区申报", 2026, DEADLINE)
    for adcode in COUNTIES[: data.draw(st.integers(min_value=1, max_value=len(COUNTIES)))]:
        driver.start(adcode, call)
    for _step in range(STEPS):
        move = data.draw(st.sampled_from(["complete"] * 6 + ["request", "time", "restart"]))
        before = _revisions()
        try:
            if move == "complete":
                note = _complete(data, clock)
            elif move == "request":
                note = _start_request(data)
            elif move == "time":
                note = _let_time_pass(data, clock)
            else:
                note = _restart_workers()
        except ServiceError as refused:  # a rule said no (R4, R8, a date...): nothing may have changed
            db.session.rollback()
            assert _revisions() == before, refused.message
            note = f"refused: {refused.message}"
        data.draw(st.just(note), label="step")
        _check_every_application()
    for instance in db.session.scalars(select(Instance)):
        report = reexecution.reexecute(instance)
        assert report.ok, (instance.id, report.failure)
        event(f"reached: {instance.outcome_label or instance.phase}")
    version = deployment.latest_version("zone_lifecycle")
    running = deployment.engine_for(version).definition
    fresh = deployment.ProcessDefinition.from_files(
        {name: text.encode() for name, text in version.bpmn_files.items()}, version.main_process_id
    )
    assert running.wiring_fingerprint() == fresh.wiring_fingerprint(), "running changed the parsed diagrams"


@settings(
    max_examples=WALKS,
    deadline=None,
    derandomize=os.environ.get("LIFECYCLE_WALKS") is None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_random_walks_over_the_lifecycle_never_get_stuck(template_db, tmp_path_factory, data):
    clock = FrozenClock(START)
    with template_db.copy(tmp_path_factory.mktemp("walk"), "walk") as url:
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, CLOCK=clock)
        with app.app_context():
            try:
                _walk(data, clock)
            finally:
                db.session.remove()
                db.engine.dispose()
