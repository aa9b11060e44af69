"""认领 / 指派 on the inbox and the task page: claim a unit's task, give it back, assign it."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...services.errors import Conflict
from ...services.lifecycle import claims
from . import bp


def _back(task_id: str):
    """Back where the button was pressed: the task's page or the inbox."""
    if request.form.get("back") == "task":
        return redirect(url_for("inbox.task", task_id=task_id))
    return redirect(url_for("inbox.index"))


@bp.post("/tasks/<task_id>/claim")
@login_required
def claim(task_id: str):
    try:
        task = claims.claim(current_user, task_id)
    except Conflict as exc:
        flash(exc.message, "error")
    else:
        flash(_("You hold %(task)s now: only you can complete it.", task=task.name), "success")
    return _back(task_id)


@bp.post("/tasks/<task_id>/unclaim")
@login_required
def unclaim(task_id: str):
    try:
        task = claims.unclaim(current_user, task_id)
    except Conflict as exc:
        flash(exc.message, "error")
    else:
        flash(_("%(task)s is back with the unit: any member can claim it.", task=task.name), "success")
    return _back(task_id)


@bp.post("/tasks/<task_id>/assign")
@login_required
def assign(task_id: str):
    try:
        task = claims.assign(current_user, task_id, request.form.get("member"))
    except Conflict as exc:
        flash(exc.message, "error")
    else:
        holder = task.claimed_by.display_name if task.claimed_by else ""
        flash(_("%(task)s assigned to %(name)s.", task=task.name, name=holder), "success")
    return _back(task_id)
