"""Each role lands where its work is, and the header says who is signed in: name, unit and role."""

from __future__ import annotations

import pytest

from app.demo import driver
from app.roles import Landing, Role, landing_for

from .web_helpers import csrf_token, login


def _landing(client, username: str):
    """Sign in and follow the redirects: the page the user lands on."""
    response = login(client, username)
    assert response.status_code == 302
    landed = client.get(response.headers["Location"], follow_redirects=True)
    assert landed.status_code == 200
    return landed.request.path, landed.get_data(as_text=True)


def test_a_county_with_nothing_to_do_sees_the_open_call_and_starts_its_application(client, world):
    call = world.open_call()
    path, html = _landing(client, "370124")
    assert path == "/inbox"
    assert "暂无待办事项" in html
    assert 'data-testid="open-calls"' in html and call.name in html
    assert 'data-testid="start-application"' in html

    started = client.post(
        "/applications/new", data={"call_id": call.id, "csrf_token": csrf_token(html)}, follow_redirects=True
    )
    assert started.request.path.startswith("/tasks/"), "the new application's declaration opens"
    inbox = client.get("/inbox").get_data(as_text=True)
    assert "填写申报材料" in inbox
    assert 'data-testid="open-calls"' not in inbox, "a county with work sees its work"


def test_a_county_waiting_for_its_city_is_pointed_to_its_application_not_to_a_second_start(client, world):
    instance = world.start("370124")
    driver.declare(instance)
    path, html = _landing(client, "370124")
    assert path == "/inbox"
    assert f'href="/applications/{instance.id}"' in html
    assert 'data-testid="start-application"' not in html


def test_a_guiding_expert_lands_on_the_applications_they_guide_with_their_stage(client, world):
    guided = world.start("370102")
    driver.declare(guided)  # names expert01 as guiding expert
    other = world.start("370103")
    driver.declare(other, experts=("expert02",))
    path, html = _landing(client, "expert01")
    assert path == "/applications"
    assert f'href="/applications/{guided.id}"' in html
    assert f'href="/applications/{other.id}"' not in html
    assert "自主申报" in html, "the stage the application is in"


@pytest.mark.parametrize(
    ("username", "landing", "heading"),
    [("owner", "/modeler", "流程工作台"), ("auditor", "/audit", "审计"), ("admin", "/admin", "系统管理")],
)
def test_those_who_do_not_work_in_the_inbox_land_on_their_area(client, username, landing, heading):
    path, html = _landing(client, username)
    assert path == landing
    assert f"<h1>{heading}" in html


def test_the_administration_lists_its_pages_and_refuses_participants(client):
    login(client, "admin")
    html = client.get("/admin").get_data(as_text=True)
    for target in ("/admin/incidents", "/audit/security", "/modeler"):
        assert f'href="{target}"' in html
    assert client.get("/admin/incidents").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(html)})
    login(client, "370102")
    assert client.get("/admin").status_code == 403


def _who(html: str) -> str:
    who = html[html.index('data-testid="who"') :]
    return who[: who.index("</span></span>")]


def test_the_header_shows_name_unit_and_role(client):
    _, html = _landing(client, "370124")
    for part in ("济南市平阴县民政局", "济南市平阴县", "申报单位"):
        assert part in _who(html)


def test_the_header_names_every_role_held(client):
    _, html = _landing(client, "expert07")
    assert "指导专家、评审专家" in _who(html)


def test_the_header_does_not_repeat_a_name_that_is_the_role(client):
    _, html = _landing(client, "admin")
    assert _who(html).count("系统管理员") == 1


def test_someone_with_tasks_lands_in_the_inbox_whatever_else_they_are():
    assert landing_for({Role.GUIDING_EXPERT, Role.REVIEW_EXPERT}) is Landing.INBOX
    assert landing_for({Role.GUIDING_EXPERT}) is Landing.GUIDED_APPLICATIONS
    assert landing_for(set()) is Landing.INBOX


def test_the_brand_link_lands_each_role_on_its_page(client):
    login(client, "auditor")
    assert client.get("/").headers["Location"] == "/audit"


def test_only_a_county_is_offered_to_start_an_application(client, world):
    world.open_call()
    path, html = _landing(client, "370100")
    assert path == "/inbox" and "暂无待办事项" in html
    assert 'data-testid="open-calls"' not in html
