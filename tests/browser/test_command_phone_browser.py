"""The command centre on a phone (390×844), in Chromium against gunicorn: the province and a city go
through its four pages by the tab strip, and each fits the screen: the page never scrolls sideways,
every tab can be reached within the strip, the charts, the map and the diagram are as wide as the
screen at most (the map shows the whole province), and a wide table scrolls inside its own box with
its column headings, while a narrow one reads as cards or a table whose rows span it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.demo import driver
from app.services.lifecycle import calls

from ..conftest import DEADLINE
from .conftest import screenshot, sign_in, sign_out

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# Each page, its address (the tab strip's link to it), and what shows that its scripts have drawn it.
PAGES = (
    ("dashboard", "/command/", "[data-testid=chart-status] canvas"),
    ("map", "/command/map", "[data-testid=county-map] canvas"),
    ("report", "/command/report", "[data-testid=report-table]"),
    ("heatmap", "/command/heatmap", "#heatmap-diagram[data-painted]"),
)
# The smallest box a finger hits reliably (WCAG 2.2's target size, minimum).
FINGER = 24

# Everything a phone user needs measured in one go: the page's width, the tab strip and its tabs,
# the drawings (ECharts charts, the map, the bpmn-js diagram) with, for the map, where ECharts laid
# out the province inside its box, and every table: the box that scrolls it sideways (if any),
# whether its column headings show and how wide its rows are.
_MEASURE = """() => {
  const inner = window.innerWidth;
  const box = el => { const r = el.getBoundingClientRect();
    return {left: r.left, right: r.right, width: r.width, height: r.height}; };
  const scrolls = el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const strip = document.querySelector('[data-testid=command-tabs]');
  const province = el => {
    const chart = window.echarts && window.echarts.getInstanceByDom(el);
    const geo = chart && chart.getModel().getComponent('geo');
    if (!geo) { return null; }
    const rect = geo.coordinateSystem.getViewRect();
    return {left: rect.x, right: rect.x + rect.width};
  };
  const drawings = [...document.querySelectorAll('[data-chart], [data-testid=county-map], .diagram')]
    .map(el => { const drawn = el.querySelector('canvas, svg');
      return {name: el.dataset.testid || el.id, ...box(el), drawn: drawn ? box(drawn).width : null,
              province: province(el)}; });
  const tables = [...document.querySelectorAll('main table')].map(table => {
    let wrapper = table;
    while (wrapper && !scrolls(wrapper)) { wrapper = wrapper.parentElement; }
    const head = table.querySelector('thead');
    return {name: table.dataset.testid || table.className, ...box(table),
            headings: !!head && getComputedStyle(head).display !== 'none',
            rows: [...table.rows].filter(row => row.getClientRects().length).map(row => box(row).width),
            wrapper: wrapper
              ? {...box(wrapper), scroll: wrapper.scrollWidth, client: wrapper.clientWidth} : null};
  });
  return {
    inner, scroll: document.documentElement.scrollWidth,
    strip: {...box(strip), scrolls: scrolls(strip), scroll: strip.scrollWidth, client: strip.clientWidth},
    tabs: [...strip.querySelectorAll('a')].map(a => ({text: a.textContent.trim(), ...box(a)})),
    drawings, tables,
  };
}"""


def _histories(app, clock) -> None:
    """Applications in Jinan and Qingdao declared, forwarded and reviewed a few days apart, and one
    through every kind of step: figures for every chart, the map, the report and the heatmap."""
    with app.app_context():
        call = calls.open_call(driver.user("province"), "2026年度全省城乡社区治理实验区申报", 2026, DEADLINE)
        steps = (
            driver.declare,
            lambda instance: driver.city_decides(instance, "forward"),
            lambda instance: driver.assign(instance, "expert05", "expert06"),
            lambda instance: driver.opine(instance, "expert05", "pass"),
        )
        for adcode, pause in (("370103", 1), ("370104", 2), ("370202", 3)):
            instance = driver.start(adcode, call)
            for step in steps:
                clock.advance(timedelta(days=pause))
                step(instance)
        driver.declare(driver.start("370105", call))
        driver.through_every_kind_of_step(driver.start("370102", call))


def _problems(measured: dict) -> list[str]:
    """What a phone user could not use on the page just measured."""
    inner = measured["inner"]
    problems = []
    if measured["scroll"] > inner + 1:
        problems.append(f"the page scrolls sideways: {measured['scroll']} wide in {inner}")
    strip = measured["strip"]
    if strip["left"] < -1 or strip["right"] > inner + 1:
        problems.append(f"the tab strip reaches past the screen: {strip}")
    for tab in measured["tabs"]:
        if tab["height"] < FINGER or tab["width"] < FINGER:
            problems.append(f"tab {tab['text']} is too small for a finger: {tab}")
        inside = tab["left"] >= strip["left"] - 1 and tab["right"] <= strip["right"] + 1
        if not inside and not strip["scrolls"]:
            problems.append(f"tab {tab['text']} lies outside its strip, which does not scroll: {tab}")
    for drawing in measured["drawings"]:
        if drawing["left"] < -1 or drawing["right"] > inner + 1:
            problems.append(f"drawing {drawing['name']} is wider than the screen: {drawing}")
        if drawing["drawn"] is not None and drawing["drawn"] > drawing["width"] + 1:
            problems.append(f"drawing {drawing['name']} is drawn wider than its box: {drawing}")
        province = drawing["province"]
        if province and (province["left"] < 0 or province["right"] > drawing["width"]):
            problems.append(f"the map cuts off part of the province: {drawing}")
    for table in measured["tables"]:
        wrapper = table["wrapper"]
        if table["right"] > inner + 1 and (wrapper is None or wrapper["right"] > inner + 1):
            problems.append(f"table {table['name']} widens the page instead of scrolling in its box: {table}")
        if wrapper and wrapper["scroll"] > wrapper["client"] + 1 and not table["headings"]:
            problems.append(f"table {table['name']} scrolls sideways without its column headings: {table}")
        # A row much narrower than its table: a total row left a table's row among rows read as cards
        # (a few pixels less is the table's border spacing).
        if any(row < 0.9 * table["width"] for row in table["rows"]):
            problems.append(f"table {table['name']} has rows narrower than itself: {table}")
    return problems


def test_the_province_and_a_city_use_the_command_centre_on_a_phone(live_server, page, clock):
    base, app = live_server
    _histories(app, clock)
    page.set_viewport_size(PHONE)
    unusable: dict[str, list[str]] = {}
    for username in ("province", "370100"):
        sign_in(page, base, username)
        page.goto(f"{base}/command/")
        for name, path, drawn in PAGES:
            # Each page is reached as a phone user reaches it: a tap on its tab in the strip.
            tab = page.locator(f"[data-testid=command-tabs] a[href='{path}']")
            tab.scroll_into_view_if_needed()
            tab.click()
            page.wait_for_url(f"{base}{path}")
            page.wait_for_selector(drawn)
            measured = page.evaluate(_MEASURE)
            if problems := _problems(measured):
                unusable[f"{username} {path}"] = problems
            screenshot(page, f"phone-command-{username}-{name}")
        sign_out(page)
    report = [f"{where}: {problem}" for where, found in unusable.items() for problem in found]
    assert not unusable, "\n".join(report)
