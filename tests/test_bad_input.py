"""Bad input through the API and the web: a clear 4xx naming the field, in the user's language, and
nothing changed (issue 10: "No 500 on bad input", "API and web validate differently", draft caps)."""

from __future__ import annotations

import json
import re

import pytest

from app.extensions import db
from app.forms import DRAFT_FIELD_MAX_BYTES, DRAFT_MAX_BYTES
from app.models import TaskDraft
from app.services.reading import queries

from .conftest import rows_of
from .web_helpers import csrf_token, login

STATE_TABLES = ("instances", "ready_tasks", "task_drafts", "history_events", "documents", "attachments")


def _send(client, method: str, url: str, body: str, token: str | None = None, lang: str = "zh"):
    headers = {"Accept-Language": lang, **({"Authorization": f"Bearer {token}"} if token else {})}
    return client.open(url, method=method, data=body, content_type="application/json", headers=headers)


def _declaring(world):
    instance = world.start()
    return instance, world.task(instance, "Task_Declare").id


@pytest.mark.parametrize(
    ("password", "zh", "en"),
    [
        ("[" * 1000 + "]" * 1000, "password 的嵌套超过 32 层", "password is nested more than 32 levels deep"),
        ("9" * 5000, "password 中的数字超过 100 位", "A number in password has more than 100 digits"),
        ("1e999", "password 中的数字过大", "A number in password is too large"),
        ("NaN", "password 中含有 NaN 或无穷大", "password holds NaN or infinity"),
    ],
    ids=["1000 levels", "5000 digits", "1e999", "NaN"],
)
def test_absurd_json_is_refused_where_the_body_is_read(client, password, zh, en):
    before = rows_of("api_tokens", "security_events")
    body = '{"username": "370102", "password": ' + password + "}"
    for lang, expected in (("zh", zh), ("en", en)):
        response = _send(client, "POST", "/api/tokens", body, lang=lang)
        assert response.status_code == 400
        assert response.json["errors"] == [{"field": "password", "message": response.json["message"]}]
        assert expected in response.json["message"]
    assert rows_of("api_tokens", "security_events") == before


def test_absurd_json_in_task_data_names_the_field_and_changes_nothing(api, world):
    instance, task_id = _declaring(world)
    before = rows_of(*STATE_TABLES)
    body = '{"data": {"experts": ' + "[" * 40 + "]" * 40 + "}}"
    response = _send(api.client, "PUT", f"/api/tasks/{task_id}/draft", body, api.token("370102"))
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == "data.experts"
    assert rows_of(*STATE_TABLES) == before


def test_a_lone_surrogate_in_a_token_request_is_refused_by_its_schema(client):
    response = _send(client, "POST", "/api/tokens", '{"username": "\\ud800", "password": "x"}')
    assert response.status_code == 422
    assert [e["field"] for e in response.json["errors"]] == ["username"]


def test_a_lone_surrogate_is_refused_on_completion_naming_the_field(api, world):
    instance = world.start()
    world.declare(instance)
    task_id = world.task(instance, "Task_CityReview").id
    before = rows_of(*STATE_TABLES)
    body = json.dumps({"data": {"city_decision": "return", "city_comments": "请补充\ud800"}})
    response = _send(api.client, "POST", f"/api/tasks/{task_id}/complete", body, api.token("370100"))
    assert response.status_code == 422
    assert response.json["errors"] == [
        {
            "field": "city_comments",
            "message": "此处文字含有无效字符（NUL 或孤立的 UTF-16 代理码元），请重新输入。",
        }
    ]
    assert rows_of(*STATE_TABLES) == before


