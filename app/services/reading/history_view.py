"""History events as people read them: each completed task's decisions and comments, with the form's
own labels (审核结论：同意报送省民政厅), not the stored codes (city_decision: forward).

Each viewer reads the history through ``disclosure`` (``app.visibility`` decides): an expert's
opinion another viewer may not read stays a row that says a confidential opinion was given, with
neither its author nor its content.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from ...forms import FormDefinition
from ...models import HistoryEvent, Instance, ProcessVersion, User
from ...roles import Role
from ...scope import relation_of
from ..store.deployment import engine_for, form_for
from ..store.transitions import NOTE_KINDS
from .disclosure import ShownEvent, shown_event
from .element_text import readable_element_names, step_name
from .queries import history_of
from .reference_text import person_name
from .submission import SUBMISSION_KINDS

# Fields worth showing in a history line: choices (decisions, verdicts), free-text opinions
# (``*comments``) and any text field whose display hints say ``"in_history": true``.
_SHOWN_WIDGETS = frozenset({"radio", "select"})


@dataclass(frozen=True)
class Signature:
    """A person's signature under their submission: the signed-in account's name and the time.

    The system signs for them (they signed in to submit), so nobody types a name that could be anyone's.
    """

    name: str
    at: datetime


@dataclass(frozen=True)
class EventView:
    shown: ShownEvent
    lines: list[tuple[str, str]]  # (label, value) in the form's order
    step: str = ""  # the element's name, or its kind in words: never its id

    @property
    def event(self) -> HistoryEvent:
        return self.shown.event

    @property
    def withheld(self) -> bool:
        return self.shown.withheld

    @property
    def role(self) -> str | None:
        return self.shown.role

    @property
    def actor(self) -> User | None:
        return self.shown.actor

    @property
    def data(self) -> dict:
        return self.shown.data

    @property
    def on_behalf_of(self) -> User | None:
        """The task's holder the actor completed it for (代理), unless the event is withheld."""
        return None if self.shown.withheld else self.event.on_behalf_of

    @property
    def has_opinion(self) -> bool:
        return bool(self.lines)

    @property
    def is_opinion(self) -> bool:
        """A submission that judges the application: one with decisions or comments, from anyone but
        the applicant (whose declaration or annual plan is what the others give opinions on)."""
        return self.has_opinion and self.event.kind in SUBMISSION_KINDS and self.shown.role != Role.APPLICANT

    @property
    def signature(self) -> Signature | None:
        """Submissions of a person's own role (an expert's opinion) are signed with their name."""
        actor = self.shown.actor
        if actor is None or relation_of(self.shown.role) is None:
            return None
        return Signature(person_name(actor), self.event.at)


def acted_by(event: HistoryEvent) -> str:
    """Who took the step, as the auditor's tools name them: "X（代Y办理）" for a delegate's completion."""
    actor = person_name(event.actor) if event.actor else ""
    if event.on_behalf_of is None:
        return actor
    return _("%(actor)s on behalf of %(holder)s", actor=actor, holder=person_name(event.on_behalf_of))


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


def _note_lines(kind: str, data: dict) -> list[tuple[str, str]]:
    """A reminder's message; whom a unit head assigned a task to, or took it back from."""
    if data.get("message"):
        return [(_("Message"), str(data["message"]))]
    if data.get("holder"):
        label = _("Assigned to") if kind == "assigned" else _("Taken back from")
        return [(label, str(data["holder"]))]
    return []


def event_views(instance: Instance, viewer: User, locale: str = "zh_CN") -> list[EventView]:
    """The application's history as `viewer` may read it, oldest first."""
    version = instance.version
    forms = engine_for(version).definition.forms_by_element()
    names = readable_element_names(version)
    return [_view(event, viewer, locale, version, forms, names) for event in history_of(instance)]


def event_view(instance: Instance, event: HistoryEvent, viewer: User, locale: str = "zh_CN") -> EventView:
    """One event of `instance`'s history as `viewer` may read it, with its decisions and comments."""
    version = instance.version
    forms = engine_for(version).definition.forms_by_element()
    return _view(event, viewer, locale, version, forms, readable_element_names(version))


def _view(
    event: HistoryEvent,
    viewer: User,
    locale: str,
    version: ProcessVersion,
    forms: dict[str, str],
    names: dict[str, str],
) -> EventView:
    shown = shown_event(viewer, event)
    form_name = forms.get(event.element_id or "") if event.kind in SUBMISSION_KINDS else None
    lines = _lines(form_for(version, form_name), shown.data, locale) if form_name else []
    if event.kind in NOTE_KINDS:
        lines = _note_lines(event.kind, shown.data)
    step = step_name(version, event.element_id, event.element_name, names)
    return EventView(shown, lines, step)


@dataclass(frozen=True)
class OpinionsPanel:
    """What the panel beside a task's form shows: the opinions `viewer` may read, newest first, and
    how many confidential opinions of others it leaves out (so the panel can say why)."""

    shown: list[EventView]
    withheld: int


def opinions(instance: Instance, viewer: User, locale: str = "zh_CN") -> OpinionsPanel:
    """The opinions on the application that `viewer` may read, newest first."""
    views = event_views(instance, viewer, locale)
    return OpinionsPanel(
        shown=[view for view in reversed(views) if view.is_opinion],
        withheld=sum(1 for view in views if view.withheld),
    )
