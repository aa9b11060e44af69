"""The command centre's dashboard (issue 16 §1): its figures against counts made here from the rows
themselves, a city's view of its own counties only, and who may not open it."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta
from html import unescape

import pytest
from sqlalchemy import select

from app.clock import PROGRAMME_TZ
from app.demo import driver
from app.extensions import db
from app.models import Instance, ReadyTask
from app.services.lifecycle import timers
from app.services.statistics.dashboard import dashboard_for

from . import command_centre
from .command_centre import RECOGNITION
from .conftest import START
from .web_helpers import login

programme = command_centre.programme  # the fixture


def _instances(city_adcode: str | None = None) -> list[Instance]:
    db.session.expire_all()
    rows = db.session.scalars(select(Instance)).all()
    return [i for i in rows if city_adcode is None or i.city.adcode == city_adcode]


def _breakdown(board, key: str) -> dict[str, int]:
    return {c.label: c.count for b in board.breakdowns if b.key == key for c in b.counts}


def _filters(board, key: str) -> dict:
    return {c.label: c.filters for b in board.breakdowns if b.key == key for c in b.counts}


def test_the_figures_match_counts_made_from_the_rows(app, world, clock, programme):
    with app.test_request_context():
        board = dashboard_for(world.user("province"), None, clock.now())
        rows = _instances()
        assert board.applications == len(rows) == 4
        assert board.running == sum(i.status == "running" for i in rows) == 2
        assert _breakdown(board, "phase") == dict(Counter(i.phase for i in rows if i.status == "running"))
        assert _breakdown(board, "outcome") == {"逾期未报": 2}
        assert _breakdown(board, "status") == {"进行中": 2, "已结束": 2}
        assert sum(_breakdown(board, "call").values()) == 4
        themes = Counter(i.theme_code for i in rows if i.theme_code)
        assert sorted(_breakdown(board, "theme").values()) == sorted(themes.values())
        assert board.zones_in_implementation.count == 1
        ready = db.session.scalars(select(ReadyTask)).all()
        opinions = Counter(t.assignee_user_id for t in ready if t.form == "expert_opinion.json")
        assert board.reviews_outstanding.total == sum(opinions.values()) == 2
        assert len(board.reviews_outstanding.counts) == 2
        assert board.requests_waiting.total == 0


def test_annual_duties_due_then_overdue_then_late(app, world, clock, programme):
    zone = programme["zone"]
    with app.test_request_context():
        province = world.user("province")
        duties = dashboard_for(province, None, clock.now()).duties
        assert (duties.due, duties.overdue, duties.late) == (1, 0, 0)

        clock.set(datetime(2026, 11, 8, 9, 0, tzinfo=PROGRAMME_TZ))
        assert timers.fire_due_timers() == 1
        duties = dashboard_for(province, None, clock.now()).duties
        assert (duties.due, duties.overdue, duties.late) == (0, 1, 1)

        driver.annual_report(zone, "Task_AnnualPlan")  # its follow-ups end with it
        duties = dashboard_for(province, None, clock.now()).duties
        assert (duties.due, duties.overdue, duties.late) == (1, 0, 1), "handed in late is still late"


def test_phase_times_come_from_the_history(app, world, clock, programme):
    with app.test_request_context():
        times = {t.phase: t for t in dashboard_for(world.user("province"), None, clock.now()).phase_times}
    # Three left the declaration on the day they started (one of them by closing as late); the
    # undeclared one never completed a task of it.
    assert times["自主申报"].applications == 3
    assert times["自主申报"].median_days == 0.0
    assert "方案初审" in times and times["方案初审"].applications == 1, "only the zone left the review"
    # The zone was assessed when it started and recognised on the recognition date.
    assessment = times["评估认定"]
    assert assessment.applications == 1
    assert assessment.slowest_days == round((RECOGNITION - START).total_seconds() / 86400, 1)


def test_a_city_sees_only_its_own_counties(app, world, clock, programme):
    with app.test_request_context():
        board = dashboard_for(world.user("370200"), None, clock.now())
        qingdao = _instances("370200")
        assert board.applications == len(qingdao) == 2
        assert _breakdown(board, "outcome") == {"逾期未报": 1}
        assert _breakdown(board, "phase") == {"方案初审": 1}
        assert board.zones_in_implementation.count == 0
        assert board.reviews_outstanding.total == 2
        jinan = dashboard_for(world.user("370100"), None, clock.now())
        assert jinan.applications == 1 and jinan.zones_in_implementation.count == 1
        assert jinan.reviews_outstanding.total == 0 and jinan.duties.due == 1


def test_the_call_filter_narrows_every_figure(app, world, clock, programme):
    with app.test_request_context():
        call_id = programme["zone"].call_id
        assert dashboard_for(world.user("province"), call_id, clock.now()).applications == 4
        assert dashboard_for(world.user("province"), call_id + 1, clock.now()).applications == 0


def _links(html: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'href="(/applications\?[^"]+)"', html)]


def test_the_dashboard_page_clicks_through_to_the_filtered_list(client, world, programme):
    login(client, "province")
    page = client.get("/command/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="dashboard-charts"' in html and "build/dashboard.js" in html
    assert 'data-testid="nav-dashboard"' in html
    outcome_link = next(link for link in _links(html) if "outcome=late" in link)
    listed = client.get(outcome_link).get_data(as_text=True)
    assert f'href="/applications/{programme["late"].id}"' in listed
    assert f'href="/applications/{programme["zone"].id}"' not in listed
    phase_link = next(link for link in _links(html) if "phase=%E6%96%B9%E6%A1%88%E5%88%9D%E5%AE%A1" in link)
    listed = client.get(phase_link).get_data(as_text=True)
    assert f'href="/applications/{programme["reviewing"].id}"' in listed
    assert f'href="/applications/{programme["late"].id}"' not in listed


@pytest.mark.parametrize("username", ["370102", "expert05", "owner"])
@pytest.mark.parametrize(
    "path", ["/command/", "/command/report", "/command/dashboard.xlsx", "/command/report.xlsx"]
)
def test_counties_experts_and_others_may_not_open_the_command_centre(client, world, username, path):
    login(client, username)
    assert client.get(path).status_code == 403
    assert 'data-testid="nav-dashboard"' not in client.get("/applications").get_data(as_text=True)


@pytest.mark.parametrize("username", ["province", "370100", "auditor"])
def test_the_province_cities_and_auditors_open_it(client, world, username):
    login(client, username)
    assert client.get("/command/").status_code == 200
    assert client.get("/command/?call=99999999999999").status_code == 200, "an impossible call is no call"


def test_a_late_duty_counts_for_its_own_city_only(app, world, clock, programme):
    clock.set(datetime(2026, 11, 8, 9, 0, tzinfo=PROGRAMME_TZ))
    timers.fire_due_timers()
    clock.advance(timedelta(days=1))
    with app.test_request_context():
        assert dashboard_for(world.user("370200"), None, clock.now()).duties.late == 0
        assert dashboard_for(world.user("370100"), None, clock.now()).duties.late == 1


def test_the_api_lists_applications_by_outcome_too(api, world, programme):
    response = api.get("province", "/api/instances?outcome=late")
    assert response.status_code == 200
    late = {programme["late"].id, programme["unforwarded"].id}
    assert {row["id"] for row in response.get_json()} == late
