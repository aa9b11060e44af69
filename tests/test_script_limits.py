"""A diagram's hostile code cannot stall the web workers, the timer worker or a deploy.

The versions with hostile code are stored with ``deployment.deploy`` directly, as versions deployed
before the evaluator limits existed would be; the workbench now refuses them (last tests). Elapsed
bounds are safety bounds (the wall limit plus 3 s), not performance assertions.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select

from app.engine import EvaluatorLimits, configure_evaluators, evaluator_limits
from app.extensions import db
from app.models import Instance, ReadyTask
from app.services.errors import RuleViolation, ServiceError
from app.services.lifecycle import timers
from app.services.store import deployment
from app.services.workbench import drafts as workbench
from app.services.workbench import regression

from .conftest import DEADLINE
from .web_helpers import csrf_token, login

# Hashing a tuple nested 64 times (2**64 steps in one C call); `>` escaped for the XML.
NESTED = "((t := (1,)) and [(t := (t, t)) for i in range(64)] and len({t}) &gt; 0)"
# The gateway looks at the return flow first: any other decision reaches the hostile part.
RETURN = 'city_decision == "return"'


@pytest.fixture(autouse=True)
def limits(app):
    before = evaluator_limits()
    tight = EvaluatorLimits(wall_seconds=1.5, cpu_seconds=0.5)
    configure_evaluators(tight)
    yield tight
    configure_evaluators(before)


def _deploy_changed(file: str, old: str, new: str):
    key = current_app.config["PROCESS_KEY"]
    current = deployment.current_version(key)
    files = dict(current.bpmn_files)
    assert old in files[file]
    files[file] = files[file].replace(old, new)
    return deployment.deploy(key, current.main_process_id, files, dict(current.form_files), note="hostile")


def _snapshot(world, instance: Instance) -> tuple:
    instance = world.reload(instance)
    ready = db.session.scalars(select(ReadyTask.element_id).where(ReadyTask.instance_id == instance.id))
    return instance.revision, instance.state_hash, instance.status, sorted(ready)


def test_a_hostile_condition_fails_the_step_and_the_server_answers_meanwhile(world, client, limits):
    _deploy_changed("declaration.bpmn", RETURN, f"{RETURN} or {NESTED}")
    instance = world.start("370102")
    world.declare(instance)
    before = _snapshot(world, instance)
    outcome: list[str] = []

    def city_forwards_it():
        with world.app.app_context():
            try:
                world.city_decides(db.session.get(Instance, instance.id), "forward")
            except ServiceError as exc:
                outcome.append(exc.message)
            finally:
                db.session.remove()

    stuck = threading.Thread(target=city_forwards_it)
    started = time.monotonic()
    stuck.start()
    time.sleep(0.2)  # a head start for the hostile request (not a deadline)
    asked = time.monotonic()
    page = client.get("/login")
    answered_after = time.monotonic() - asked
    still_stuck = stuck.is_alive()
    stuck.join()
    assert page.status_code == 200 and still_stuck and answered_after < limits.wall_seconds / 2
    assert time.monotonic() - started < limits.wall_seconds + 3
    assert outcome and "Gateway_CityDecision" in outcome[0]
    assert _snapshot(world, instance) == before, "nothing changed"


def test_a_hostile_script_after_the_deadline_does_not_hold_up_other_deadlines(world, limits):
    fine = world.start("370102")
    _deploy_changed(
        "lifecycle.bpmn",
        '<bpmn:sequenceFlow id="Flow_Deadline_To_Late" sourceRef="Timer_Deadline" targetRef="End_Late" />',
        '<bpmn:sequenceFlow id="Flow_Deadline_To_Late" sourceRef="Timer_Deadline" targetRef="Script_Late" />'
        f'<bpmn:scriptTask id="Script_Late" name="逾期处理"><bpmn:script>found = {NESTED}</bpmn:script>'
        "</bpmn:scriptTask>"
        '<bpmn:sequenceFlow id="Flow_Script_To_Late" sourceRef="Script_Late" targetRef="End_Late" />',
    )
    hostile = world.start("370103")
    before = _snapshot(world, hostile)
    world.clock.set(DEADLINE + timedelta(minutes=1))
    started = time.monotonic()
    fired = timers.fire_due_timers()
    assert time.monotonic() - started < limits.wall_seconds + 3
    assert fired == 1 and world.reload(fine).status == "completed"
    assert world.reload(fine).outcome_label == "逾期未报"
    assert _snapshot(world, hostile) == before


def test_a_hostile_script_at_the_start_refuses_the_application_clearly(world, api, limits):
    _deploy_changed(
        "lifecycle.bpmn",
        '<bpmn:sequenceFlow id="Flow_Start_To_Declaration" sourceRef="Start_Lifecycle" '
        'targetRef="Call_Declaration" />',
        '<bpmn:sequenceFlow id="Flow_Start_To_Declaration" sourceRef="Start_Lifecycle" '
        'targetRef="Script_Init" />'
        f'<bpmn:scriptTask id="Script_Init" name="初始化"><bpmn:script>found = {NESTED}</bpmn:script>'
        "</bpmn:scriptTask>"
        '<bpmn:sequenceFlow id="Flow_Init" sourceRef="Script_Init" targetRef="Call_Declaration" />',
    )
    world.open_call()
    started = time.monotonic()
    response = api.post("370102", "/api/instances")
    assert time.monotonic() - started < limits.wall_seconds + 3
    assert response.status_code == 400 and "Script_Init" in response.get_json()["message"]
    assert db.session.scalar(select(func.count(Instance.id))) == 0


def _draft_with_hostile_condition(world):
    owner = world.user("owner")
    world.forward(world.start("370102"))
    draft = workbench.create_draft(owner, "带恶意条件")
    declaration = draft.bpmn_files["declaration.bpmn"].replace(RETURN, f"{RETURN} or {NESTED}")
    workbench.save_file(owner, draft.id, "declaration.bpmn", declaration)
    return owner, workbench.draft(owner, draft.id)


def test_deploying_a_draft_whose_code_breaks_a_limit_on_replay_is_refused(world, limits):
    owner, draft = _draft_with_hostile_condition(world)
    started = time.monotonic()
    report = regression.regression_report(draft)
    assert time.monotonic() - started < limits.wall_seconds + 3
    assert report.breach is not None and report.breach.limit in {"CPU time", "wall clock"}
    assert report.breach.stopped_at == "审核结论? (Gateway_CityDecision)"
    with pytest.raises(RuleViolation) as refused:
        workbench.deploy_draft(owner, draft.id, "试试")
    assert "审核结论? (Gateway_CityDecision)" in refused.value.message and "上限" in refused.value.message
    assert workbench.draft(owner, draft.id).deployed_version_id is None


def test_the_deploy_page_names_the_element_and_the_limit_and_refuses_even_when_confirmed(world, client):
    owner, draft = _draft_with_hostile_condition(world)
    login(client, "owner")
    page = client.get(f"/modeler/drafts/{draft.id}/deploy")
    body = page.get_data(as_text=True)
    assert 'data-testid="breach"' in body and "Gateway_CityDecision" in body
    posted = client.post(
        f"/modeler/drafts/{draft.id}/deploy",
        data={"note": "试试", "confirm": "yes", "csrf_token": csrf_token(body)},
    )
    assert posted.status_code == 422 and "Gateway_CityDecision" in posted.get_data(as_text=True)
    assert workbench.draft(owner, draft.id).deployed_version_id is None


def test_draft_checks_compile_scripts_and_expressions_in_an_evaluator(world):
    """Conditions must be single expressions and scripts must compile, not only parse."""
    owner = world.user("owner")
    draft = workbench.create_draft(owner, "编译检查")
    declaration = draft.bpmn_files["declaration.bpmn"].replace(RETURN, 'decided = "return"')
    implementation = draft.bpmn_files["implementation.bpmn"].replace(
        "<bpmn:script>experiment_year = 0", "<bpmn:script>return 0\nexperiment_year = 0", 1
    )
    workbench.save_file(owner, draft.id, "declaration.bpmn", declaration)
    problems = workbench.save_file(owner, draft.id, "implementation.bpmn", implementation)
    refused = {(p.file, p.rule) for p in problems if p.severity == "error"}
    assert ("declaration.bpmn", "condition-parses") in refused
    assert ("implementation.bpmn", "script-parses") in refused
    messages = " ".join(p.message for p in problems)
    assert "'return' outside function" in messages
