"""The command centre's Excel exports: the annual report, the dashboard's tables, the application
list with its filters. Headers in the reader's language (Chinese first), laid out by
``reading.spreadsheets``."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import asc, desc

from ...clock import PROGRAMME_TZ
from ...extensions import db
from ...models import Instance, User
from ..reading import element_text, reference_text
from ..reading.search import APPLICATION_SORTS, ApplicationQuery, matching_applications
from ..reading.spreadsheets import Table, workbook_of
from .dashboard import Dashboard
from .report import AnnualReport, CityRow


def report_workbook(report: AnnualReport) -> bytes:
    headers = [
        _("City"),
        _("Applications"),
        *(_("Running: %(phase)s", phase=c.label) for c in report.phases),
        *(_("Ended: %(outcome)s", outcome=c.label) for c in report.outcomes),
        _("Late annual duties"),
        _("Zones recognised"),
        _("Zones accepted"),
    ]

    def cells(row: CityRow, name: str) -> list[object]:
        return [
            name,
            row.applications,
            *(row.by_phase.get(c.key, 0) for c in report.phases),
            *(row.by_outcome.get(c.key, 0) for c in report.outcomes),
            row.late_duties,
            row.recognised,
            row.accepted,
        ]

    rows = [cells(r, r.city) for r in report.rows] + [cells(report.total, _("Total"))]
    title = _("Statistics report %(year)s", year=report.year)
    return workbook_of([Table(title, headers, rows)])


def dashboard_workbook(dashboard: Dashboard) -> bytes:
    """Every table under the dashboard's charts, one sheet each, and the phase times."""
    figures = Table(
        _("Figures"),
        [_("Figure"), _("Number")],
        [
            [_("All applications"), dashboard.applications],
            [_("Running applications"), dashboard.running],
            [dashboard.zones_in_implementation.label, dashboard.zones_in_implementation.count],
            [_("Annual duties due"), dashboard.duties.due],
            [_("Annual duties overdue"), dashboard.duties.overdue],
            [_("Annual duties that went late"), dashboard.duties.late],
            [_("Requests waiting"), dashboard.requests_waiting.total],
            [_("Reviews outstanding"), dashboard.reviews_outstanding.total],
        ],
    )
    breakdowns = [
        Table(b.title, [b.heading, _("Number")], [[c.label, c.count] for c in b.counts])
        for b in [*dashboard.breakdowns, dashboard.requests_waiting, dashboard.reviews_outstanding]
    ]
    times = Table(
        _("Time each phase takes"),
        [_("Call"), _("Phase"), _("Applications"), _("Median (days)"), _("Slowest (days)")],
        [[t.call, t.phase, t.applications, t.median_days, t.slowest_days] for t in dashboard.phase_times],
    )
    return workbook_of([figures, *breakdowns, times])


def applications_workbook(user: User, query: ApplicationQuery) -> bytes:
    """Every application the list's filters and words match (not one page), in the list's order."""
    query = query.normalised()
    direction = desc if query.order == "desc" else asc
    select_ = matching_applications(user, query).order_by(
        direction(APPLICATION_SORTS[query.sort]), direction(Instance.id)
    )
    rows = [_application_row(i) for i in db.session.scalars(select_).unique()]
    headers = [
        _("Application number"),
        _("Applicant"),
        _("City"),
        _("Call"),
        _("Theme"),
        _("Phase"),
        _("Status"),
        _("Updated"),
    ]
    return workbook_of([Table(_("Applications"), headers, rows)])


def _application_row(instance: Instance) -> list[object]:
    status = (
        _("running")
        if instance.status == "running"
        else element_text.outcome_name(instance.version, instance.outcome_label) or _("ended")
    )
    return [
        instance.id,
        reference_text.organisation_name(instance.applicant, short=True),
        reference_text.organisation_name(instance.city),
        reference_text.call_name(instance.call),
        reference_text.theme_title(instance) or _("(theme not chosen yet)"),
        element_text.phase_name(instance.version, instance.phase),
        status,
        instance.updated_at.astimezone(PROGRAMME_TZ).strftime("%Y-%m-%d %H:%M"),
    ]
