"""认领 / 指派 on the inbox and the task page: claim a unit's task, give it back, assign it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...services.errors import Conflict
from ...services.lifecycle import claims
from ...services.reading.reference_text import person_name
from . import bp

if TYPE_CHECKING:
    from ...models import ReadyTask


def _back(task_id: str):
    """Back where the button was pressed: the task's page or the inbox."""
    if request.form.get("back") == "task":
        return redirect(url_for("inbox.task", task_id=task_id))
    return redirect(url_for("inbox.index"))


def _change_holder(task_id: str, change: Callable[[], ReadyTask], done: Callable[[ReadyTask], str]):
    """Run a change of holder; flash what it did, or the conflict that refused it, and go back."""
    try:
        task = change()
    except Conflict as exc:
        flash(exc.message, "error")
    else:
        flash(done(task), "success")
    return _back(task_id)


@bp.post("/tasks/<task_id>/claim")
@login_required
def claim(task_id: str):
    return _change_holder(
        task_id,
        lambda: claims.claim(current_user, task_id),
        lambda task: _("You hold %(task)s now: only you can complete it.", task=task.name),
    )


@bp.post("/tasks/<task_id>/unclaim")
@login_required
def unclaim(task_id: str):
    return _change_holder(
        task_id,
        lambda: claims.unclaim(current_user, task_id),
        lambda task: _("%(task)s is back with the unit: any member can claim it.", task=task.name),
    )


@bp.post("/tasks/<task_id>/assign")
@login_required
def assign(task_id: str):
    return _change_holder(
        task_id,
        lambda: claims.assign(current_user, task_id, request.form.get("member")),
        lambda task: _("%(task)s assigned to %(name)s.", task=task.name, name=person_name(task.claimed_by)),
    )
