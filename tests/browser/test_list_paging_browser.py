"""Keyset-paged lists in Chromium: a sort header, the next page, a filter that keeps the sort, and a
form on a later page that comes back to that page."""

from __future__ import annotations

import pytest

from app.services.audit import security_log

from .conftest import screenshot, sign_in, sign_out

pytestmark = pytest.mark.browser


def _codes(page) -> list[str]:
    return [
        code.removeprefix("unit-")
        for code in page.locator("[data-testid^=unit-]").evaluate_all(
            "rows => rows.map(row => row.dataset.testid)"
        )
    ]


def test_units_sort_page_and_come_back_after_a_rename(live_server, page):
    base, _app = live_server
    sign_in(page, base, "admin")
    page.goto(f"{base}/admin/units?q=3701&limit=5")
    first = _codes(page)
    assert first == sorted(first) and len(first) == 5
    page.click("[data-testid=sort-code]")
    page.wait_for_url(lambda url: "order=desc" in url)
    reversed_first = _codes(page)
    assert reversed_first == sorted(reversed_first, reverse=True) and reversed_first[0] > first[-1]
    page.click("[data-testid=next-page]")
    second = _codes(page)
    assert second and max(second) < min(reversed_first), "the next page goes on where the first ended"
    screenshot(page, "units-second-page")
    name = page.locator(f"#unit-{second[0]} input[name=name]")
    name.fill(name.input_value() + "新")
    page.click(f"#unit-{second[0]} button[type=submit] >> text=更名")
    assert _codes(page) == second, "the rename comes back to the page it was made on"
    sign_out(page)


def test_the_security_log_filters_by_kind_keeping_its_sort(live_server, page):
    base, app = live_server
    with app.app_context():
        for number in range(55):  # more than a page (50)
            security_log.record("sign_in_failed", username=f"guess-{number}")
            security_log.record("export", what="noise")
    sign_in(page, base, "auditor")
    page.goto(f"{base}/audit/security")
    page.click("[data-testid=sort-time]")
    page.wait_for_url(lambda url: "order=asc" in url)
    page.select_option("select[name=kind]", "sign_in_failed")  # applies on change
    page.wait_for_url(lambda url: "kind=sign_in_failed" in url and "order=asc" in url)
    seen, pages = [], 1
    while True:
        cells = page.locator("[data-testid=security-event] td:nth-child(4)").all_inner_texts()
        seen += [text.split()[-1] for text in cells]
        if not page.locator("[data-testid=next-page]").count():
            break
        page.click("[data-testid=next-page]")
        pages += 1
    assert pages == 2 and seen == [f"guess-{number}" for number in range(55)]
    screenshot(page, "security-log-last-page")
