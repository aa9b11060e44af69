"""The lists paged by keyset (services/reading/paging.py) beyond the inbox and the applications:
已办 and the API's task list walk page by page without repeats or gaps, also when every row has the
same time (the clock is frozen), and the count stops at a limit instead of scanning every match."""

from __future__ import annotations

import re

import pytest

from app.services.reading import done_tasks, paging
from app.services.reading.search import ApplicationQuery, search_applications

from .conftest import DEADLINE
from .web_helpers import login

COUNTIES = ("370102", "370103", "370104", "370105", "370112")


@pytest.fixture
def jinan(world):
    """Five Jinan counties declared at one frozen instant; the city forwarded three of them."""
    instances = [world.start(adcode) for adcode in COUNTIES]
    for instance in instances:
        world.declare(instance)
    for instance in instances[:3]:
        world.city_decides(instance, "forward")
    return instances


def _walk(fetch) -> list:
    """Every item of a paged list, following the cursor from the first page to the last."""
    seen, after = [], None
    while True:
        items, after = fetch(after)
        assert items, "a page before the last is never empty"
        seen += items
        if after is None:
            return seen


def _api_walk(api, username: str, url: str) -> list:
    def fetch(after):
        response = api.get(username, url, query_string={"limit": 1, **({"after": after} if after else {})})
        assert response.status_code == 200, response.get_json()
        return response.get_json(), response.headers.get("X-Next-After")

    return _walk(fetch)


@pytest.mark.parametrize("sort", done_tasks.DONE_SORTS)
def test_done_pages_follow_each_other_without_repeats_or_gaps_under_ties(world, jinan, sort):
    for username, expected in (("370100", 3), ("370102", 1), ("province", 0)):
        user = world.user(username)
        whole = done_tasks.done_page(user, done_tasks.DoneQuery(sort=sort)).items
        assert len(whole) == expected
        assert len({d.event.at for d in whole}) <= 1, "the clock is frozen: every step ties on time"

        def fetch(after, user=user, expected=expected):
            page = done_tasks.done_page(user, done_tasks.DoneQuery(sort=sort, after=after, limit=1))
            assert page.total == expected
            return page.items, page.next_after

        walked = _walk(fetch) if whole else []
        assert [d.event.id for d in walked] == [d.event.id for d in whole], username
        assert len({d.event.id for d in walked}) == expected


def test_done_is_filtered_by_phase_in_the_query(world, jinan):
    city = world.user("370100")
    assert done_tasks.done_phases(city) == ["自主申报"]
    in_phase = done_tasks.done_page(city, done_tasks.DoneQuery(phase="自主申报"))
    assert in_phase.total == 3 and {d.phase for d in in_phase.items} == {"自主申报"}
    assert done_tasks.done_page(city, done_tasks.DoneQuery(phase="方案初审")).total == 0
    assert done_tasks.done_page(city, done_tasks.DoneQuery(phase="无此阶段")).items == []


def test_the_api_done_list_and_task_list_hand_out_next_cursors(world, jinan, api):
    done = _api_walk(api, "370100", "/api/tasks/done")
    assert sorted(d["instance_id"] for d in done) == sorted(i.id for i in jinan[:3])
    assert len({(d["instance_id"], d["event"]["seq"]) for d in done}) == 3

    tasks = _api_walk(api, "370100", "/api/tasks")
    assert sorted(t["instance_id"] for t in tasks) == sorted(i.id for i in jinan[3:])
    assert len({t["id"] for t in tasks}) == 2
    whole = api.get("370100", "/api/tasks")
    assert [t["id"] for t in whole.get_json()] == [t["id"] for t in tasks]
    assert whole.headers["X-Total-Count"] == "2" and "X-Next-After" not in whole.headers


def test_a_bad_cursor_or_limit_is_a_clear_error_in_the_api(world, jinan, api):
    bad = ("/api/tasks?limit=0", "/api/tasks?limit=201", "/api/tasks/done?after=x", "/api/tasks/done?limit=x")
    for url in bad:
        response = api.get("370100", url)
        assert response.status_code == 422, url
        assert response.get_json()["errors"], url
    unknown = api.get("370100", "/api/tasks?after=no-such-task")
    assert unknown.status_code == 200 and len(unknown.get_json()) == 2, "an unknown cursor starts again"


def test_the_done_page_walks_by_its_next_link(world, jinan, client):
    login(client, "370100")
    url, shown = "/inbox/done?limit=2", []
    while url:
        html = client.get(url).get_data(as_text=True)
        table = html.split('data-testid="done"')[1].split("</table>")[0]
        shown += re.findall(r'href="/applications/(\d+)"', table)
        link = re.search(r'href="([^"]+)" data-testid="next-page"', html)
        url = link.group(1).replace("&amp;", "&") if link else ""
    assert sorted(map(int, shown)) == sorted(i.id for i in jinan[:3])


def test_the_count_stops_at_its_limit(world, jinan, api, client, monkeypatch):
    province = world.user("province")
    matching = search_applications(province, ApplicationQuery()).total
    assert matching >= 3
    monkeypatch.setattr(paging, "COUNT_LIMIT", matching - 2)
    page = search_applications(province, ApplicationQuery())
    assert page.total == matching - 1 and page.total_capped, "counted up to the limit and one more"
    assert len(page.items) == matching, "the count's limit never shortens the page"
    response = api.get("province", "/api/instances")
    assert response.headers["X-Total-Count"] == str(matching - 1) and len(response.get_json()) == matching
    login(client, "province")
    html = client.get("/applications").get_data(as_text=True)
    assert f"超过 {matching - 2:,}" in html


def test_the_calls_list_walks_page_by_page_newest_first(world, client):
    from app.services.lifecycle import calls

    opened = [world.open_call()]
    for year in (2027, 2028, 2029):
        opened.append(calls.open_call(world.user("province"), f"{year}年度申报", year, DEADLINE))
    whole = calls.calls_page().items
    assert [c.id for c in whole] == sorted((c.id for c in opened), reverse=True), "ties on time: by id"
    walked = _walk(lambda after: (lambda p: (p.items, p.next_after))(calls.calls_page(after, limit=1)))
    assert [c.id for c in walked] == [c.id for c in whole]
    login(client, "province")
    html = client.get("/calls?after=999999999999").get_data(as_text=True)
    assert html.count('data-testid="call-link"') == 4, "an out-of-range cursor starts again"
