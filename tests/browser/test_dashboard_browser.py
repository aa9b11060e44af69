"""The dashboard in a real browser: the charts draw (ECharts canvases, no console error), and a click
on a chart opens the application list filtered to what it counts."""

from __future__ import annotations

import pytest

from app.demo import driver
from app.services.lifecycle import calls

from ..conftest import DEADLINE
from .conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def _programme(app) -> None:
    """Three applications of the 2026 call: two declared, one in the preliminary review."""
    with app.app_context():
        call = calls.open_call(driver.user("province"), "2026年度全省城乡社区治理实验区申报", 2026, DEADLINE)
        for adcode in ("370102", "370103"):
            driver.declare(driver.start(adcode, call))
        reviewing = driver.forward(driver.start("370202", call))
        driver.assign(reviewing, "expert05", "expert06")


def test_the_dashboard_draws_its_charts_and_clicks_through(live_server, page):
    base, app = live_server
    _programme(app)
    errors: list[str] = []
    # A missing file is reported by its response (with its address); the browser's own favicon.ico
    # request is no file of ours.
    page.on(
        "console",
        lambda m: errors.append(m.text) if m.type == "error" and "Failed to load" not in m.text else None,
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "response",
        lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 and "favicon" not in r.url else 0,
    )
    sign_in(page, base, "province")
    page.click("[data-testid=nav-dashboard]")
    page.wait_for_url(f"{base}/command/")
    for chart in ("call", "phase", "status", "theme", "reviews"):
        page.wait_for_selector(f"[data-testid=chart-{chart}] canvas")
    assert page.locator("[data-testid=figure-applications] .figure-value").inner_text() == "3"
    assert page.locator("[data-testid=figure-reviews] .figure-value").inner_text() == "2"
    screenshot(page, "dashboard")
    assert not errors, errors

    # The status ring: a click on its top, where the first slice (running) begins, opens the list.
    ring = page.locator("[data-testid=chart-status]")
    ring.scroll_into_view_if_needed()
    box = ring.bounding_box()
    assert box is not None
    radius = min(box["width"], box["height"]) / 2 * 0.6
    ring.click(position={"x": box["width"] * 0.35 + 4, "y": box["height"] / 2 - radius})
    page.wait_for_url(lambda url: "/applications?" in url and "status=running" in url)
    assert page.locator("[data-testid=applications] tbody tr").count() == 3
