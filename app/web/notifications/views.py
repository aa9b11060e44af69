from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ... import clock
from ...services.errors import ValidationFailed
from ...services.notices import bell, preferences
from ...services.notices.texts import KINDS, headline, kind_label
from ...services.reading.notification_list import NOTIFICATION_SORTS, notifications_page
from ..paging import page_request
from . import bp


@bp.get("")
@login_required
def index():
    """Newest first, all or the unread only, a page at a time."""
    unread = request.args.get("unread") == "1"
    query = page_request(NOTIFICATION_SORTS)
    return render_template(
        "notifications/index.html",
        page=notifications_page(current_user, unread, query),
        query=query,
        unread=unread,
        headline=headline,
    )


@bp.post("/read")
@login_required
def read_all():
    bell.mark_read(current_user, clock.now())
    return redirect(url_for("notifications.index"))


@bp.post("/<int:notification_id>/open")
@login_required
def open_one(notification_id: int):
    """Mark one read and go where it points (the task, the application), or back to the list."""
    target = bell.open_one(current_user, notification_id, clock.now())
    return redirect(target or url_for("notifications.index"))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    errors = []
    email, chosen = current_user.email or "", preferences.chosen_kinds(current_user)
    if request.method == "POST":
        email, chosen = request.form.get("email", ""), request.form.getlist("kinds")
        try:
            preferences.save(current_user, email, chosen)
        except ValidationFailed as exc:
            errors = exc.errors
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("notifications.settings"))
    options = [(kind, kind_label(kind)) for kind in KINDS]
    status = 422 if errors else 200
    return render_template(
        "notifications/settings.html", email=email, chosen=chosen, options=options, errors=errors
    ), status
