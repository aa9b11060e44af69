"""The lists on the web and the API (issue 13 §2): search and filters in the URL (a bookmark gives the
same list), sortable headers that keep the filters, keyset pages, the inbox's call column and filter."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import lxml.html

from .web_helpers import login


def _three_applications(world):
    ids = []
    for adcode in ("370102", "370103", "370202"):
        instance = world.start(adcode)
        world.declare(instance)
        ids.append(instance.id)
    return ids


def _rows(html: str, testid: str) -> list[list[str]]:
    doc = lxml.html.fromstring(html)
    return [
        [cell.text_content().strip() for cell in row.xpath("td")]
        for row in doc.xpath(f'//*[@data-testid="{testid}"]/tbody/tr')
    ]


def _link(html: str, testid: str) -> str:
    (href,) = lxml.html.fromstring(html).xpath(f'//*[@data-testid="{testid}"]/@href')
    return href


def test_a_bookmarked_search_gives_the_same_filtered_sorted_list(world, client):
    lixia, shizhong, _shinan = _three_applications(world)
    login(client, "province")
    url = "/applications?q=济南&status=running&sort=applicant&order=desc"
    html = client.get(url).get_data(as_text=True)
    assert [row[0] for row in _rows(html, "applications")] == [str(shizhong), str(lixia)]
    # The form shows what the list is filtered by, and keeps the sort when it is submitted again.
    doc = lxml.html.fromstring(html)
    assert doc.xpath('//input[@name="q"]/@value') == ["济南"]
    assert doc.xpath('//input[@name="sort"]/@value') == ["applicant"]
    # Clicking the county header again turns the order round and keeps the words.
    query = parse_qs(urlsplit(_link(html, "sort-applicant")).query)
    assert query == {"q": ["济南"], "status": ["running"], "sort": ["applicant"], "order": ["asc"]}
    again = client.get(_link(html, "sort-applicant")).get_data(as_text=True)
    assert [row[0] for row in _rows(again, "applications")] == [str(lixia), str(shizhong)]


def test_every_column_of_the_list_sorts_and_shows_the_call(world, client):
    _three_applications(world)
    login(client, "province")
    html = client.get("/applications").get_data(as_text=True)
    for key in ("id", "applicant", "city", "call", "theme", "phase", "status", "updated"):
        assert _link(html, f"sort-{key}")
    assert all(row[3] == "2026年度全省城乡社区治理实验区申报" for row in _rows(html, "applications"))


def test_the_web_list_pages_through_the_applications(world, client):
    ids = _three_applications(world)
    login(client, "province")
    seen, url = [], "/applications?sort=id&order=asc&limit=2"
    while url:
        html = client.get(url).get_data(as_text=True)
        seen += [int(row[0]) for row in _rows(html, "applications")]
        links = lxml.html.fromstring(html).xpath('//*[@data-testid="next-page"]/@href')
        url = links[0] if links else None
    assert seen == ids


def test_the_inbox_shows_and_filters_by_call_and_sorts_by_every_column(world, client):
    ids = _three_applications(world)
    login(client, "370100")  # 济南: its two counties' applications wait for its review
    html = client.get("/inbox?sort=application&order=desc").get_data(as_text=True)
    rows = _rows(html, "inbox")
    assert [row[1].split()[0] for row in rows] == [f"#{ids[1]}", f"#{ids[0]}"]
    assert all(row[3] == "2026年度全省城乡社区治理实验区申报" for row in rows)
    for key in ("task", "application", "applicant", "call", "phase", "due"):
        assert _link(html, f"sort-{key}")
    call_id = world.open_call().id
    assert len(_rows(client.get(f"/inbox?call={call_id}").get_data(as_text=True), "inbox")) == 2
    other = client.get(f"/inbox?call={call_id + 1}").get_data(as_text=True)
    assert _rows(other, "inbox") == [] and "没有符合条件的任务" in other


def test_the_api_searches_and_pages_with_the_same_parameters(world, api):
    ids = _three_applications(world)
    first = api.get("province", "/api/instances?sort=id&order=asc&limit=2")
    assert first.status_code == 200
    assert [i["id"] for i in first.get_json()] == ids[:2]
    assert first.headers["X-Total-Count"] == "3"
    after = first.headers["X-Next-After"]
    second = api.get("province", f"/api/instances?sort=id&order=asc&limit=2&after={after}")
    assert [i["id"] for i in second.get_json()] == ids[2:]
    assert "X-Next-After" not in second.headers
    assert [i["id"] for i in api.get("province", "/api/instances?q=历下").get_json()] == [ids[0]]
    refused = api.get("province", "/api/instances?sort=nonsense")
    assert refused.status_code == 422
    assert refused.get_json()["errors"][0]["field"] == "sort"
