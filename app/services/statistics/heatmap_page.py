"""What the heatmap page draws from the figures: waits in words, the diagrams, the numbers for its script."""

from __future__ import annotations

from flask_babel import gettext as _

from ...models import ProcessVersion, User
from ..errors import NotFound
from ..reading import element_text
from ..store.deployment import engine_for
from .access import require_overseer
from .heatmap import Heatmap, Wait, chosen_version

_HOUR = 3600.0
_DAY = 24 * _HOUR


def duration_text(seconds: float | None) -> str:
    """A wait in the reader's language: days from one day on, else hours, else minutes; "–" for none."""
    if seconds is None:
        return "–"
    if seconds >= _DAY:
        return _("%(n)s days", n=f"{seconds / _DAY:.1f}")
    if seconds >= _HOUR:
        return _("%(n)s hours", n=f"{seconds / _HOUR:.1f}")
    return _("%(n)s minutes", n=f"{seconds / 60:.0f}")


def wait_texts(wait: Wait) -> dict[str, str]:
    return {"median": duration_text(wait.median), "p90": duration_text(wait.p90)}


def process_name(version: ProcessVersion) -> str:
    """The name of the version's main process in the reader's language (its key is an identifier)."""
    names = engine_for(version).definition.process_names()
    return element_text.phase_name(version, names.get(version.main_process_id, version.process_key))


def diagram_xml(user: User, version_id: int, filename: str) -> str:
    """A diagram file of the version, for the viewer; NotFound when the version has no such file."""
    require_overseer(user)
    xml = chosen_version(version_id).bpmn_files.get(filename)
    if xml is None:
        raise NotFound(_("There is no such diagram."))
    return xml


def script_data(figures: Heatmap) -> dict:
    """The numbers the page's script colours and labels the diagram with (element and flow ids are the
    diagram's own, never shown)."""
    return {
        "elements": {
            f.element_id: {
                "name": f.name,
                "applications": f.applications,
                "median": f.wait.median,
                "median_text": duration_text(f.wait.median),
                "p90_text": duration_text(f.wait.p90),
            }
            for f in figures.elements
        },
        "flows": {f.flow_id: f.taken for f in figures.flows},
    }
