"""统计报表: the annual statistics report per city, printable on A4 and exported to Excel."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user, login_required

from ... import clock
from ...clock import PROGRAMME_TZ
from ...services.statistics.access import require_overseer
from ...services.statistics.report import AnnualReport, annual_report, report_years
from ...services.statistics.workbooks import report_workbook
from ..exports import xlsx_download
from . import bp
from .dashboard import list_link

FIRST_YEAR, LAST_YEAR = 2000, 2099  # a year outside these is no year of the programme


def _report() -> AnnualReport:
    require_overseer(current_user)
    year = request.args.get("year", type=int)
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        year = clock.now().astimezone(PROGRAMME_TZ).year
    return annual_report(current_user, year)


@bp.get("/report")
@login_required
def report():
    report = _report()
    years = sorted({*report_years(), report.year}, reverse=True)
    call = report.call_ids[0] if len(report.call_ids) == 1 else None
    return render_template("command/report.html", report=report, years=years, call=call, list_link=list_link)


@bp.get("/report.xlsx")
@login_required
def report_xlsx():
    report = _report()
    return xlsx_download(
        report_workbook(report), f"statistics-{report.year}.xlsx", "report_xlsx", year=report.year
    )
