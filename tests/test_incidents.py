"""Applications that cannot go on by themselves become incidents that operations see and act on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from app.extensions import db
from app.models import HistoryEvent, Incident, Instance
from app.services.errors import ServiceError
from app.services.lifecycle import timers
from app.services.reading.element_text import incident_place
from app.services.store import incidents
from app.services.store.deployment import deploy, engine_for, latest_version, read_directory

from .conftest import DEADLINE
from .web_helpers import login

# A process owner's mistake: "review passed" drawn as a catch of a signal that nothing throws, so after
# the province's decision the application waits for something that never comes.
_PASSED_END = (
    '<bpmn:endEvent id="End_ReviewPassed" name="初审通过">\n      <bpmn:extensionElements>\n'
    "        <spiffworkflow:properties>\n"
    '          <spiffworkflow:property name="outcome" value="review_passed" />\n'
    '          <spiffworkflow:property name="name_en" value="Review passed" />\n'
    "        </spiffworkflow:properties>\n      </bpmn:extensionElements>\n"
    "      <bpmn:incoming>Flow_Passed</bpmn:incoming>\n    </bpmn:endEvent>"
)
WAITS_FOR_NOTHING = (
    (
        _PASSED_END,
        '<bpmn:intermediateCatchEvent id="End_ReviewPassed" name="等待省厅确认">'
        "<bpmn:incoming>Flow_Passed</bpmn:incoming>"
        '<bpmn:signalEventDefinition id="SignalDefinition_Confirmed" signalRef="Signal_Confirmed" />'
        "</bpmn:intermediateCatchEvent>",
    ),
    (
        '<bpmn:collaboration id="Collaboration_Review">',
        '<bpmn:signal id="Signal_Confirmed" name="省厅确认" /><bpmn:collaboration id="Collaboration_Review">',
    ),
)
# A script after the call's deadline that breaks: the deadline of an application on this version fails.
BROKEN_AFTER_DEADLINE = (
    '<bpmn:sequenceFlow id="Flow_Deadline_To_Late" sourceRef="Timer_Deadline" targetRef="End_Late" />',
    '<bpmn:sequenceFlow id="Flow_Deadline_To_Late" sourceRef="Timer_Deadline" targetRef="Script_Broken" />'
    '<bpmn:scriptTask id="Script_Broken" name="记录逾期"><bpmn:incoming>Flow_Deadline_To_Late</bpmn:incoming>'
    "<bpmn:outgoing>Flow_Broken_To_Late</bpmn:outgoing><bpmn:script>late_days = 1 // 0</bpmn:script>"
    "</bpmn:scriptTask>"
    '<bpmn:sequenceFlow id="Flow_Broken_To_Late" sourceRef="Script_Broken" targetRef="End_Late" />',
)
LATE_END_FROM_SCRIPT = (
    "<bpmn:incoming>Flow_Deadline_To_Late</bpmn:incoming>",
    "<bpmn:incoming>Flow_Broken_To_Late</bpmn:incoming>",
)
# A condition that breaks only when the city returns the plan.
BROKEN_RETURN = ('city_decision == "return"<', 'city_decision == "return" and 1 // 0 == 0<')


def _deploy_variant(app, filename: str, *replacements: tuple[str, str]):
    """Deploy the current diagrams with text replaced in one file, as a process owner would."""
    current = latest_version(app.config["PROCESS_KEY"])
    files = dict(current.bpmn_files)
    for old, new in replacements:
        assert files[filename].count(old) == 1, old
        files[filename] = files[filename].replace(old, new)
    return deploy(current.process_key, current.main_process_id, files, current.form_files, note="variant")


def _restore_original(app):
    """Deploy the repository's diagrams again (the owner's fix)."""
    first = latest_version(app.config["PROCESS_KEY"])
    return deploy(
        first.process_key,
        first.main_process_id,
        read_directory(app.config["BPMN_DIR"], ".bpmn"),
        read_directory(app.config["FORMS_DIR"], ".json"),
        note="fixed",
    )


def _open(instance) -> list[Incident]:
    db.session.expire_all()
    return incidents.open_incidents_of(db.session.get(Instance, instance.id))


def _stalled_after_the_review(app, world) -> Instance:
    _deploy_variant(app, "review.bpmn", *WAITS_FOR_NOTHING)
    instance = world.start("370102")
    world.forward(instance)
    world.review_round(instance, "pass", experts=("expert05",))
    return world.reload(instance)


def test_a_catch_of_a_signal_nothing_throws_stalls_the_application_as_an_incident(app, world, client):
    stalled = _stalled_after_the_review(app, world)

    (incident,) = _open(stalled)
    assert incident.kind == incidents.STALLED
    assert incident.element_ids == "End_ReviewPassed"
    assert incident.element_names == "等待省厅确认"
    assert world.reload(stalled).status == "running"

    login(client, "370102")
    page = client.get(f"/applications/{stalled.id}").get_data(as_text=True)
    assert "此申请无法自行继续" in page and "等待省厅确认" in page
    client.post("/logout")
    for username in ("admin", "auditor", "owner"):
        login(client, username)
        listed = client.get("/admin/incidents")
        assert listed.status_code == 200, username
        assert f"#{stalled.id} 济南市历下区" in listed.get_data(as_text=True)
        client.post("/logout")
    for username in ("province", "370102", "expert05"):
        login(client, username)
        assert client.get("/admin/incidents").status_code == 403, username
        client.post("/logout")


def test_the_incident_list_in_the_api_names_where_the_application_stopped(app, world, api):
    stalled = _stalled_after_the_review(app, world)
    listed = api.get("auditor", "/api/incidents")
    assert listed.status_code == 200
    (item,) = listed.get_json()
    assert item["instance_id"] == stalled.id
    assert item["kind"] == "stalled" and item["element_ids"] == ["End_ReviewPassed"]
    assert api.get("370102", "/api/incidents").status_code == 403


def test_a_failing_deadline_is_an_incident_and_the_other_deadlines_still_fire(app, world, clock):
    _deploy_variant(app, "lifecycle.bpmn", LATE_END_FROM_SCRIPT, BROKEN_AFTER_DEADLINE)
    broken = world.start("370102")
    _restore_original(app)
    healthy = world.start("370203")

    clock.set(DEADLINE + timedelta(minutes=1))
    assert timers.fire_due_timers() == 1
    assert world.reload(healthy).outcome == "late"
    assert world.reload(broken).status == "running"
    (incident,) = _open(broken)
    assert incident.kind == incidents.TIMER_FAILED and incident.element_ids == "Script_Broken"
    assert "division" in incident.message or "ZeroDivisionError" in incident.message

    events_before = db.session.scalar(select(func.count()).select_from(HistoryEvent))
    assert timers.fire_due_timers() == 0, "the failed application is skipped until someone retries"
    assert len(_open(broken)) == 1
    assert db.session.scalar(select(func.count()).select_from(HistoryEvent)) == events_before

    with pytest.raises(ServiceError):
        incidents.retry(world.user("auditor"), incident.id, clock.now())
    incidents.retry(world.user("admin"), incident.id, clock.now())
    assert _open(broken) == []
    assert timers.fire_due_timers() == 0
    (again,) = _open(broken)
    assert again.id != incident.id and again.kind == incidents.TIMER_FAILED


def test_a_failed_step_is_recorded_and_a_later_step_that_moves_on_resolves_it(app, world):
    _deploy_variant(app, "declaration.bpmn", BROKEN_RETURN)
    instance = world.start("370102")
    world.declare(instance)
    with pytest.raises(ServiceError) as refused:
        world.city_decides(instance, "return", "请补充")
    assert "Flow_Return" in refused.value.message or "Gateway_CityDecision" in refused.value.message
    (incident,) = _open(instance)
    assert incident.kind == incidents.STEP_FAILED
    assert world.task(instance, "Task_CityReview") is not None, "the failed step changed nothing"

    world.city_decides(instance, "forward")
    assert _open(instance) == []
    resolved = db.session.get(Incident, incident.id)
    assert resolved.resolution == incidents.MOVED_ON


def test_the_worker_finds_applications_that_stalled_before_the_check_existed(app, world, clock):
    stalled = _stalled_after_the_review(app, world)
    db.session.execute(delete(Incident))
    db.session.commit()

    assert timers.worker_pass().stalled == 1
    (incident,) = _open(stalled)
    assert incident.kind == incidents.STALLED
    assert timers.worker_pass().stalled == 0, "an open incident is not opened twice"


def test_administrators_watch_operations_and_sign_ins_not_application_histories(world, client, api):
    instance = world.start("370102")
    login(client, "admin")
    assert client.get("/audit").status_code == 403
    assert client.get(f"/audit/instances/{instance.id}").status_code == 404
    assert client.get("/audit/security").status_code == 200
    assert client.get("/admin/incidents").status_code == 200
    assert api.get("admin", f"/api/instances/{instance.id}/verify").status_code == 404


def test_an_unnamed_place_reads_as_its_kind_never_as_its_id(app, world):
    """The names stored with an incident spell an unnamed element's id: the reader gets its kind."""
    instance = world.start("370102")
    unnamed = next(iter(engine_for(instance.version).definition.unnamed_element_kinds()))
    incident = Incident(instance=instance, element_ids=unnamed, element_names=unnamed)
    for language in ("zh_CN", "en"):
        with app.test_request_context(headers={"Accept-Language": language}):
            place = incident_place(incident)
        assert place and unnamed not in place, language
