"""Names from the diagrams in the reader's language.

Task names, phases and history rows store the Chinese name an element had when the row was written.
The English text is looked up when the page is drawn, in the diagram version the row belongs to (by
element id, or by process name for a phase), so histories written before a translation existed read
in English too. Where a diagram gives no English text, the stored Chinese name is shown.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import get_locale

from app.engine import ProcessDefinition
from app.forms.definition import wants_english
from app.models import ProcessVersion
from app.services.store.deployment import current_version, engine_for


def english_wanted() -> bool:
    return wants_english(get_locale())


def element_name(version: ProcessVersion | None, element_id: str | None, stored: str | None) -> str:
    """The element's name as the reader reads it: English when asked for and given, else ``stored``."""
    fallback = stored or element_id or ""
    if version is None or not element_id or not english_wanted():
        return fallback
    return engine_for(version).definition.english_names().get(element_id) or fallback


def names_for_reader(definition: ProcessDefinition) -> dict[str, str]:
    """Element id -> name of every flow node, in English where the diagram gives it and it is asked for."""
    names = definition.element_names()
    if not english_wanted():
        return names
    english = definition.english_names()
    return {element_id: english.get(element_id) or name for element_id, name in names.items()}


def phase_name(version: ProcessVersion | None, phase: str | None) -> str:
    """A phase (stored as the Chinese name of the process the application is in) for the reader.

    Without a version (a filter listing phases of many applications) the current version's
    processes are asked.
    """
    return _named(version, phase, processes=True)  # an ended application's phase is its end event's name


def outcome_name(version: ProcessVersion | None, outcome_label: str | None) -> str:
    """An ended application's outcome (stored as the Chinese name of its end event) for the reader."""
    return _named(version, outcome_label, processes=False)


def _named(version: ProcessVersion | None, stored: str | None, *, processes: bool) -> str:
    """The English text of the process (or flow node) that the stored Chinese name names."""
    if not stored or not english_wanted():
        return stored or ""
    definition = engine_for(version or current_version(current_app.config["PROCESS_KEY"])).definition
    english = definition.english_names()
    candidates = [definition.process_names()] if processes else []
    for names in [*candidates, definition.element_names()]:
        found = next((english[i] for i, name in names.items() if name == stored and english.get(i)), None)
        if found:
            return found
    return stored
