"""A completion writes state, ready tasks and history together, or nothing at all."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Document, HistoryEvent, Instance, ReadyTask
from app.services.errors import Conflict, ServiceError, ValidationFailed
from app.services.lifecycle import tasks
from app.services.store.runs import load_run

from .conftest import race, race_each


def _snapshot(instance_id):
    db.session.expire_all()
    instance = db.session.get(Instance, instance_id)
    state = db.session.scalar(select(Instance.state).where(Instance.id == instance_id))
    return (
        instance.revision,
        state,
        sorted(db.session.scalars(select(ReadyTask.id).where(ReadyTask.instance_id == instance_id))),
        db.session.scalar(select(func.count(HistoryEvent.id)).where(HistoryEvent.instance_id == instance_id)),
        db.session.scalar(select(func.count(Document.id)).where(Document.instance_id == instance_id)),
    )


def test_twenty_concurrent_completions_one_winner(app, world):
    instance = world.start("370102")
    world.declare(instance)
    task_id = world.task(instance, "Task_CityReview").id
    before = _snapshot(instance.id)
    results = race(
        app, 20, lambda: tasks.complete_task(world.user("370100"), task_id, {"city_decision": "forward"})
    )
    assert results.count("ok") == 1, results
    conflicts = [r for r in results if r != "ok"]
    assert len(conflicts) == 19
    assert all(r == "该任务已由济南市民政局办理完成。" for r in conflicts), results
    after = _snapshot(instance.id)
    assert after[0] == before[0] + 1
    completions = db.session.scalars(
        select(HistoryEvent).where(HistoryEvent.task_id == task_id, HistoryEvent.kind == "task_completed")
    ).all()
    assert len(completions) == 1


def test_api_reports_a_second_completion_as_409(api, world):
    instance = world.start("370102")
    world.declare(instance)
    task_id = world.task(instance, "Task_CityReview").id
    first = api.post("370100", f"/api/tasks/{task_id}/complete", {"data": {"city_decision": "forward"}})
    assert first.status_code == 200
    second = api.post("370100", f"/api/tasks/{task_id}/complete", {"data": {"city_decision": "forward"}})
    assert second.status_code == 409
    assert "济南市民政局" in second.get_json()["message"]


def test_failed_validation_leaves_no_trace(world):
    instance = world.start("370102")
    before = _snapshot(instance.id)
    county = world.user("370102")
    with pytest.raises(ValidationFailed):
        tasks.complete_task(
            county, world.task(instance, "Task_Declare").id, world.declaration(plan_background="太短")
        )
    assert _snapshot(instance.id) == before


def test_failed_script_leaves_no_trace(app, world):
    """A hostile gateway condition in a newly deployed version fails the task and changes nothing."""
    from app.services.store.deployment import deploy, latest_version

    current = latest_version(app.config["PROCESS_KEY"])
    hostile = dict(current.bpmn_files)
    hostile["declaration.bpmn"] = (
        hostile["declaration.bpmn"]
        .replace('city_decision == "forward"', "__import__('os').system('echo owned')")
        .replace("city_decision == &quot;forward&quot;", "__import__('os').system('echo owned')")
    )
    assert hostile["declaration.bpmn"] != current.bpmn_files["declaration.bpmn"], "condition not found"
    deploy(current.process_key, current.main_process_id, hostile, current.form_files, note="hostile")
    instance = world.start("370102")
    world.declare(instance)
    before = _snapshot(instance.id)
    with pytest.raises(ServiceError) as raised:
        world.city_decides(instance, "forward")
    assert not isinstance(raised.value, Conflict)
    assert _snapshot(instance.id) == before


def test_experts_answering_at_the_same_moment_all_get_through(app, world):
    """Completions of different ready tasks of one application are retried on the newer revision."""
    experts = ("expert05", "expert06", "expert07", "expert08")
    instance = world.start("370102")
    world.forward(instance)
    world.assign(instance, *experts)
    db.session.commit()

    def opinion(expert):
        return lambda: world.opine(world.reload(instance), expert, "pass")

    results = race_each(app, [opinion(expert) for expert in experts])
    assert results == ["ok"] * len(experts), results
    decision = world.task(world.reload(instance), "Task_ReviewDecision")
    assert decision is not None, "every opinion was collected"
    opinions = load_run(world.reload(instance)).task_data(decision.id)["opinions"]
    assert opinions == ["pass"] * len(experts)
