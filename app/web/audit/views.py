from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...clock import PROGRAMME_TZ
from ...scope import can_read_security_log
from ...services.administration import changes as admin_change_log
from ...services.audit import access, chain_check, reexecution, replay_view, security_log
from ...services.audit import exports as audit_exports
from ...services.errors import ServiceError
from ...services.reading import queries
from ..exports import audit_package_response, xlsx_download
from ..paging import page_request
from . import bp
from .security_details import detail_lines


@bp.get("/instances/<int:instance_id>")
@login_required
def instance(instance_id: int):
    """The audit page; ?check=chain and ?check=reexecute run the checks (read-only, so GET)."""
    instance = access.audited_instance(current_user, instance_id)
    check = request.args.get("check")
    return render_template(
        "audit/instance.html",
        instance=instance,
        chain=chain_check.verify_chain(instance) if check == "chain" else None,
        reexecuted=reexecution.reexecute(instance) if check == "reexecute" else None,
    )


@bp.get("/instances/<int:instance_id>/replay")
@login_required
def replay(instance_id: int):
    """Step through the history on the diagram (frames rebuilt by re-execution)."""
    instance = access.audited_instance(current_user, instance_id)
    frames, problem = replay_view.frames_of(instance, str(get_locale()))
    return render_template(
        "audit/replay.html",
        instance=instance,
        frames=replay_view.frames_json(frames),
        problem=problem,
        diagram_tabs=queries.diagram_tabs(instance),
    )


@bp.get("")
@login_required
def index():
    """Exports across applications and the security log."""
    access.require_auditor(current_user)
    return render_template(
        "audit/index.html",
        cities=queries.cities(),
        phases=queries.lifecycle_phases(),
        can_read_log=can_read_security_log(current_user),
    )


@bp.get("/instances/<int:instance_id>/package.zip")
@login_required
def package(instance_id: int):
    return audit_package_response(current_user, instance_id)


# Filter dates outside these cannot match an event and, at the ends of the calendar, cannot be
# converted between time zones at all (0001-01-01 in Beijing is before year 1 in UTC).
FIRST_FILTER_DAY, LAST_FILTER_DAY = date(2000, 1, 1), date(2099, 12, 31)


def _day(value: str | None, end: bool = False) -> datetime | None:
    """A YYYY-MM-DD filter in Beijing time (through the whole day when it ends a range)."""
    if not value:
        return None
    try:
        day = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=PROGRAMME_TZ)
    except ValueError:
        raise ServiceError(_("Dates are written YYYY-MM-DD, e.g. 2026-11-25.")) from None
    if not FIRST_FILTER_DAY <= day.date() <= LAST_FILTER_DAY:
        raise ServiceError(
            _(
                "Choose dates between %(first)s and %(last)s.",
                first=FIRST_FILTER_DAY.isoformat(),
                last=LAST_FILTER_DAY.isoformat(),
            )
        )
    return day + timedelta(days=1) - timedelta(microseconds=1) if end else day


@bp.get("/events.xlsx")
@login_required
def events_xlsx():
    access.require_auditor(current_user)
    args = request.args
    filters = audit_exports.EventFilters(
        city=args.get("city") or None,
        phase=args.get("phase") or None,
        since=_day(args.get("since")),
        until=_day(args.get("until"), end=True),
        actor=(args.get("actor") or "").strip() or None,
    )
    content, rows = audit_exports.events_workbook(current_user, filters)
    filters_given = {k: v for k, v in args.items() if v}
    return xlsx_download(content, "history-events.xlsx", "events_xlsx", rows=rows, filters=filters_given)


@bp.get("/security")
@login_required
def security():
    """The security log, newest first, a page at a time; filters and the page position live in the URL."""
    access.require_security_log_reader(current_user)
    args = request.args
    filters = security_log.LogFilters(
        kind=args.get("kind") if args.get("kind") in security_log.KINDS else None,
        username=(args.get("username") or "").strip() or None,
        ip=(args.get("ip") or "").strip() or None,
    )
    query = page_request(security_log.LOG_SORTS)
    return render_template(
        "audit/security.html",
        page=security_log.page(filters, query),
        query=query,
        filters=filters,
        kinds=security_log.KINDS,
        detail_lines=detail_lines,
    )


@bp.get("/admin-changes")
@login_required
def admin_changes():
    """Every administrative change (users, units): who, when, before → after; newest first."""
    kind = request.args.get("kind") if request.args.get("kind") in admin_change_log.KINDS else None
    query = page_request(admin_change_log.CHANGE_SORTS)
    return render_template(
        "audit/admin_changes.html",
        page=admin_change_log.page(current_user, kind, query),
        query=query,
        kind=kind,
        kinds=admin_change_log.KINDS,
    )
