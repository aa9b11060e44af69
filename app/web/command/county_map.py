"""/command/map: Shandong's counties coloured by the standing of their applications."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_login import current_user, login_required

from ...services.lifecycle import calls
from ...services.statistics import county_map
from . import bp


@bp.get("/map")
@login_required
def county_map_page():
    chosen = request.args.get("call", "")
    call_id = None if not chosen else int(chosen) if chosen.isdigit() else -1  # -1: found by nobody
    standing = county_map.county_map(current_user, call_id)
    return render_template(
        "command/map.html",
        standing=standing,
        calls=calls.filter_calls(call_id),
        counties=[_on_map(county) for county in standing.counties],
    )


def _on_map(county: county_map.CountyStanding) -> dict:
    """What the map's script draws and shows on hover for a county."""
    link = url_for("instances.detail", instance_id=county.application_id) if county.application_id else None
    return {
        "adcode": county.adcode,
        "name": county.name,
        "state": county.state.key,
        "label": county.state.label,
        "colour": county.state.colour,
        "application": county.application,
        "phase": county.phase,
        "url": link,
    }
