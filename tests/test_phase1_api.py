"""Phase 1 (self-declaration and city review) walked through the JSON API."""

from __future__ import annotations

from datetime import timedelta

from app.services.lifecycle import timers

from .conftest import DEADLINE


def _only_task(api, username, element_id):
    response = api.get(username, "/api/tasks")
    assert response.status_code == 200
    found = [t for t in response.get_json() if t["element_id"] == element_id]
    assert len(found) == 1, response.get_json()
    return found[0]


def _start(api, world, county="370102"):
    world.open_call()
    response = api.post(county, "/api/instances", {})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _declare(api, world, county="370102", **overrides):
    task = _only_task(api, county, "Task_Declare")
    assert task["form_schema"]["type"] == "object"
    response = api.post(
        county, f"/api/tasks/{task['id']}/complete", {"data": world.declaration(county, **overrides)}
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _city(api, city, decision, comments=""):
    task = _only_task(api, city, "Task_CityReview")
    data = {"city_decision": decision, **({"city_comments": comments} if comments else {})}
    response = api.post(city, f"/api/tasks/{task['id']}/complete", {"data": data})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_forwarded_first_time_reaches_the_province(api, world):
    started = _start(api, world)
    assert started["status"] == "running"
    assert [t["element_id"] for t in started["ready_tasks"]] == ["Task_Declare"]
    _declare(api, world)
    done = _city(api, "370100", "forward")
    assert done["status"] == "running"
    assert done["phase"] == "方案初审"
    assert [t["element_id"] for t in done["ready_tasks"]] == ["Task_AssignExperts"]
    assert "history" not in done, "a completion answers the new state; the history is on GET"
    assert [t["element_id"] for t in api.get("province", "/api/tasks").get_json()] == ["Task_AssignExperts"]
    done = api.get("province", f"/api/instances/{started['id']}").get_json()
    kinds = [e["kind"] for e in done["history"]]
    assert kinds == ["started", "task_completed", "task_completed"]
    assert [e["seq"] for e in done["history"]] == [1, 2, 3]
    assert done["history"][1]["actor"] == "370102"
    assert done["history"][2]["actor"] == "370100"
    # the plan is kept out of the workflow state: the event carries a reference to the stored document
    assert "plan_background" not in done["history"][1]["data"]
    assert set(done["history"][1]["data"]["plan_document"]) == {"id", "sha256"}


def test_returned_twice_then_forwarded(api, world):
    instance = _start(api, world)
    _declare(api, world)
    _city(api, "370100", "return", "请补充分期规划")
    revise = _only_task(api, "370102", "Task_Declare")
    detail = api.get("370102", f"/api/tasks/{revise['id']}").get_json()
    assert detail["values"]["plan_background"], "the revision starts from the submitted plan"
    _declare(api, world)
    _city(api, "370100", "return", "请补充经费保障")
    _declare(api, world)
    done = _city(api, "370100", "forward")
    assert done["id"] == instance["id"]
    assert done["phase"] == "方案初审"
    done = api.get("370102", f"/api/instances/{instance['id']}").get_json()
    completed = [e["element_id"] for e in done["history"] if e["kind"] == "task_completed"]
    assert completed == ["Task_Declare", "Task_CityReview"] * 3


def test_city_must_explain_a_return(api, world):
    _start(api, world)
    _declare(api, world)
    task = _only_task(api, "370100", "Task_CityReview")
    response = api.post("370100", f"/api/tasks/{task['id']}/complete", {"data": {"city_decision": "return"}})
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["city_comments"]


def test_deadline_closes_an_unforwarded_application_as_late(api, world, clock):
    started = _start(api, world)
    _declare(api, world)
    clock.set(DEADLINE - timedelta(minutes=1))
    assert timers.fire_due_timers() == 0
    clock.set(DEADLINE + timedelta(minutes=1))
    assert timers.fire_due_timers() == 1
    api.tokens.clear()  # two months later: yesterday's tokens have expired
    detail = api.get("370102", f"/api/instances/{started['id']}").get_json()
    assert detail["status"] == "completed"
    assert detail["outcome"] == "late"
    assert detail["outcome_label"] == "逾期未报"
    assert detail["ready_tasks"] == []
    assert [e["kind"] for e in detail["history"]][-2:] == ["timer_fired", "ended"]
    assert api.get("370100", "/api/tasks").get_json() == []


def test_no_application_after_the_deadline(api, world, clock):
    world.open_call()
    clock.set(DEADLINE + timedelta(seconds=1))
    response = api.post("370102", "/api/instances", {})
    assert response.status_code == 422
    assert response.get_json()["message"]


def test_task_list_item_carries_element_id_and_form_schema(api, world):
    _start(api, world)
    task = _only_task(api, "370102", "Task_Declare")
    assert task["form"] == "declaration.json"
    assert "plan_background" in task["form_schema"]["properties"]
    assert task["due_at"].startswith("2026-06-30T15:59")  # the call deadline, in UTC


def test_instances_list_filters(api, world):
    _start(api, world, "370102")
    _start(api, world, "370203")
    everything = api.get("province", "/api/instances").get_json()
    assert {i["applicant_adcode"] for i in everything} == {"370102", "370203"}
    jinan = api.get("province", "/api/instances?city=370100").get_json()
    assert [i["applicant_adcode"] for i in jinan] == ["370102"]


def test_openapi_document_lists_the_endpoints(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    for path in (
        "/api/tokens",
        "/api/tasks",
        "/api/tasks/{task_id}",
        "/api/tasks/{task_id}/complete",
        "/api/instances",
        "/api/instances/{instance_id}",
    ):
        assert path in spec["paths"], path


def test_tokens_expire_and_can_be_revoked(api, client, clock):
    token = api.token("370102")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/tasks", headers=headers).status_code == 200
    assert client.delete("/api/tokens", headers=headers).status_code == 204
    assert client.get("/api/tasks", headers=headers).status_code == 401
    fresh = client.post("/api/tokens", json={"username": "370102", "password": "test-pass"}).get_json()[
        "token"
    ]
    clock.advance(timedelta(days=2))
    assert client.get("/api/tasks", headers={"Authorization": f"Bearer {fresh}"}).status_code == 401


def test_wrong_password_gets_no_token(client):
    response = client.post("/api/tokens", json={"username": "370102", "password": "nope"})
    assert response.status_code == 401
    assert client.get("/api/tasks").status_code == 401


def test_answers_carry_the_fields_read_through_the_objects(api, world, clock):
    """Fields the API reads through an object: the applicant's and city's names, the version number,
    a task's form, whether it is overdue, and the actor of an event (null for the system's)."""
    started = _start(api, world)
    assert (started["applicant"], started["applicant_adcode"]) == ("济南市历下区", "370102")
    assert (started["city"], started["city_adcode"], started["version"]) == ("济南市", "370100", 1)
    task = _only_task(api, "370102", "Task_Declare")
    assert task["applicant"] == "济南市历下区" and task["overdue"] is False
    detail = api.get("370102", f"/api/tasks/{task['id']}").get_json()
    assert detail["form_schema"] == task["form_schema"] and {"order", "groups"} <= set(detail["form_ui"])
    assert (detail["id"], detail["applicant"]) == (task["id"], "济南市历下区")
    assert detail["values"]["applicant_name"] == "济南市历下区", "the start data fills the form"
    clock.set(DEADLINE + timedelta(minutes=1))
    api.tokens.clear()
    assert _only_task(api, "370102", "Task_Declare")["overdue"] is True, "past due before the worker runs"
    assert timers.fire_due_timers() == 1
    history = api.get("370102", f"/api/instances/{started['id']}").get_json()["history"]
    assert [(e["kind"], e["actor"]) for e in history][-2:] == [("timer_fired", None), ("ended", None)]
