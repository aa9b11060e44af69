"""Names from the diagrams in the reader's language.

Task names, phases and history rows store the Chinese name an element had when the row was written.
The English text is looked up when the page is drawn, in the diagram version the row belongs to (by
element id, or by process name for a phase), so histories written before a translation existed read
in English too. Where a diagram gives no English text, the stored Chinese name is shown.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from app.engine import ProcessDefinition
from app.models import Incident, ProcessVersion
from app.services.store.deployment import current_version, engine_for

from .element_names import unnamed_element_labels
from .language import english_wanted, list_separator


def element_name(version: ProcessVersion | None, element_id: str | None, stored: str | None) -> str:
    """The element's name as the reader reads it: English when asked for and given, else ``stored``."""
    fallback = stored or element_id or ""
    if version is None or not element_id or not english_wanted():
        return fallback
    return engine_for(version).definition.english_name(element_id, stored) or fallback


def step_name(
    version: ProcessVersion | None, element_id: str | None, stored: str | None, names: dict[str, str]
) -> str:
    """A history row's element for the reader: its stored name (in English when asked for and given),
    or for an unnamed one what ``names`` (``names_for_reader``) calls it."""
    if stored:
        return element_name(version, element_id, stored)
    return names.get(element_id or "", "")


def names_for_reader(definition: ProcessDefinition) -> dict[str, str]:
    """Element id -> what to call every flow node on a page: its name, in English where the diagram
    gives it and it is asked for; an unnamed node's kind in words (an id is never shown)."""
    names = definition.element_names()
    if english_wanted():
        names = {
            element_id: definition.english_name(element_id, name) or name
            for element_id, name in names.items()
        }
    return {**names, **unnamed_element_labels(definition)}


def readable_element_names(version: ProcessVersion) -> dict[str, str]:
    """``names_for_reader`` for the diagram version of an application or a history row."""
    return names_for_reader(engine_for(version).definition)


def phase_name(version: ProcessVersion | None, phase: str | None) -> str:
    """A phase (stored as the Chinese name of the process the application is in, or of the end it
    reached) for the reader. Without a version (a filter listing phases of many applications) the
    current version is asked.
    """
    return _named(version, phase)


def outcome_name(version: ProcessVersion | None, outcome_label: str | None) -> str:
    """An ended application's outcome (stored as the Chinese name of its end event) for the reader."""
    return _named(version, outcome_label)


def _named(version: ProcessVersion | None, stored: str | None) -> str:
    if not stored or not english_wanted():
        return stored or ""
    definition = engine_for(version or current_version(current_app.config["PROCESS_KEY"])).definition
    return definition.english_by_name().get(stored) or stored


def incident_place(incident: Incident) -> str:
    """Where an application stopped, named for the reader from the incident's element ids (an unnamed
    element as its kind in words: the names stored with the incident spell such an element's id)."""
    if not incident.element_ids:
        return incident.element_names or ""
    names = names_for_reader(engine_for(incident.instance.version).definition)
    places = (names.get(element_id) or _("Unnamed step") for element_id in incident.element_ids.split(","))
    return list_separator().join(places)