def test_a_draft_with_a_lone_surrogate_is_refused_and_one_stored_earlier_still_shows(api, client, world):
    instance, task_id = _declaring(world)
    before = rows_of(*STATE_TABLES)
    body = json.dumps({"data": {"plan_background": "背景\udc80"}})
    response = _send(api.client, "PUT", f"/api/tasks/{task_id}/draft", body, api.token("370102"))
    assert response.status_code == 422 and response.json["errors"][0]["field"] == "plan_background"
    assert rows_of(*STATE_TABLES) == before
    # A draft saved before the rule existed: its page shows, the bad character replaced.
    db.session.add(
        TaskDraft(
            task_id=task_id,
            instance_id=instance.id,
            data={"plan_background": "背景\udc80"},
            saved_by_id=world.user("370102").id,
            saved_at=world.clock.now(),
        )
    )
    db.session.commit()
    assert api.get("370102", f"/api/tasks/{task_id}").json["values"]["plan_background"] == "背景\ufffd"
    login(client, "370102")
    page = client.get(f"/tasks/{task_id}")
    assert page.status_code == 200 and "背景\ufffd" in page.get_data(as_text=True)


def _web_post(client, task_id: str, fields: dict) -> object:
    page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    return client.post(f"/tasks/{task_id}", data={"csrf_token": csrf_token(page), **fields})


def _error_fields(html: str) -> set[str]:
    return set(re.findall(r'href="#field-([\w-]+)"', html))


def test_web_and_api_refuse_a_guiding_expert_named_only_with_spaces_alike(api, client, world):
    instance, task_id = _declaring(world)
    data = world.declaration("370102")
    data["experts"] = [{**data["experts"][0], "name": "   "}]
    before = rows_of(*STATE_TABLES)

    response = api.post("370102", f"/api/tasks/{task_id}/complete", {"data": data})
    assert response.status_code == 422
    api_fields = {e["field"] for e in response.json["errors"]}
    assert api_fields == {"experts", "experts.0.name"}

    login(client, "370102")
    web_fields = {k: v for k, v in data.items() if k != "experts"}
    web_fields.update({f"experts-0-{k}": v for k, v in data["experts"][0].items()}, action="submit")
    page = _web_post(client, task_id, web_fields)
    assert page.status_code == 422
    assert _error_fields(page.get_data(as_text=True)) == {f.replace(".", "-") for f in api_fields}
    assert rows_of(*STATE_TABLES) == before


