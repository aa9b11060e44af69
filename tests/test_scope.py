"""R10: each role sees and acts only within its scope; out-of-scope objects are 404, not 403."""

from __future__ import annotations

import pytest

from app.services.reading import queries
from app.services.reading.search import search_applications

from .web_helpers import login


@pytest.fixture
def qingdao_application(world):
    """An application of 市北区 (青岛) waiting for its city's review."""
    instance = world.start("370203")
    world.declare(instance)
    return world.reload(instance)


def test_jinan_sees_nothing_of_qingdao(world, qingdao_application):
    jinan = world.user("370100")
    assert search_applications(jinan).items == []
    assert queries.ready_tasks_for(jinan) == []
    qingdao = world.user("370200")
    assert [i.id for i in search_applications(qingdao).items] == [qingdao_application.id]


@pytest.mark.parametrize("username", ["370100", "370102", "expert05", "owner", "admin"])
def test_api_refuses_out_of_scope_objects_with_404(api, world, qingdao_application, username):
    instance_id = qingdao_application.id
    task_id = world.task(qingdao_application, "Task_CityReview").id
    assert api.get(username, f"/api/instances/{instance_id}").status_code == 404
    assert api.get(username, f"/api/tasks/{task_id}").status_code == 404
    response = api.post(username, f"/api/tasks/{task_id}/complete", {"data": {"city_decision": "forward"}})
    assert response.status_code == 404
    assert (
        api.client.put(
            f"/api/tasks/{task_id}/draft",
            json={"data": {}},
            headers={"Authorization": f"Bearer {api.token(username)}"},
        ).status_code
        == 404
    )
    assert all(i["id"] != instance_id for i in api.get(username, "/api/instances").get_json())
    assert all(t["id"] != task_id for t in api.get(username, "/api/tasks").get_json())


def test_province_and_auditor_see_all_but_only_the_city_acts(api, world, qingdao_application):
    task_id = world.task(qingdao_application, "Task_CityReview").id
    for username in ("province", "auditor"):
        assert api.get(username, f"/api/instances/{qingdao_application.id}").status_code == 200
        assert api.get(username, f"/api/tasks/{task_id}").status_code == 404
    assert api.get("370200", f"/api/tasks/{task_id}").status_code == 200


def test_named_guiding_expert_sees_the_application(api, world, qingdao_application):
    assert api.get("expert01", f"/api/instances/{qingdao_application.id}").status_code == 200
    assert api.get("expert02", f"/api/instances/{qingdao_application.id}").status_code == 404


def test_only_a_county_applicant_starts_an_application(api, world):
    world.open_call()
    for username in ("370100", "province", "expert01", "auditor"):
        assert api.post(username, "/api/instances", {}).status_code == 403


def test_web_pages_refuse_out_of_scope_objects_with_404(client, world, qingdao_application):
    assert login(client, "370100").status_code == 302
    task_id = world.task(qingdao_application, "Task_CityReview").id
    assert client.get(f"/applications/{qingdao_application.id}").status_code == 404
    assert client.get(f"/applications/{qingdao_application.id}/diagrams/declaration.bpmn").status_code == 404
    assert client.get(f"/tasks/{task_id}").status_code == 404
    assert "市北区" not in client.get("/applications").get_data(as_text=True)
    assert "市北区" not in client.get("/inbox").get_data(as_text=True)
