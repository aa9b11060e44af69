from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ... import clock
from ...scope import can_retry_incidents
from ...services.administration.access import require_admin
from ...services.store import incidents
from . import bp


@bp.get("/incidents")
@login_required
def incident_list():
    """Applications that cannot go on by themselves, where they stopped and why."""
    return render_template(
        "admin/incidents.html",
        incidents=incidents.open_incidents(current_user),
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


@bp.get("")
@login_required
def index():
    """The administrator's start: users, units, the import and the logs."""
    require_admin(current_user)
    return render_template("admin/index.html")
