"""The lists that grow with the system beyond the applications, the inbox and 已办: the security log,
the administrative changes, incidents, notifications, accounts and units. Each is walked page by
page, filtered and in both orders, over more rows than a page: every matching row once, none
repeated, in the list's order; the API's lists hand out X-Next-After like GET /api/instances, and a
bad cursor is a 422 there and a first page with a friendly note on the web (never a 500)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AdminChange, Incident, Notification, Organisation, SecurityEvent, User
from app.services.administration import changes
from app.services.audit import security_log
from app.services.notices import record
from app.services.notices.texts import NEW_TASK
from app.services.store.incidents import STALLED, STEP_FAILED, TIMER_FAILED

from .web_helpers import csrf_token, login

LOST = "所请求的页面不在（或已不在）此列表中"  # the note, as the test client reads it (in Chinese)


def _web_walk(client, url: str, row: str) -> list[str]:
    """The captures of `row` (a regex) on every page of a web list, following its next-page links."""
    seen: list[str] = []
    pages = 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        found = re.findall(row, html)
        assert found, f"a page before the last is never empty: {url}"
        seen += found
        link = re.search(r'href="([^"]+)" data-testid="next-page"', html)
        url = link.group(1).replace("&amp;", "&") if link else ""
        pages += 1
    assert pages > 1, "the walk crossed more than one page"
    return seen


def _api_walk(api, username: str, url: str, **params) -> list[dict]:
    seen: list[dict] = []
    after = None
    while True:
        query = {**params, **({"after": after} if after else {})}
        response = api.get(username, url, query_string=query)
        assert response.status_code == 200, response.get_json()
        items = response.get_json()
        assert items and int(response.headers["X-Total-Count"]) >= len(items)
        seen += items
        after = response.headers.get("X-Next-After")
        if after is None:
            return seen


def _ids(query) -> list[int]:
    return list(db.session.scalars(query))


@pytest.fixture
def logged(world):
    """Security events and administrative changes, interleaved kinds, more than a page of each filter."""
    for number in range(23):
        security_log.record("sign_in_failed", username=f"guess-{number}")
        security_log.record("export", what="noise")
    admin = world.user("admin")
    for number in range(13):
        changes.record(admin, "user_updated", "user", admin.id, f"admin {number}")
        changes.record(admin, "unit_renamed", "unit", 1, f"unit {number}")
    db.session.commit()


@pytest.mark.parametrize("order", ["desc", "asc"])
def test_the_security_log_walks_by_kind_in_both_orders(world, logged, client, order):
    expected = _ids(
        select(SecurityEvent.id)
        .where(SecurityEvent.kind == "sign_in_failed")
        .order_by(SecurityEvent.id.desc() if order == "desc" else SecurityEvent.id)
    )
    assert len(expected) == 23
    login(client, "auditor")
    url = f"/audit/security?kind=sign_in_failed&sort=time&order={order}&limit=5"
    usernames = _web_walk(client, url, r"(guess-\d+)")
    names = {e.id: e.username for e in db.session.scalars(select(SecurityEvent))}
    assert usernames == [names[i] for i in expected]


@pytest.mark.parametrize("order", ["desc", "asc"])
def test_the_admin_change_log_walks_by_kind_on_the_web_and_in_the_api(world, logged, client, api, order):
    expected = _ids(
        select(AdminChange.id)
        .where(AdminChange.kind == "unit_renamed")
        .order_by(AdminChange.id.desc() if order == "desc" else AdminChange.id)
    )
    assert len(expected) == 13
    walked = _api_walk(api, "auditor", "/api/admin-changes", kind="unit_renamed", order=order, limit=4)
    assert [c["id"] for c in walked] == expected
    login(client, "auditor")
    labels = _web_walk(
        client, f"/audit/admin-changes?kind=unit_renamed&order={order}&limit=4", r"<td>(unit \d+)</td>"
    )
    assert labels == [f"unit {n}" for n in (range(12, -1, -1) if order == "desc" else range(13))]


@pytest.fixture
def incidents(world, clock):
    """Nine open incidents (three applications, three kinds) opened at three instants, and a resolved one."""
    instances = [world.start(adcode) for adcode in ("370102", "370103", "370104")]
    for step, kind in enumerate((STALLED, STEP_FAILED, TIMER_FAILED)):
        for instance in instances:
            db.session.add(
                Incident(
                    instance_id=instance.id,
                    kind=kind,
                    element_ids="Task_X",
                    element_names="X",
                    message=f"{kind} of {instance.id}",
                    revision=instance.revision,
                    opened_at=clock.now() + timedelta(minutes=step),
                )
            )
    db.session.add(
        Incident(
            instance_id=instances[0].id,
            kind=STALLED,
            message="resolved",
            revision=1,
            opened_at=clock.now(),
            resolved_at=clock.now(),
            resolution="moved_on",
        )
    )
    db.session.commit()
    return instances


@pytest.mark.parametrize("order", ["desc", "asc"])
def test_open_incidents_walk_with_ties_on_time_in_the_api_and_on_the_web(
    world, incidents, api, client, order
):
    def expected(kind=None):
        query = select(Incident.id).where(Incident.resolved_at.is_(None))
        query = query.where(Incident.kind == kind) if kind else query
        keys = (Incident.opened_at, Incident.id)
        return _ids(query.order_by(*(k.desc() for k in keys) if order == "desc" else keys))

    assert [i["id"] for i in _api_walk(api, "auditor", "/api/incidents", order=order, limit=2)] == expected()
    walked = _api_walk(api, "auditor", "/api/incidents", kind=STEP_FAILED, order=order, limit=2)
    assert [i["id"] for i in walked] == expected(STEP_FAILED) and len(walked) == 3
    login(client, "admin")
    messages = _web_walk(
        client, f"/admin/incidents?order={order}&limit=4", r'<td class="details">([^<]+)</td>'
    )
    by_id = dict(db.session.execute(select(Incident.id, Incident.message)).all())
    assert messages == [by_id[i] for i in expected()]


@pytest.mark.parametrize("order", ["desc", "asc"])
def test_notifications_walk_all_or_the_unread_on_the_web_and_in_the_api(world, clock, api, client, order):
    city = world.user("370100")
    for number in range(17):
        record.notify([city], NEW_TASK, clock.now(), params={"task": f"任务{number}", "application": "#1"})
    record.notify(
        [world.user("370200")], NEW_TASK, clock.now(), params={"task": "别人的", "application": "#1"}
    )
    db.session.commit()
    read = _ids(select(Notification.id).where(Notification.user_id == city.id).order_by(Notification.id))[::3]
    db.session.execute(
        Notification.__table__.update().where(Notification.id.in_(read)).values(read_at=clock.now())
    )
    db.session.commit()

    def expected(unread: bool):
        query = select(Notification.id).where(Notification.user_id == city.id)
        query = query.where(Notification.read_at.is_(None)) if unread else query
        return _ids(query.order_by(Notification.id.desc() if order == "desc" else Notification.id))

    for unread in (False, True):
        walked = _api_walk(
            api, "370100", "/api/notifications", unread=str(unread).lower(), order=order, limit=5
        )
        assert [n["id"] for n in walked] == expected(unread)
    response = api.get("370100", "/api/notifications")
    assert response.headers["X-Unread-Count"] == str(len(expected(True))) == "11"
    login(client, "370100")
    tasks = _web_walk(client, f"/notifications?unread=1&order={order}&limit=4", r"(任务\d+)")
    texts = {n.id: n.params["task"] for n in db.session.scalars(select(Notification))}
    assert tasks == [texts[i] for i in expected(True)]


@pytest.mark.parametrize("order", ["asc", "desc"])
def test_the_accounts_and_units_walk_filtered_and_sorted(world, client, order):
    users = _ids(
        select(User.username)
        .where(User.username.ilike("%3701%"))
        .order_by(User.username.desc() if order == "desc" else User.username)
    )
    assert len(users) > 5
    login(client, "admin")
    url = f"/admin/users?q=3701&sort=username&order={order}&limit=5"
    assert _web_walk(client, url, r'href="/admin/users/\d+">([^<]+)</a>') == users
    units = _ids(
        select(Organisation.adcode)
        .where(Organisation.adcode.startswith("3703"))
        .order_by(Organisation.adcode.desc() if order == "desc" else Organisation.adcode)
    )
    assert len(units) > 5
    walked = _web_walk(
        client, f"/admin/units?q=3703&sort=code&order={order}&limit=4", r'data-testid="unit-(\d+)"'
    )
    assert walked == units


def test_a_unit_renamed_on_a_later_page_comes_back_to_that_page(world, client):
    login(client, "admin")
    first = client.get("/admin/units?q=37&limit=3").get_data(as_text=True)
    after = re.search(r'href="[^"]*after=(\d+)[^"]*" data-testid="next-page"', first).group(1)
    second = client.get(f"/admin/units?q=37&limit=3&after={after}").get_data(as_text=True)
    action = re.search(r'action="(/admin/units/\d+/name\?[^"]*)"', second).group(1).replace("&amp;", "&")
    assert f"after={after}" in action
    response = client.post(action, data={"name": "新名字", "csrf_token": csrf_token(second)})
    assert response.status_code == 302 and f"after={after}" in response.headers["Location"]


BAD_API = (
    "/api/admin-changes?after=x",
    "/api/admin-changes?after=0",
    "/api/admin-changes?order=sideways",
    "/api/incidents?after=-1",
    "/api/incidents?limit=0",
    "/api/incidents?sort=nope",
    "/api/notifications?after=2147483648",
    "/api/notifications?limit=201",
)


@pytest.mark.parametrize("url", BAD_API)
def test_a_bad_cursor_sort_or_limit_is_a_clear_422_in_the_api(world, api, url):
    username = "370100" if "notifications" in url else "auditor"
    response = api.get(username, url)
    assert response.status_code == 422, url
    assert response.get_json()["errors"], url


def test_an_unknown_cursor_starts_the_api_list_again(world, logged, api):
    response = api.get("auditor", "/api/admin-changes?after=2147483000&limit=3")
    assert response.status_code == 200 and len(response.get_json()) == 3
    assert int(response.headers["X-Total-Count"]) == 26


WEB_LISTS = (
    ("auditor", "/audit/security"),
    ("auditor", "/audit/admin-changes"),
    ("admin", "/admin/incidents"),
    ("admin", "/admin/users"),
    ("admin", "/admin/units"),
    ("370100", "/notifications"),
    ("370100", "/inbox/done"),
    ("370100", "/applications"),
    ("370100", "/calls"),
)


@pytest.mark.parametrize(("username", "url"), WEB_LISTS)
def test_a_bad_or_lost_cursor_shows_the_first_page_with_a_note_on_the_web(
    world, logged, incidents, clock, client, username, url
):
    forwarded = world.declare(world.start("370105"))
    world.city_decides(forwarded, "forward")  # 370100 has a step done, applications and notifications
    login(client, username)
    first = client.get(url).get_data(as_text=True)
    assert LOST not in first
    for after in ("x", "99999999999999999999", "-3", "2147483000"):
        response = client.get(f"{url}?after={after}")
        assert response.status_code == 200, (url, after)
        html = response.get_data(as_text=True)
        assert LOST in html, (url, after)
        assert html.split("<main")[1].count("<tr") == first.split("<main")[1].count("<tr"), "the first page"


def test_the_count_of_a_log_is_the_filtered_count(world, logged):
    page = security_log.page(security_log.LogFilters(kind="export"))
    assert page.total == db.session.scalar(
        select(func.count()).select_from(SecurityEvent).where(SecurityEvent.kind == "export")
    )
    assert page.total == 23 and len(page.items) == 23 and page.next_after is None


def test_the_unread_count_stops_at_its_limit_in_the_bell_and_the_api(world, clock, api, client, monkeypatch):
    from app.services.notices import bell

    city = world.user("370100")
    for number in range(5):
        record.notify([city], NEW_TASK, clock.now(), params={"task": f"任务{number}", "application": "#1"})
    db.session.commit()
    assert bell.unread_count(city) == 5 and bell.unread_badge(city) == "5"
    monkeypatch.setattr(bell, "UNREAD_LIMIT", 3)
    assert bell.unread_count(city) == 4, "counted up to the limit and one more"
    assert bell.unread_badge(city) == "3+"
    assert api.get("370100", "/api/notifications").headers["X-Unread-Count"] == "4"
    login(client, "370100")
    assert '<span class="badge" data-testid="unread">3+</span>' in client.get("/notifications").get_data(
        as_text=True
    )
    assert bell.unread_badge(world.user("370200")) == ""
