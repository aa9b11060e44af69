"""The administrator's page for units: rename, abolish, restore."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...services.administration import units
from ...services.errors import ValidationFailed
from ..paging import page_request
from . import bp


def _position() -> dict[str, Any]:
    """Where the list was (its search and page), for the forms on it to come back to."""
    return {
        name: request.args[name]
        for name in ("q", "sort", "order", "after", "limit")
        if request.args.get(name)
    }


def _page(errors: dict[int, str] | None = None, typed: dict[int, str] | None = None, status: int = 200):
    search = request.args.get("q", "")
    query = page_request(units.UNIT_SORTS)
    return render_template(
        "admin/units.html",
        page=units.units_page(current_user, search, query),
        query=query,
        search=search,
        position=_position(),
        errors=errors or {},
        typed=typed or {},
    ), status


@bp.get("/units")
@login_required
def unit_list():
    return _page()


@bp.post("/units/<int:unit_id>/name")
@login_required
def unit_rename(unit_id: int):
    name = request.form.get("name", "")
    try:
        unit = units.rename(current_user, unit_id, name)
    except ValidationFailed as exc:
        return _page({unit_id: exc.message}, {unit_id: name}, 422)
    flash(_("Renamed: %(name)s.", name=unit.full_name), "success")
    return redirect(url_for("admin.unit_list", **_position(), _anchor=f"unit-{unit.adcode}"))


@bp.post("/units/<int:unit_id>/abolished")
@login_required
def unit_abolish(unit_id: int):
    abolished = request.form.get("abolished") == "1"
    unit = units.set_abolished(current_user, unit_id, abolished)
    if abolished:
        flash(
            _("%(name)s is marked abolished; its applications stay as they are.", name=unit.full_name),
            "success",
        )
    else:
        flash(_("%(name)s exists again.", name=unit.full_name), "success")
    return redirect(url_for("admin.unit_list", **_position(), _anchor=f"unit-{unit.adcode}"))
