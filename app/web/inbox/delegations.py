"""代理: the page where a member names a colleague to act for them while away."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ... import clock
from ...clock import PROGRAMME_TZ
from ...services.accounts import delegations
from ...services.errors import ValidationFailed
from . import bp


def _page(values: dict, errors: dict[str, str], message: str | None = None, status: int = 200):
    colleagues = delegations.colleagues(current_user)
    return (
        render_template(
            "inbox/delegations.html",
            delegations=delegations.delegations_of(current_user),
            colleagues=colleagues,
            roles=sorted({role for colleague in colleagues for role in colleague.roles}),
            values=values,
            errors=errors,
            message=message,
            today=clock.now().astimezone(PROGRAMME_TZ).date().isoformat(),
        ),
        status,
    )


@bp.get("/inbox/delegations")
@login_required
def delegation_list():
    return _page({}, {})


@bp.post("/inbox/delegations")
@login_required
def delegation_new():
    values = {key: request.form.get(key, "") for key in ("delegate", "role", "starts", "ends")}
    try:
        made = delegations.delegate(
            current_user, values["delegate"], values["role"], values["starts"], values["ends"]
        )
    except ValidationFailed as exc:
        errors = {error.field: error.message for error in exc.errors}
        return _page(values, errors, exc.message, 422)
    flash(_("%(name)s acts for you in the period you set.", name=made.delegate.display_name), "success")
    return redirect(url_for("inbox.delegation_list"))


@bp.post("/inbox/delegations/<int:delegation_id>/end")
@login_required
def delegation_end(delegation_id: int):
    delegations.end_delegation(current_user, delegation_id)
    flash(_("The delegation has ended."), "success")
    return redirect(url_for("inbox.delegation_list"))
