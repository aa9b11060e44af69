"""The annual statistics report (统计报表) and the Excel exports of the command centre (issue 16 §3):
figures per city against the programme built here, and workbooks opened back with openpyxl."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import load_workbook

from app.clock import PROGRAMME_TZ
from app.demo import driver
from app.services.lifecycle import timers
from app.services.statistics.report import annual_report

from . import command_centre
from .web_helpers import csrf_token, login

programme = command_centre.programme  # the fixture


def _rows(report) -> dict[str, object]:
    return {row.adcode: row for row in report.rows}


def test_the_report_counts_each_city_of_the_year(app, world, clock, programme):
    clock.set(datetime(2026, 11, 8, 9, 0, tzinfo=PROGRAMME_TZ))
    timers.fire_due_timers()  # the zone's first annual plan goes late
    with app.test_request_context():
        report = annual_report(world.user("province"), 2026)
    rows = _rows(report)
    assert len(rows) == 16, "every city, those without applications too"
    jinan, qingdao, zibo = rows["370100"], rows["370200"], rows["370300"]
    assert (jinan.applications, jinan.by_phase, jinan.by_outcome) == (1, {"实验实施": 1}, {})
    assert (jinan.late_duties, jinan.recognised, jinan.accepted) == (1, 1, 0)
    assert (qingdao.applications, qingdao.by_phase, qingdao.by_outcome) == (2, {"方案初审": 1}, {"late": 1})
    assert (zibo.applications, zibo.by_outcome, zibo.late_duties) == (1, {"late": 1}, 0)
    assert rows["370600"].applications == 0
    assert report.total.applications == 4 and report.total.by_outcome == {"late": 2}
    assert [c.key for c in report.outcomes] == ["late"]
    with app.test_request_context():
        assert annual_report(world.user("province"), 2025).total.applications == 0
        assert annual_report(world.user("province"), 2025).total.recognised == 0


def test_a_city_reads_only_its_own_row(app, world, programme):
    with app.test_request_context():
        report = annual_report(world.user("370200"), 2026)
    assert [row.adcode for row in report.rows] == ["370200"]
    assert report.total.applications == 2 and report.total.recognised == 0


def test_accepted_zones_count_in_the_year_of_their_acceptance(app, world, clock):
    zone = world.period_ended("370102")
    driver.final_report(zone)
    driver.acceptance(zone, accepted=True)
    year = clock.now().astimezone(PROGRAMME_TZ).year
    with app.test_request_context():
        accepted = _rows(annual_report(world.user("province"), year))["370100"]
        recognised = _rows(annual_report(world.user("province"), 2026))["370100"]
    assert accepted.accepted == 1 and accepted.recognised == 0
    assert recognised.recognised == 1 and recognised.accepted == 0


def _sheet(response, title: str | None = None):
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.data))
    return book[title] if title else book.worksheets[0]


def _laid_out(sheet) -> list[list[object]]:
    """The sheet's rows, after checking it is laid out to work with and to print."""
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == sheet.dimensions
    assert all(cell.font.bold for cell in sheet[1])
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4) == 9
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.column_dimensions["A"].width >= 6
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_report_exports_to_excel_with_chinese_headers(client, world, programme):
    login(client, "province")
    rows = _laid_out(_sheet(client.get("/command/report.xlsx?year=2026")))
    headers = rows[0]
    assert headers[:2] == ["市", "申报"]
    assert "进行中：方案初审" in headers and "已结束：逾期未报" in headers
    assert headers[-3:] == ["年度任务逾期数", "认定实验区数", "通过验收实验区数"]
    by_city = {row[0]: dict(zip(headers, row, strict=True)) for row in rows[1:]}
    assert len(by_city) == 17, "16 cities and the total"
    assert by_city["青岛市"]["申报"] == 2 and by_city["青岛市"]["已结束：逾期未报"] == 1
    assert by_city["济南市"]["认定实验区数"] == 1
    assert by_city["合计"]["申报"] == 4


def test_the_report_exports_with_english_headers_to_a_reader_of_english(client, world, programme):
    login(client, "province")
    client.post("/language/en", data={"csrf_token": csrf_token(client.get("/inbox").get_data(as_text=True))})
    rows = _laid_out(_sheet(client.get("/command/report.xlsx?year=2026")))
    assert rows[0][:2] == ["City", "Applications"]
    assert rows[0][-1] == "Zones accepted"
    assert "Jinan" in {row[0] for row in rows[1:]}


def test_the_dashboard_tables_export_one_sheet_each(client, world, programme):
    login(client, "370200")
    response = client.get("/command/dashboard.xlsx")
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[0] == "主要指标" and "各阶段用时" in book.sheetnames
    figures = dict(_laid_out(book["主要指标"])[1:])
    assert figures["申报总数"] == 2, "青岛市's counties only"
    assert figures["待评审"] == 2
    outcomes = _laid_out(book["已结束的申报（按结果）"])
    assert outcomes == [["结果", "数量"], ["逾期未报", 1]]


def test_the_application_list_exports_with_its_filters(client, world, programme):
    login(client, "province")
    rows = _laid_out(_sheet(client.get("/applications/export.xlsx?city=370200&sort=id&order=asc")))
    assert rows[0] == ["申报编号", "申报单位", "市", "申报批次", "实验主题", "阶段", "状态", "更新时间"]
    assert [row[0] for row in rows[1:]] == sorted([programme["late"].id, programme["reviewing"].id])
    assert {row[2] for row in rows[1:]} == {"青岛市"}
    late = _laid_out(_sheet(client.get("/applications/export.xlsx?outcome=late")))
    assert sorted(row[0] for row in late[1:]) == sorted([programme["late"].id, programme["unforwarded"].id])


def test_a_county_exports_only_its_own_applications(client, world, programme):
    login(client, "370202")
    rows = _laid_out(_sheet(client.get("/applications/export.xlsx")))
    assert [row[0] for row in rows[1:]] == [programme["reviewing"].id]


def test_the_report_page_prints_and_links_to_the_list(client, world, programme):
    login(client, "province")
    html = client.get("/command/report?year=2026").get_data(as_text=True)
    assert "css/statistics.css" in html and "data-print" in html
    assert 'data-testid="report-total"' in html
    assert "/applications?city=370200" in html
    assert client.get("/command/report?year=abc").status_code == 200, "no year is this year"
    assert client.get("/command/report?year=99999999999").status_code == 200
