"""The heatmap on the diagram: where applications pass and wait, by call and city."""

from __future__ import annotations

from flask import Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...services.errors import MAX_ID, ServiceError
from ...services.lifecycle import calls
from ...services.reading import queries
from ...services.statistics import heatmap as heatmap_service
from ...services.statistics import heatmap_page
from . import bp


def _id_arg(name: str, label: str) -> int | None:
    """An optional id from the query string; anything but a positive whole number is refused (400)."""
    value = (request.args.get(name) or "").strip()
    if not value:
        return None
    if not value.isdigit() or not 0 < int(value) < MAX_ID:
        raise ServiceError(_("%(field)s must be chosen from the list.", field=label))
    return int(value)


@bp.get("/heatmap")
@login_required
def heatmap():
    """Where applications pass and wait on a diagram version, by call and city (process mining)."""
    version_id = _id_arg("version", _("Process version"))
    call_id = _id_arg("call", _("Call"))
    city_id = _id_arg("city", _("City"))
    figures = heatmap_service.heatmap(current_user, version_id, call_id, city_id)
    return render_template(
        "command/heatmap.html",
        figures=figures,
        versions=heatmap_service.versions(),
        calls=calls.filter_calls(call_id),
        cities=heatmap_service.city_choices(current_user),
        chosen={"call": call_id, "city": city_id},
        diagram_tabs=queries.version_diagram_tabs(figures.version),
        script_data=heatmap_page.script_data(figures),
        wait_texts=heatmap_page.wait_texts,
        process_name=heatmap_page.process_name,
    )


@bp.get("/heatmap/<int:version_id>/diagrams/<filename>")
@login_required
def heatmap_diagram(version_id: int, filename: str):
    return Response(heatmap_page.diagram_xml(current_user, version_id, filename), mimetype="application/xml")
