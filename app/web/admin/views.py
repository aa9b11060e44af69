from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ... import clock
from ...scope import (
    can_administer,
    can_model,
    can_read_security_log,
    can_retry_incidents,
    can_see_incidents,
)
from ...services.errors import Forbidden
from ...services.reading.incident_list import INCIDENT_SORTS, incidents_page
from ...services.reading.incident_list import KINDS as INCIDENT_KINDS
from ...services.store import incidents
from ..paging import page_request
from . import bp

# The administrator's pages: (endpoint, title, what it is for, who may open it).
ADMIN_PAGES = (
    ("admin.user_list", _l("Users"), _l("Accounts, roles, units, passwords"), can_administer),
    (
        "admin.user_new",
        _l("New account"),
        _l("An account for a member of staff or an expert"),
        can_administer,
    ),
    (
        "admin.user_import_page",
        _l("Import accounts from Excel"),
        _l("A sheet of accounts, all or none"),
        can_administer,
    ),
    (
        "admin.unit_list",
        _l("Units"),
        _l("The province, cities and county-level units: rename or mark abolished"),
        can_administer,
    ),
    (
        "audit.admin_changes",
        _l("Administrative changes"),
        _l("Who changed which account or unit, when, from what to what."),
        can_read_security_log,
    ),
    (
        "admin.incident_list",
        _l("Incidents"),
        _l("Applications that cannot go on by themselves, and retrying a failed deadline."),
        can_see_incidents,
    ),
    (
        "audit.security",
        _l("Security log"),
        _l("Sign-ins, refusals, locked usernames, password changes and exports."),
        can_read_security_log,
    ),
    (
        "modeler.index",
        _l("Workbench"),
        _l("Diagrams and forms: drafts, checks, deployment and versions."),
        can_model,
    ),
)


@bp.get("")
@login_required
def index():
    """Administration's front page: the pages of running the system that this user may open."""
    pages = [(endpoint, title, purpose) for endpoint, title, purpose, may in ADMIN_PAGES if may(current_user)]
    if not pages:
        raise Forbidden(_("Only administrators, auditors and process owners can open the administration."))
    return render_template("admin/index.html", pages=pages)


@bp.get("/incidents")
@login_required
def incident_list():
    """Applications that cannot go on by themselves, where they stopped and why, a page at a time."""
    kind = request.args.get("kind") if request.args.get("kind") in INCIDENT_KINDS else None
    query = page_request(INCIDENT_SORTS)
    return render_template(
        "admin/incidents.html",
        page=incidents_page(current_user, kind, query),
        query=query,
        kind=kind,
        kinds=INCIDENT_KINDS,
        may_retry=can_retry_incidents(current_user),
    )


@bp.post("/incidents/<int:incident_id>/retry")
@login_required
def retry(incident_id: int):
    incident = incidents.retry(current_user, incident_id, clock.now())
    flash(
        _(
            "The timers of application no. %(id)s will be fired again on the worker's next pass.",
            id=incident.instance_id,
        ),
        "success",
    )
    return redirect(url_for("admin.incident_list"))
