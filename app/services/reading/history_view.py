"""History events as people read them: each completed task's decisions and comments, with the form's
own labels (审核结论：同意报送省民政厅), not the stored codes (city_decision: forward)."""

from __future__ import annotations

from dataclasses import dataclass

from ...forms import FormDefinition
from ...models import HistoryEvent, Instance
from ..store.deployment import engine_for, form_for
from .queries import history_of

# Fields worth showing in a history line: choices (decisions, verdicts), free-text opinions
# (``*comments``) and any text field whose display hints say ``"in_history": true``.
_SHOWN_WIDGETS = frozenset({"radio", "select"})


@dataclass(frozen=True)
class EventView:
    event: HistoryEvent
    lines: list[tuple[str, str]]  # (label, value) in the form's order

    @property
    def has_opinion(self) -> bool:
        return bool(self.lines)


# Events that carry what a person submitted through a form: a task, or a start event they triggered.
_SUBMISSIONS = frozenset({"task_completed", "event_started"})


def _lines(form: FormDefinition, data: dict, locale: str) -> list[tuple[str, str]]:
    lines = []
    for field in form.fields():
        value = data.get(field.name)
        if value in (None, "", []):
            continue
        if field.widget in _SHOWN_WIDGETS:
            lines.append((field.title_for(locale), field.option_label(value, locale)))
        elif (field.name.endswith("comments") or field.ui.get("in_history")) and isinstance(value, str):
            lines.append((field.title_for(locale), value))
    return lines


def event_views(instance: Instance, locale: str = "zh_CN") -> list[EventView]:
    version = instance.version
    forms = engine_for(version).definition.forms_by_element()
    views = []
    for event in history_of(instance):
        form_name = forms.get(event.element_id or "") if event.kind in _SUBMISSIONS else None
        lines = _lines(form_for(version, form_name), event.data, locale) if form_name else []
        views.append(EventView(event, lines))
    return views


def opinions(instance: Instance, locale: str = "zh_CN") -> list[EventView]:
    """Completed tasks that decided or commented, newest first: shown beside a task's form."""
    return [view for view in reversed(event_views(instance, locale)) if view.has_opinion]