def test_api_text_is_kept_as_the_web_keeps_it(api, world):
    instance, task_id = _declaring(world)
    data = world.declaration("370102", lead_name="  张三 ", zone_summary="  第一段\r\n第二段  ")
    data["experts"] = [*data["experts"], {"name": " ", "committee": " ", "title": ""}]
    response = api.post("370102", f"/api/tasks/{task_id}/complete", {"data": data})
    assert response.status_code == 200, response.json
    declared = queries.history_of(world.reload(instance))[-1].data
    assert declared["lead_name"] == "张三"
    assert declared["zone_summary"] == "  第一段\n第二段  ", "a long text keeps its layout"
    assert len(declared["experts"]) == 1, "a row left blank is dropped"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"plan_background": "字" * 30001}, "plan_background", "最多填写 30000 个字（当前 30001 个字）"),
        (
            {"experts": [{"name": "x" * 1000}] * 250},
            "experts",
            f"草稿每栏最多保存 {DRAFT_FIELD_MAX_BYTES // 1024} KB",
        ),
        (
            {
                name: "x" * 190_000
                for name in (
                    "kind",
                    "theme_code",
                    "period_start",
                    "period_end",
                    "lead_mobile",
                    "lead_office_phone",
                )
            },
            "",
            f"一份草稿最多保存 {DRAFT_MAX_BYTES // 1024} KB",
        ),
    ],
    ids=["over maxLength", "field over 200 KB", "draft over 1 MB"],
)
def test_oversized_drafts_are_refused_on_both_entries(api, client, world, data, field, message):
    instance, task_id = _declaring(world)
    before = rows_of(*STATE_TABLES)
    response = api.client.put(
        f"/api/tasks/{task_id}/draft",
        json={"data": data},
        headers={"Authorization": f"Bearer {api.token('370102')}"},
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == field and message in response.json["errors"][0]["message"]

    login(client, "370102")
    form = {"action": "draft"}
    for name, value in data.items():
        if name == "experts":
            form.update({f"experts-{i}-{k}": v for i, row in enumerate(value) for k, v in row.items()})
        else:
            form[name] = value
    page = _web_post(client, task_id, form)
    assert page.status_code == 422 and message in page.get_data(as_text=True)
    assert rows_of(*STATE_TABLES) == before


def _resolve(spec: dict, node: dict) -> dict:
    while "$ref" in node:
        section, name = node["$ref"].split("/")[-2:]
        node = spec["components"][section][name]
    return node


def test_every_documented_error_has_the_body_the_api_sends(client):
    spec = client.get("/api/openapi.json").json
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            for status, response in operation["responses"].items():
                if status == "default" or int(status) >= 400:
                    schema = _resolve(spec, _resolve(spec, response)["content"]["application/json"]["schema"])
                    assert schema["properties"]["errors"]["type"] == "array", (path, method, status)
    refused = client.post("/api/tokens", json={"username": 5})
    assert refused.status_code == 422
    assert sorted(refused.json["errors"], key=lambda e: e["field"]) == [
        {"field": "password", "message": "缺少或格式不正确：password。"},
        {"field": "username", "message": "缺少或格式不正确：username。"},
    ]


def test_an_application_starts_without_a_body_as_documented(api, client, world):
    world.open_call()
    spec = client.get("/api/openapi.json").json
    assert spec["paths"]["/api/instances"]["post"]["requestBody"]["required"] is False
    response = client.post("/api/instances", headers={"Authorization": f"Bearer {api.token('370102')}"})
    assert response.status_code == 201 and response.json["applicant_adcode"] == "370102"


def test_a_method_an_address_does_not_take_is_answered_with_allow(api):
    response = api.client.delete("/api/tasks", headers={"Authorization": f"Bearer {api.token('370102')}"})
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert response.json == {
        "code": 405,
        "status": "Method Not Allowed",
        "message": "此地址不接受 DELETE 请求方法。",
    }


def test_a_body_of_another_type_is_refused_not_ignored(api, client, world):
    world.open_call()
    before = rows_of(*STATE_TABLES)
    response = client.post(
        "/api/instances",
        data="call_id=1",
        content_type="text/plain",
        headers={"Authorization": f"Bearer {api.token('370102')}"},
    )
    assert response.status_code == 415
    assert response.json["message"] == "此地址不接受该类型的请求内容。"
    assert rows_of(*STATE_TABLES) == before


@pytest.mark.parametrize(
    ("url", "field"),
    [("/api/tasks/a%00b", ""), ("/api/instances?city=37%000", "city")],
    ids=["path", "query"],
)
def test_a_nul_in_an_address_is_refused_before_any_view(api, url, field):
    response = api.get("370102", url)
    assert response.status_code == 400
    assert response.json["errors"] == [{"field": field, "message": "请求中含有无效字符（NUL）。"}]


def test_a_nul_in_text_is_refused_on_every_entry(api, client, world):
    instance = world.start()
    world.declare(instance)
    task_id = world.task(instance, "Task_CityReview").id
    api.token("370100")  # signing in is logged: before the snapshot
    before = rows_of(*STATE_TABLES, "security_events")
    token = api.client.post("/api/tokens", json={"username": "370\u0000102", "password": "x"})
    assert token.status_code == 422 and token.json["errors"][0]["field"] == "username"
    data = {"city_decision": "return", "city_comments": "请补充\u0000"}
    completion = api.post("370100", f"/api/tasks/{task_id}/complete", {"data": data})
    assert completion.status_code == 422 and completion.json["errors"][0]["field"] == "city_comments"
    page = client.get("/login").get_data(as_text=True)
    signed_in = client.post(
        "/login", data={"csrf_token": csrf_token(page), "username": "370\u0000100", "password": "x"}
    )
    assert signed_in.status_code == 400 and "请求中含有无效字符（NUL）。" in signed_in.get_data(as_text=True)
    assert rows_of(*STATE_TABLES, "security_events") == before
