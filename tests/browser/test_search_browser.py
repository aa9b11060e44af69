"""Finding applications in a real browser: words in the search box, a sorted column, and the URL
bookmarked and opened again (in another browser, signed in afresh) giving the same list."""

from __future__ import annotations

import pytest

from app.demo import driver
from app.models import Call

from ..conftest import DEADLINE
from .conftest import screenshot, sign_in

pytestmark = pytest.mark.browser

PLAN_WORDS = "泉城邻里议事厅"


def _programme(app) -> dict[str, int]:
    """Three declared applications of the 2026 call; 历下区's plan holds PLAN_WORDS."""
    with app.app_context():
        from app.services.lifecycle import calls

        call: Call = calls.open_call(
            driver.user("province"), "2026年度全省城乡社区治理实验区申报", 2026, DEADLINE
        )
        ids = {}
        for adcode in ("370102", "370103", "370202"):
            instance = driver.start(adcode, call)
            extra = (
                {"plan_background": driver.declaration()["plan_background"] + PLAN_WORDS}
                if adcode == "370102"
                else {}
            )
            driver.declare(instance, **extra)
            ids[adcode] = instance.id
        return ids


def _listed(page) -> list[str]:
    return page.locator("[data-testid=applications] tbody tr td:first-child").all_inner_texts()


def test_search_sort_and_a_bookmarked_list(live_server, browser, page):
    base, app = live_server
    ids = _programme(app)
    sign_in(page, base, "province")
    page.goto(f"{base}/applications")
    assert len(_listed(page)) == 3

    page.fill("[data-testid=search-q]", "历下")
    page.click("[data-testid=search-submit]")
    page.wait_for_url("**/applications?q=*")
    assert _listed(page) == [str(ids["370102"])]

    page.fill("[data-testid=search-q]", "邻里议事")  # words inside the plan
    page.click("[data-testid=search-submit]")
    page.wait_for_url("**q=%E9%82%BB*")
    assert _listed(page) == [str(ids["370102"])]

    page.fill("[data-testid=search-q]", "济南")
    page.select_option("select[name=status]", "running")
    page.click("[data-testid=search-submit]")
    page.wait_for_url("**status=running*")
    page.click("[data-testid=sort-applicant]")  # ascending by administrative code
    page.wait_for_url("**sort=applicant*")
    page.click("[data-testid=sort-applicant]")  # and round
    page.wait_for_url("**order=desc*")
    assert _listed(page) == [str(ids["370103"]), str(ids["370102"])]
    assert "2 个申报" in page.inner_text("[data-testid=total]")
    screenshot(page, "search-applications")
    bookmark = page.url

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    sign_in(phone, base, "province")
    phone.goto(bookmark)
    assert _listed(phone) == [str(ids["370103"]), str(ids["370102"])]
    assert phone.input_value("[data-testid=search-q]") == "济南"
    assert phone.input_value("select[name=status]") == "running"
    assert phone.get_attribute("th[aria-sort=descending] a", "data-testid") == "sort-applicant"
    screenshot(phone, "search-applications-phone")
    phone.context.close()


def test_the_inbox_filters_by_call_and_sorts_by_a_header(live_server, page):
    base, app = live_server
    ids = _programme(app)
    sign_in(page, base, "370100")  # 济南: its two counties' applications wait for its review
    page.click("[data-testid=sort-application]")
    page.wait_for_url("**sort=application*")
    page.click("[data-testid=sort-application]")
    page.wait_for_url("**order=desc*")
    rows = page.locator("[data-testid=inbox] tbody tr td:nth-child(2)").all_inner_texts()
    assert [row.split()[0] for row in rows] == [f"#{ids['370103']}", f"#{ids['370102']}"]
    page.select_option("[data-testid=call-filter]", label="2026年度全省城乡社区治理实验区申报")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**call=*")
    assert "sort=application" in page.url  # the filter keeps the sort
    assert page.locator("[data-testid=inbox] tbody tr").count() == 2
    screenshot(page, "search-inbox")
