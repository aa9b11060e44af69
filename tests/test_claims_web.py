"""认领, 指派 and 代理 through the pages and the API: what each member sees and is told."""

from __future__ import annotations

import pytest
from flask import g
from sqlalchemy import select

from app.extensions import db
from app.models import Delegation, ReadyTask

from .conftest import rows_of
from .web_helpers import csrf_token, login


@pytest.fixture
def city_task(world) -> ReadyTask:
    instance = world.declare(world.start("370102"))
    return world.task(instance, "Task_CityReview")


def _signed_in(app, username: str):
    g.pop("csrf_token", None)  # the test shares one app context; each browser has its own token
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def _post(client, page: str, url: str, data: dict):
    g.pop("csrf_token", None)
    token = csrf_token(client.get(page).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def test_one_member_claims_and_the_other_sees_the_holder_and_cannot_complete(app, city_task):
    task_id = city_task.id
    liu, zhang = _signed_in(app, "370100-b"), _signed_in(app, "370100-a")
    inbox = zhang.get("/inbox").get_data(as_text=True)
    assert "未认领" in inbox and "认领</button>" in inbox

    answer = _post(liu, "/inbox", f"/tasks/{task_id}/claim", {"back": "task"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/tasks/{task_id}")
    assert "现在只有您可以办理" in liu.get(f"/tasks/{task_id}").get_data(as_text=True)

    page = zhang.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "认领人：刘洋" in page and 'data-testid="held-by-other"' in page
    assert 'value="submit" class="primary" disabled' in page

    before = rows_of("instances", "history_events", "ready_tasks", "task_drafts")
    refused = _post(
        zhang,
        f"/tasks/{task_id}",
        f"/tasks/{task_id}",
        {"action": "submit", "city_decision": "return", "city_comments": "请补充经费保障。"},
    )
    text = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "该任务已由刘洋认领" in text, "the holder is named"
    assert "请补充经费保障。" in text, "what was typed is kept"
    assert rows_of("instances", "history_events", "ready_tasks", "task_drafts") == before


def test_the_unit_head_assigns_from_the_inbox(app, city_task):
    head = _signed_in(app, "370100-a")
    inbox = head.get("/inbox").get_data(as_text=True)
    assert 'data-testid="assign-button"' in inbox
    member_inbox = _signed_in(app, "370100-b").get("/inbox").get_data(as_text=True)
    assert 'data-testid="assign-button"' not in member_inbox
    answer = _post(head, "/inbox", f"/tasks/{city_task.id}/assign", {"member": "370100-b"})
    assert answer.status_code == 302
    db.session.expire_all()
    assert db.session.get(ReadyTask, city_task.id).claimed_by.username == "370100-b"
    history = head.get(f"/applications/{city_task.instance_id}").get_data(as_text=True)
    assert "指派任务" in history and "指派给" in history


def test_claims_through_the_api(api, city_task):
    url = f"/api/tasks/{city_task.id}/claim"
    assert api.post("370100-b", url).get_json()["claimed_by"] == "370100-b"
    refused = api.post("370100-a", url)
    assert refused.status_code == 409 and "刘洋" in refused.get_json()["message"]
    assert api.post("370200", url).status_code == 404, "another city: out of scope"
    given_back = api.client.delete(url, headers=api._headers("370100-b"))
    assert given_back.status_code == 200 and given_back.get_json()["claimed_by"] is None
    assigned = api.post("370100-a", f"/api/tasks/{city_task.id}/assignment", {"member": "370100-b"})
    assert assigned.status_code == 200 and assigned.get_json()["claimed_by"] == "370100-b"
    not_head = api.post("370100-b", f"/api/tasks/{city_task.id}/assignment", {"member": "370100-a"})
    assert not_head.status_code == 403


def test_the_delegation_page_keeps_what_was_typed_and_names_the_problem(app, world):
    liu = _signed_in(app, "370100-b")
    page = liu.get("/inbox/delegations").get_data(as_text=True)
    assert "张丽（370100-a）" in page
    refused = _post(
        liu,
        "/inbox/delegations",
        "/inbox/delegations",
        {"delegate": "370100-a", "role": "city", "starts": "2026-05-10", "ends": "2026-05-08"},
    )
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "代理期限的结束日期早于开始日期。" in text
    assert 'value="2026-05-10"' in text and 'value="2026-05-08"' in text
    assert db.session.scalar(select(Delegation.id)) is None

    made = _post(
        liu,
        "/inbox/delegations",
        "/inbox/delegations",
        {"delegate": "370100-a", "role": "city", "starts": "2026-05-10", "ends": "2026-05-20"},
    )
    assert made.status_code == 302
    shown = _signed_in(app, "370100-a").get("/inbox/delegations").get_data(as_text=True)
    assert "刘洋" in shown, "the delegate sees it too"
    delegation_id = db.session.scalar(select(Delegation.id))
    other = _post(_signed_in(app, "370100-a"), "/inbox", f"/inbox/delegations/{delegation_id}/end", {})
    assert other.status_code == 404, "only the delegator ends it"


def test_alone_in_the_unit_there_is_nothing_to_claim(app, world):
    """市中区 has one account: its task is simply its own, with no 认领 button (not even a disabled one)."""
    world.start("370103")
    inbox = _signed_in(app, "370103").get("/inbox").get_data(as_text=True)
    assert "填写申报材料" in inbox
    assert "认领</button>" not in inbox
