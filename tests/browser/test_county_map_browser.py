"""The map of Shandong in a real browser: ECharts draws every county of our divisions (none missing,
none unknown), hovering a county tells its application, a click opens it, and a city sees only its
own counties' states."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from app.demo import driver
from app.reference import load_divisions
from app.services.lifecycle import calls

from ..conftest import DEADLINE
from .conftest import ARTIFACTS, screenshot, sign_in

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "app" / "static" / "build"
COUNTIES = {d.adcode for d in load_divisions() if d.level == "county"}
JINAN = {d.adcode for d in load_divisions() if d.parent_adcode == "370100"}

# What ECharts holds after drawing: the regions of the map it registered and drew (named by the
# adcode, the geo component's nameProperty), and the data of the county series.
DRAWN = """() => {
  const chart = echarts.getInstanceByDom(document.querySelector('[data-testid=county-map]'));
  const geo = chart.getModel().getComponent('geo').coordinateSystem;
  return {
    regions: geo.regions.map(region => region.name),
    registered: echarts.getMap('shandong').geoJSON.features.map(f => f.properties.adcode),
    data: chart.getOption().series[0].data.map(d => ({adcode: d.name, state: d.state, url: d.url || null})),
  };
}"""

# Where a county lies on the page: the pixel of its region's centre.
CENTRE = """adcode => {
  const element = document.querySelector('[data-testid=county-map]');
  const chart = echarts.getInstanceByDom(element);
  const region = chart.getModel().getComponent('geo').coordinateSystem.getRegion(adcode);
  const [x, y] = chart.convertToPixel({geoIndex: 0}, region.getCenter());
  const box = element.getBoundingClientRect();
  return [box.left + x, box.top + y];
}"""


@pytest.fixture(scope="module", autouse=True)
def bundles():
    """The map's bundle and boundaries (scripts/_setup.sh builds them; built here when a run skipped it)."""
    if not (BUILD / "map.js").exists() or not (BUILD / "shandong_counties.json").exists():
        subprocess.run(["bash", str(ROOT / "scripts" / "build_js.sh")], check=True, cwd=ROOT)


def _applications(app) -> dict[str, int]:
    with app.app_context():
        call = calls.open_call(driver.user("province"), "2026年度全省城乡社区治理实验区申报", 2026, DEADLINE)
        return {adcode: driver.start(adcode, call).id for adcode in ("370102", "370202")}


def _open_map(page, base: str) -> dict:
    page.goto(f"{base}/command/map")
    page.wait_for_selector("[data-testid=county-map][data-ready=true]")
    return page.evaluate(DRAWN)


def test_the_map_draws_every_county_and_opens_an_application(live_server, page):
    base, app = live_server
    ids = _applications(app)
    sign_in(page, base, "province")
    drawn = _open_map(page, base)
    assert sorted(drawn["regions"]) == sorted(drawn["registered"]) == sorted(COUNTIES)
    assert sorted(d["adcode"] for d in drawn["data"]) == sorted(COUNTIES)
    states = {d["adcode"]: d["state"] for d in drawn["data"]}
    assert states["370102"] == states["370202"] != "not_applied"
    assert sum(state == "not_applied" for state in states.values()) == 134
    screenshot(page, "county-map-province")

    x, y = page.evaluate(CENTRE, "370102")
    page.mouse.move(x, y)
    tooltip = page.locator(".county-map-tooltip")
    tooltip.wait_for(state="visible")
    assert "历下区" in tooltip.inner_text() and "自主申报" in tooltip.inner_text()
    page.locator("[data-testid=county-map]").screenshot(path=str(ARTIFACTS / "county-map-tooltip.png"))
    page.mouse.click(x, y)
    page.wait_for_url(f"**/applications/{ids['370102']}")


def test_a_city_sees_only_its_own_counties_and_a_county_not_the_map(live_server, page):
    base, app = live_server
    ids = _applications(app)
    sign_in(page, base, "370100")
    drawn = _open_map(page, base)
    states = {d["adcode"]: d for d in drawn["data"]}
    assert sorted(states) == sorted(COUNTIES)
    assert {adcode for adcode, d in states.items() if d["state"] != "hidden"} == JINAN
    assert states["370202"]["url"] is None  # 青岛市's application is not revealed
    assert states["370102"]["url"].endswith(f"/applications/{ids['370102']}")
    screenshot(page, "county-map-city")

    page.route("**/shandong_counties.json", lambda route: route.fulfill(status=404))
    page.goto(f"{base}/command/map")
    page.locator("[data-map-failed]").wait_for(state="visible")  # the table is the fallback
    assert page.locator("[data-testid=county-table] tbody tr").count() == len(COUNTIES)
    page.unroute("**/shandong_counties.json")

    page.context.clear_cookies()
    sign_in(page, base, "370102")
    assert page.goto(f"{base}/command/map").status == 403
    page.context.clear_cookies()
    sign_in(page, base, "expert05")
    assert page.goto(f"{base}/command/map").status == 403
