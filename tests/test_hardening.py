"""Inputs a careless or hostile client sends, and races: clear refusals, nothing stored, no 500."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from app.extensions import db
from app.models import HistoryEvent, Instance
from app.services.errors import RuleViolation, ValidationFailed
from app.services.lifecycle import applications, tasks, timers

from .conftest import DEADLINE, race


def test_a_completion_after_the_deadline_closes_the_application_even_without_the_worker(world, clock):
    instance = world.start()
    world.declare(instance)
    clock.set(DEADLINE + timedelta(days=3))  # the worker never ran
    with pytest.raises(RuleViolation) as raised:
        world.city_decides(instance, "forward")
    assert "已逾期" in raised.value.message
    instance = world.reload(instance)
    assert instance.outcome == "late"
    kinds = db.session.scalars(
        select(HistoryEvent.kind).where(HistoryEvent.instance_id == instance.id).order_by(HistoryEvent.seq)
    ).all()
    assert kinds == ["started", "task_completed", "timer_fired", "ended"], "the late forward left no trace"


def test_api_refuses_fields_the_form_does_not_have(api, world):
    instance = world.start()
    world.declare(instance)
    task_id = world.task(instance, "Task_CityReview").id
    response = api.post(
        "370100",
        f"/api/tasks/{task_id}/complete",
        {
            "data": {
                "city_decision": "forward",
                "expert_comments": "伪造的专家意见",
                "call_deadline": "2099-01-01",
            }
        },
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.get_json()["errors"]} == {"expert_comments", "call_deadline"}
    assert world.task(instance, "Task_CityReview") is not None


def test_a_reference_theme_title_comes_from_the_reference_list_not_the_client(world):
    instance = world.start()
    world.declare(instance, theme_title="伪造的主题名称<script>")
    assert world.reload(instance).theme_title == "健全完善社区党组织领导基层群众性自治组织开展工作的各项制度"


def test_drafts_keep_only_form_fields(world):
    instance = world.start()
    with pytest.raises(ValidationFailed):
        tasks.save_draft(world.user("370102"), world.task(instance, "Task_Declare").id, {"blob": "x" * 1000})


def test_two_simultaneous_starts_make_one_application(app, world):
    call = world.open_call()
    call_id = call.id  # plain values only: the threads must not touch this thread's session
    results = race(app, 5, lambda: applications.start_application(world.user("370102"), call_id))
    assert results.count("ok") == 1, results
    assert all("已有一份申报" in r for r in results if r != "ok"), results
    assert db.session.scalar(select(func.count(Instance.id)).where(Instance.status == "running")) == 1


def test_a_guiding_expert_no_longer_named_loses_sight_of_the_application(api, world):
    instance = world.start()
    world.declare(instance, experts=("expert01",))
    assert api.get("expert01", f"/api/instances/{instance.id}").status_code == 200
    world.city_decides(instance, "return", "请更换指导专家")
    world.declare(instance, experts=("expert02",))
    assert api.get("expert01", f"/api/instances/{instance.id}").status_code == 404
    assert api.get("expert02", f"/api/instances/{instance.id}").status_code == 200


@pytest.mark.parametrize(
    "url", ["/api/instances/99999999999999999999999", "/api/tasks/99999999999999999999999"]
)
def test_absurd_ids_are_simply_not_found(api, url):
    assert api.get("province", url).status_code == 404


def test_absurd_call_id_is_refused_with_a_message(api, world):
    world.open_call()
    response = api.post("370102", "/api/instances", {"call_id": 99999999999999999999999})
    assert response.status_code == 422
    assert response.get_json()["message"] == "该批次已不接受申报（已过截止时间）。"


def test_malformed_api_bodies_get_chinese_field_errors(api, client):
    response = client.post("/api/tokens", json={"username": 5})
    assert response.status_code == 422
    body = response.get_json()
    assert body["message"] == "请求的格式不符合要求。"
    assert {e["field"] for e in body["errors"]} == {"username", "password"}
    broken = client.post("/api/tokens", data="{not json", content_type="application/json")
    assert broken.status_code == 400
    assert "JSON" in broken.get_json()["message"]
    token = api.token("370102")
    no_data = client.post("/api/tasks/x/complete", json={}, headers={"Authorization": f"Bearer {token}"})
    assert no_data.status_code == 422
    assert [e["field"] for e in no_data.get_json()["errors"]] == ["data"]


def test_one_broken_instance_does_not_stop_the_deadlines_of_the_others(world, clock):
    broken = world.start("370102")
    healthy = world.start("370203")
    db.session.execute(update(Instance).where(Instance.id == broken.id).values(state='{"not": "a workflow"}'))
    db.session.commit()
    clock.set(DEADLINE + timedelta(minutes=1))
    assert timers.fire_due_timers() == 1
    assert world.reload(healthy).outcome == "late"
    assert world.reload(broken).status == "running"
