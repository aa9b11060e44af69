"""Phase 5/6 requests alongside the experiment: change requests (R6), inspections, extensions (R8).

Each is an event sub-process of implementation.bpmn started by a message: the zone (or the
province, for inspections) starts it from the application page; the city gives its opinion and the
province decides. Nothing changes before the province approves.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.clock import PROGRAMME_TZ
from app.demo import driver
from app.services.errors import NotFound, RuleViolation, ValidationFailed
from app.services.lifecycle import instance_actions, timers
from app.services.reading import history_view, queries

from .web_helpers import csrf_token, login

# world.recognised_zone: recognised 2026-10-08 for 22 months → the period's last day is 2028-08-07.
PLAN_DUE = datetime(2026, 11, 7, 23, 59, 59, tzinfo=PROGRAMME_TZ)


@pytest.fixture
def zone(world):
    return world.recognised_zone("370102", "2026-10-08")


def _offered(world, username, instance):
    return {a.element_id for a in instance_actions.available_actions(world.user(username), instance)}


def _decided(world, instance, kind: str, approve: bool):
    driver.city_opinion_on_request(instance, f"Task_{kind}CityOpinion")
    driver.decide_request(instance, f"Task_{kind}Decision", approve=approve)
    return world.reload(instance)


def test_each_role_is_offered_what_its_lane_may_start(world, zone):
    assert _offered(world, "370102", zone) == {"Start_ChangeRequest", "Start_Extension"}
    assert _offered(world, "province", zone) == {"Start_Inspection"}
    assert _offered(world, "370100", zone) == set()
    assert _offered(world, "370202", zone) == set(), "another county sees nothing"


def test_nothing_to_start_before_implementation(world):
    instance = world.start("370102")
    assert _offered(world, "370102", instance) == set()
    with pytest.raises(RuleViolation) as refused:
        driver.request_change(instance, "content")
    assert refused.value.message == "本申请当前处于“自主申报”阶段，不能办理“提出变更申请”。"


def test_a_city_cannot_start_the_zones_change_request(world, zone):
    with pytest.raises(NotFound):
        instance_actions.start_action(world.user("370100"), zone.id, "Start_ChangeRequest", {})


def test_r6_a_pending_content_change_changes_nothing_then_approval_records_it(world, zone):
    driver.request_change(zone, "content", change_content="增加小区议事会建设内容。")
    zone = world.reload(zone)
    assert world.task(zone, "Task_ChangeCityOpinion").role == "city"
    assert queries.experiment_record(zone).content_changes == [], "pending: not in effect (R6)"
    driver.city_opinion_on_request(zone, "Task_ChangeCityOpinion")
    assert world.task(zone, "Task_ChangeDecision").role == "province"
    assert queries.experiment_record(zone).content_changes == [], "the city's opinion is not approval"
    driver.decide_request(zone, "Task_ChangeDecision", approve=True)
    changes = queries.experiment_record(world.reload(zone)).content_changes
    assert [c["content"] for c in changes] == ["增加小区议事会建设内容。"]
    assert world.task(zone, "Task_AnnualPlan") is not None, "the experiment goes on"


def test_a_rejected_content_change_changes_nothing(world, zone):
    driver.request_change(zone, "content")
    zone = _decided(world, zone, "Change", approve=False)
    assert queries.experiment_record(zone).content_changes == []
    assert zone.status == "running"


def test_r6_an_approved_schedule_adjustment_moves_the_dates_it_names(world, zone):
    driver.request_change(zone, "schedule", new_plan_due="2026-12-31")
    zone = world.reload(zone)
    assert world.task(zone, "Task_AnnualPlan").due_at == PLAN_DUE, "pending: the old due date holds (R6)"
    zone = _decided(world, zone, "Change", approve=True)
    moved = datetime(2026, 12, 31, 23, 59, 59, tzinfo=PROGRAMME_TZ)
    assert world.task(zone, "Task_AnnualPlan").due_at == moved
    assert zone.next_timer_at == moved
    record = queries.experiment_record(zone)
    assert record.plan_due == "2026-12-31"
    assert record.period_end_date == "2028-08-07", "a schedule adjustment leaves the period alone"


def test_the_old_due_date_no_longer_flags_after_an_adjustment(world, clock, zone):
    driver.request_change(zone, "schedule", new_plan_due="2026-12-31")
    zone = _decided(world, zone, "Change", approve=True)
    clock.set(PLAN_DUE + timedelta(days=1))
    assert timers.fire_due_timers() == 0
    assert world.task(zone, "Task_PlanOverdueCity") is None


def test_a_rejected_schedule_adjustment_keeps_the_dates(world, zone):
    driver.request_change(zone, "schedule", new_plan_due="2026-12-31")
    zone = _decided(world, zone, "Change", approve=False)
    assert world.task(zone, "Task_AnnualPlan").due_at == PLAN_DUE


def test_a_schedule_adjustment_must_name_a_future_date(world, zone):
    with pytest.raises(ValidationFailed) as none_named:
        driver.request_change(zone, "schedule")
    assert [(e.field, e.message) for e in none_named.value.errors] == [
        ("new_plan_due", "进度调整须至少写明一个新的报送期限。")
    ]
    with pytest.raises(ValidationFailed) as past:
        driver.request_change(zone, "schedule", new_summary_due="2026-01-01")
    assert [(e.field, e.message) for e in past.value.errors] == [
        ("new_summary_due", "新的报送期限不能早于今天。")
    ]
    assert world.task(zone, "Task_ChangeCityOpinion") is None, "a refused request starts nothing"


def test_a_content_change_must_say_what_changes(world, zone):
    with pytest.raises(ValidationFailed) as refused:
        driver.request_change(zone, "content", change_content="")
    assert [e.field for e in refused.value.errors] == ["change_content"]


def test_r6_an_approved_suspension_terminates_the_experiment(world, zone):
    driver.request_change(zone, "suspension")
    zone = world.reload(zone)
    assert zone.status == "running", "pending: the experiment goes on (R6)"
    zone = _decided(world, zone, "Change", approve=True)
    assert (zone.status, zone.outcome, zone.outcome_label) == ("completed", "terminated", "实验中止")
    assert queries.open_tasks_of(zone) == []


def test_a_rejected_suspension_keeps_the_experiment_running(world, zone):
    driver.request_change(zone, "suspension")
    zone = _decided(world, zone, "Change", approve=False)
    assert zone.status == "running"
    assert world.task(zone, "Task_AnnualPlan") is not None


def test_several_requests_may_run_at_once(world, zone):
    driver.request_change(zone, "content")
    driver.request_extension(zone, "2028-12-31")
    zone = world.reload(zone)
    assert world.task(zone, "Task_ChangeCityOpinion") is not None
    assert world.task(zone, "Task_ExtensionCityOpinion") is not None


def test_inspection_without_rectification_is_recorded(world, zone):
    driver.record_inspection(zone)
    zone = world.reload(zone)
    assert world.task(zone, "Task_Rectification") is None
    kinds = [(e.kind, e.element_id) for e in queries.history_of(zone)][-1]
    assert kinds == ("event_started", "Start_Inspection")


def test_inspection_asking_for_rectification_goes_to_the_zone(world, zone):
    driver.record_inspection(zone, rectification=True)
    zone = world.reload(zone)
    assert world.task(zone, "Task_Rectification").role == "applicant"
    driver.rectify(zone)
    assert world.task(world.reload(zone), "Task_Rectification") is None


def test_history_shows_the_request_with_the_forms_labels(world, zone):
    driver.request_change(zone, "schedule", new_plan_due="2026-12-31")
    view = history_view.event_views(world.reload(zone), world.user("370102"))[-1]
    assert view.event.element_name == "提出变更申请"
    assert ("变更类型", "进度调整") in view.lines
    assert ("年度计划新的报送期限", "2026-12-31") in view.lines


# Extensions (R8) ------------------------------------------------------------------------------


def test_an_approved_extension_continues_the_annual_duties_to_the_new_end(world, clock, zone):
    driver.request_extension(zone, "2029-02-28")
    zone = _decided(world, zone, "Extension", approve=True)
    assert queries.experiment_record(zone).period_end_date == "2029-02-28"
    driver.run_the_experiment(zone)
    zone = world.reload(zone)
    years = [e for e in queries.history_of(zone) if e.element_id == "Task_AnnualSummary"]
    assert len(years) == 3, "28 months: a third experiment year with its plan and summary"
    assert zone.next_timer_at == datetime(2029, 2, 28, 23, 59, 59, tzinfo=PROGRAMME_TZ)
    zone = world.wait_for_next_timer(zone)
    assert world.task(zone, "Task_FinalReport") is not None


def test_an_extension_approved_after_the_duties_reopens_the_year_loop(world, zone):
    driver.run_the_experiment(zone)
    driver.request_extension(zone, "2029-06-30")
    zone = _decided(world, zone, "Extension", approve=True)
    assert world.task(zone, "Task_AnnualPlan") is not None, "year 3 begins"


def test_a_rejected_extension_keeps_the_end(world, zone):
    driver.request_extension(zone, "2029-02-28")
    zone = _decided(world, zone, "Extension", approve=False)
    assert queries.experiment_record(zone).period_end_date == "2028-08-07"


def test_r8_an_extension_is_refused_after_the_period_ended(world, clock, zone):
    # The zone is late with its last duties, so implementation still runs after the period's end.
    clock.set(datetime(2028, 8, 8, 9, 0, tzinfo=PROGRAMME_TZ))
    with pytest.raises(ValidationFailed) as refused:
        driver.request_extension(zone, "2029-02-28")
    assert [(e.field, e.message) for e in refused.value.errors] == [
        ("new_end_date", "实验期已于 2028-08-07 结束：延期申请须在实验期结束前提出。")
    ]
    assert world.task(world.reload(zone), "Task_ExtensionCityOpinion") is None


def test_r8_no_extension_once_the_period_end_closed_implementation(world, clock, zone):
    zone = world.wait_for_next_timer(driver.run_the_experiment(zone))
    assert zone.phase == "验收评审"
    with pytest.raises(RuleViolation) as refused:
        driver.request_extension(zone, "2029-02-28")
    assert refused.value.message == "本申请当前处于“验收评审”阶段，不能办理“提出延期申请”。"


def test_r8_the_period_end_takes_effect_before_a_late_extension_request(world, clock, zone):
    driver.run_the_experiment(zone)
    clock.set(datetime(2028, 8, 9, 9, 0, tzinfo=PROGRAMME_TZ))  # the worker has not run yet
    with pytest.raises(RuleViolation):
        driver.request_extension(zone, "2029-02-28")
    assert world.reload(zone).phase == "验收评审"


def test_an_extension_must_move_the_end_later(world, zone):
    with pytest.raises(ValidationFailed) as refused:
        driver.request_extension(zone, "2028-06-30")
    assert [(e.field, e.message) for e in refused.value.errors] == [
        ("new_end_date", "新的结束日期须晚于当前实验期结束日期（2028-08-07）。")
    ]


# Through the API and the web -------------------------------------------------------------------


def test_api_lists_and_starts_actions(world, api, zone):
    listed = api.get("370102", f"/api/instances/{zone.id}/actions")
    assert listed.status_code == 200
    assert {a["element_id"] for a in listed.json} == {"Start_ChangeRequest", "Start_Extension"}
    bad = api.post("370102", f"/api/instances/{zone.id}/actions/Start_Extension", {"data": {}})
    assert bad.status_code == 422
    assert "new_end_date" in str(bad.json)
    ok = api.post(
        "370102",
        f"/api/instances/{zone.id}/actions/Start_Extension",
        {"data": {"extension_reason": "项目延期", "new_end_date": "2029-01-31"}},
    )
    assert ok.status_code == 200, ok.json
    assert "Task_ExtensionCityOpinion" in {t["element_id"] for t in ok.json["ready_tasks"]}
    city = api.post("370100", f"/api/instances/{zone.id}/actions/Start_Extension", {"data": {}})
    assert city.status_code == 404


def test_web_zone_page_offers_the_requests_and_shows_the_schedule(client, world, zone):
    login(client, "370102")
    page = client.get(f"/applications/{zone.id}").get_data(as_text=True)
    assert "提出变更申请" in page and "提出延期申请" in page
    assert "记录检查评估" not in page, "inspections are the province's"
    assert "2028-08-07" in page, "the period's last day"


def test_web_request_form_keeps_what_was_typed_and_then_submits(client, world, zone):
    login(client, "370102")
    url = f"/applications/{zone.id}/actions/Start_ChangeRequest"
    form = client.get(url)
    assert form.status_code == 200 and "方可生效" in form.get_data(as_text=True), "R6 is said on the form"
    token = csrf_token(form.get_data(as_text=True))
    typed = {"csrf_token": token, "change_type": "schedule", "change_reason": "项目工期调整"}
    refused = client.post(url, data=typed)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "进度调整须至少写明一个新的报送期限。" in page and "项目工期调整" in page
    assert world.task(zone, "Task_ChangeCityOpinion") is None
    done = client.post(url, data=typed | {"new_plan_due": "2026-12-20"})
    assert done.status_code == 302
    assert world.task(world.reload(zone), "Task_ChangeCityOpinion") is not None


def test_web_city_cannot_open_the_zones_request_form(client, world, zone):
    login(client, "370100")
    assert client.get(f"/applications/{zone.id}/actions/Start_ChangeRequest").status_code == 404


def test_the_guiding_expert_keeps_sight_while_the_period_runs_out_with_no_task_open(world, api, zone):
    driver.run_the_experiment(zone)
    zone = world.reload(zone)
    assert queries.open_tasks_of(zone) == [], "every duty is in; the period runs to its last day"
    assert api.get("expert01", f"/api/instances/{zone.id}").status_code == 200


def test_the_phase_stays_implementation_while_a_request_or_the_period_end_is_pending(world, zone):
    driver.request_extension(zone, "2029-02-28")
    driver.annual_report(zone, "Task_AnnualPlan")
    assert world.reload(zone).phase == "实验实施"
    driver.city_opinion_on_request(zone, "Task_ExtensionCityOpinion")
    driver.decide_request(zone, "Task_ExtensionDecision", approve=False)
    driver.annual_report(zone, "Task_AnnualSummary")
    zone = world.reload(driver.run_the_experiment(zone))
    assert queries.open_tasks_of(zone) == [] and zone.phase == "实验实施", "waiting for the period's last day"
