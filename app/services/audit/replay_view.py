"""Step-through replay for the auditor: one frame per committed step, rebuilt by re-execution.

Each frame carries what the diagram should show as of that step (elements completed so far with
their visit counts, the elements waiting), who did what and when, the data submitted read through
the form version pinned to the event, what changed from the frame before, and whether the
replayed state matches the stored hash of that step.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from flask_babel import gettext as _

from ...clock import PROGRAMME_TZ
from ...forms import FormDefinition, render_form
from ...models import Instance, ProcessVersion
from ..reading import element_text, language
from ..reading.history_view import acted_by
from ..reading.people import people_choices
from ..store.deployment import engine_for, form_for
from ..store.documents import expand_documents
from .reexecution import ReplayedStep, ReplayError, replay

_LONG_TEXT = 300  # characters of a long text shown in a frame; the full text is in the exports


@dataclass
class Frame:
    index: int
    revision: int
    seqs: list[int]
    kind: str
    element_id: str | None
    element_name: str | None
    actor: str | None
    at: str
    lines: list[tuple[str, str]]
    form_html: str  # the submission in the pinned form, read-only ("" when nothing was submitted)
    completed: dict[str, int]
    active: list[str]
    newly_completed: list[str] = field(default_factory=list)
    newly_waiting: list[str] = field(default_factory=list)
    verified: bool = True
    ended: str | None = None  # the end event reached at this step, if the process ended


def _display(field_def: Any, value: Any, locale: str) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field_def.enum and not isinstance(value, list | dict):
        return field_def.option_label(value, locale)
    if isinstance(value, list):
        parts = [
            str(item.get("name") or item.get("username") or item) if isinstance(item, dict) else str(item)
            for item in value
        ]
        return language.list_separator().join(parts)
    if isinstance(value, dict):
        return str(value.get("name") or value.get("filename") or value)
    text = str(value)
    return text if len(text) <= _LONG_TEXT else text[:_LONG_TEXT] + "…"


def _lines(form: FormDefinition, data: dict, locale: str) -> list[tuple[str, str]]:
    values = expand_documents(form, data)
    return [
        (fld.title_for(locale), _display(fld, values[fld.name], locale))
        for fld in form.fields()
        if values.get(fld.name) not in (None, "", [])
    ]


def _read_only(form: FormDefinition, data: dict, locale: str) -> str:
    values = expand_documents(form, data)
    return render_form(form, values, [], readonly=True, locale=locale, choices=people_choices(form))


def _form_of(version: ProcessVersion, element_id: str | None) -> FormDefinition | None:
    name = engine_for(version).definition.forms_by_element().get(element_id or "")
    return form_for(version, name) if name else None


def _frame(index: int, replayed: ReplayedStep, locale: str) -> Frame:
    step = replayed.step
    event = next((e for e in step.events if e.kind != "ended"), step.events[0])
    form = (
        _form_of(event.version, event.element_id)
        if event.kind in ("task_completed", "event_started")
        else None
    )
    data = event.data.get("start_data", {}) if event.kind == "started" else event.data
    names = element_text.readable_element_names(event.version)
    ended = [e for e in step.events if e.kind == "ended"]
    return Frame(
        index=index,
        revision=step.revision,
        seqs=[e.seq for e in step.events],
        kind=event.kind,
        element_id=event.element_id,
        element_name=element_text.step_name(event.version, event.element_id, event.element_name, names),
        actor=acted_by(event) if event.actor else None,
        at=event.at.astimezone(PROGRAMME_TZ).strftime("%Y-%m-%d %H:%M"),
        lines=_lines(form, data, locale) if form else [],
        form_html=str(_read_only(form, data, locale)) if form else "",
        completed=dict(Counter(replayed.run.completed_element_ids())),
        active=replayed.run.active_element_ids(),
        verified=replayed.state_hash == step.expected_hash,
        ended=(names.get(ended[0].element_id or "") or ended[0].element_name) if ended else None,
    )


def _with_changes(frames: list[Frame], names: dict[str, str]) -> None:
    before: Frame | None = None
    for frame in frames:
        previous_completed = before.completed if before else {}
        previous_active = set(before.active) if before else set()
        frame.newly_completed = [
            names.get(e, e) for e, n in frame.completed.items() if n > previous_completed.get(e, 0)
        ]
        frame.newly_waiting = [names.get(e, e) for e in frame.active if e not in previous_active]
        before = frame


def frames_of(instance: Instance, locale: str = "zh_CN") -> tuple[list[Frame], str | None]:
    """Every step as a frame, and the reason replay stopped early (None when it reached the end)."""
    frames: list[Frame] = []
    problem = None
    try:
        for index, replayed in enumerate(replay(instance)):
            frames.append(_frame(index, replayed, locale))
    except ReplayError as exc:
        problem = exc.message
    _with_changes(frames, element_text.readable_element_names(instance.version))
    return frames, problem


def frames_json(frames: list[Frame]) -> list[dict]:
    return [asdict(frame) for frame in frames]
