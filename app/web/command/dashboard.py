"""数据看板: the programme's figures and charts, each clicking through to the filtered application list."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ... import clock
from ...services.errors import MAX_ID
from ...services.lifecycle import calls
from ...services.statistics.access import require_overseer
from ...services.statistics.counts import Breakdown
from ...services.statistics.dashboard import Dashboard, dashboard_for
from ...services.statistics.workbooks import dashboard_workbook
from ..exports import xlsx_download
from . import bp

# How each breakdown is drawn: a share of a whole reads as a ring, a ranking as bars.
_CHART_KINDS = {"status": "pie", "outcome": "pie"}


def _chosen_call() -> int | None:
    call_id = request.args.get("call", type=int)
    return call_id if call_id is not None and 0 < call_id < MAX_ID else None


def _board() -> Dashboard:
    require_overseer(current_user)
    return dashboard_for(current_user, _chosen_call(), clock.now())


def list_link(filters: dict) -> str | None:
    """The application list showing what a figure counts, or None when no filter of the list can."""
    return url_for("instances.index", **filters) if filters else None


def _chart(breakdown: Breakdown) -> dict:
    return {
        "key": breakdown.key,
        "kind": _CHART_KINDS.get(breakdown.key, "bar"),
        "items": [
            {"name": c.label, "value": c.count, "href": list_link(c.filters)} for c in breakdown.counts
        ],
    }


def _phase_time_chart(board: Dashboard) -> dict:
    """Phases along the axis (in lifecycle order), a bar of median days per call (clicking through to
    its applications); with one call, its slowest application beside the median."""
    phases = list(dict.fromkeys(t.phase for t in board.phase_times))
    by_call: dict[tuple[int, str], dict[str, float]] = {}
    slowest: dict[str, float] = {}
    for t in board.phase_times:
        by_call.setdefault((t.call_id, t.call), {})[t.phase] = t.median_days
        slowest[t.phase] = max(slowest.get(t.phase, 0.0), t.slowest_days)
    series = [
        {
            "name": _("%(call)s: median (days)", call=call) if len(by_call) > 1 else _("Median (days)"),
            "values": [days.get(p) for p in phases],
            "href": list_link({"call": call_id}),
        }
        for (call_id, call), days in by_call.items()
    ]
    if len(by_call) == 1:
        series.append(
            {"name": _("Slowest (days)"), "values": [slowest[p] for p in phases], "href": series[0]["href"]}
        )
    return {"key": "phase_times", "kind": "grouped", "categories": phases, "series": series}


@bp.get("/")
@login_required
def dashboard():
    board = _board()
    charts = [_chart(b) for b in board.breakdowns]
    charts += [_chart(board.requests_waiting), _chart(board.reviews_outstanding), _phase_time_chart(board)]
    return render_template(
        "command/dashboard.html",
        board=board,
        charts=charts,
        calls=calls.filter_calls(board.call_id),
        list_link=list_link,
    )


@bp.get("/dashboard.xlsx")
@login_required
def dashboard_xlsx():
    board = _board()
    return xlsx_download(dashboard_workbook(board), "dashboard.xlsx", "dashboard_xlsx", call=board.call_id)
