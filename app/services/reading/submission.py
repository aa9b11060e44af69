"""One submission as a reader sees it: what a participant sent through a form, read-only.

A reviewer reads the applicant's declaration, an annual plan or a change request the way it was
sent: the form's own labels and option names, the documents kept out of the workflow state (the
plan, see ``store.documents``) section by section with their character counts, the guiding experts
as a table, and the files with who uploaded them when. Everything is read from the form of the
version the step was taken on, so no field or element is named here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from ...extensions import db
from ...forms import Field, FormDefinition, count_characters, document_minimum
from ...forms.definition import wants_english
from ...models import Attachment, HistoryEvent, User
from ...reference import find_theme
from ..store.deployment import engine_for, form_for
from ..store.documents import expand_documents
from .element_text import element_name
from .language import list_separator, parenthesised
from .reference_text import person_name

# Events that carry what a person sent through a form: a task, or a request they started.
SUBMISSION_KINDS = frozenset({"task_completed", "event_started"})


@dataclass(frozen=True)
class FileInfo:
    """An uploaded file a submission refers to, with what a reader needs before opening it."""

    id: int
    instance_id: int
    field_label: str
    filename: str
    size: int
    content_type: str
    uploaded_by: str
    uploaded_at: datetime
    opens_inline: bool  # a PDF, shown by the browser's own viewer; other files are downloaded

    @property
    def kind(self) -> str:
        return PurePath(self.filename).suffix[1:].upper() or self.content_type

    @property
    def size_text(self) -> str:
        """The size as people read it: 0.2 KB, 356.0 KB, 4.8 MB."""
        if self.size < 1024 * 1024:
            return f"{max(self.size / 1024, 0.1):.1f} KB"
        return f"{self.size / 1024 / 1024:.1f} MB"


# How an entry reads: a line of text, free text of several lines, an option chosen, people chosen,
# a table (the guiding experts), a file.
TEXT, LONG_TEXT, CHOICE, PEOPLE, TABLE, FILE = "text", "long_text", "choice", "people", "table", "file"


@dataclass(frozen=True)
class Entry:
    """One filled-in field: its label and its value as text; a table's cells; a file."""

    name: str
    label: str
    text: str = ""
    kind: str = TEXT
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    file: FileInfo | None = None


@dataclass(frozen=True)
class Section:
    """One field of a document (a section of the plan) with its heading and length."""

    name: str
    heading: str
    text: str
    anchor: str

    @property
    def characters(self) -> int:
        """Characters not counting white space, as rule R1 counts them."""
        return count_characters(self.text)

    @property
    def paragraphs(self) -> list[str]:
        return [line.strip() for line in self.text.splitlines() if line.strip()]


@dataclass(frozen=True)
class DocumentText:
    """A document of a form (the experiment plan, an annual summary), section by section."""

    name: str
    title: str
    sections: list[Section]
    minimum: int | None  # the least characters a rule asks for (R1), if any

    @property
    def characters(self) -> int:
        return sum(section.characters for section in self.sections)


@dataclass(frozen=True)
class Submission:
    """What one person sent through one form, at one step of the application."""

    seq: int
    step: str
    form_title: str
    at: datetime
    by: str
    entries: list[Entry]
    documents: list[DocumentText]

    @property
    def anchor(self) -> str:
        return f"submission-{self.seq}"

    @property
    def files(self) -> list[FileInfo]:
        return [entry.file for entry in self.entries if entry.file is not None]


def form_of(event: HistoryEvent) -> FormDefinition | None:
    """The form the event's step showed, in the version the step was taken on."""
    name = engine_for(event.version).definition.forms_by_element().get(event.element_id or "")
    return form_for(event.version, name) if name else None


def read_submission(event: HistoryEvent, locale: str = "zh_CN") -> Submission | None:
    """The event as its sender filled it in; None for an event that no form produced."""
    form = form_of(event) if event.kind in SUBMISSION_KINDS else None
    if form is None:
        return None
    values = expand_documents(form, event.data or {})
    in_documents = {name for members in form.documents.values() for name in members}
    reader = _EntryReader(form, values, locale, event)
    entries = [
        entry
        for fld in form.fields()
        if not fld.part_of and fld.name not in in_documents
        for entry in [reader.entry(fld)]
        if entry is not None
    ]
    return Submission(
        seq=event.seq,
        step=element_name(event.version, event.element_id, event.element_name) or form.title_for(locale),
        form_title=form.title_for(locale),
        at=event.at,
        by=_person(event.actor),
        entries=entries,
        documents=[_document(form, name, values, locale, event.seq) for name in form.documents],
    )


def _person(user: User | None) -> str:
    return person_name(user) if user is not None else _("the system")


def _document(
    form: FormDefinition, name: str, values: Mapping[str, Any], locale: str, seq: int
) -> DocumentText:
    members = [form.field_of(member) for member in form.documents[name]]
    group = members[0].group
    sections = [
        Section(fld.name, fld.title_for(locale), _string(values.get(fld.name)), f"s{seq}-{fld.name}")
        for fld in members
    ]
    title = form.group_title_for(group, locale) if group else form.title_for(locale)
    return DocumentText(name, title, sections, document_minimum(name, form.checks))


def _string(value: Any) -> str:
    return value if isinstance(value, str) else ""


class _EntryReader:
    """Turns each field's stored value into what a reader sees, by the field's widget."""

    def __init__(self, form: FormDefinition, values: Mapping[str, Any], locale: str, event: HistoryEvent):
        self.form, self.values, self.locale, self.event = form, values, locale, event

    def entry(self, fld: Field) -> Entry | None:
        value = self.values.get(fld.name)
        if value is None or value == "" or value == []:
            return None
        label = fld.title_for(self.locale)
        if fld.widget == "experts":
            return self._table(fld, label, value)
        if fld.widget == "file":
            info = self._file(label, value)
            return Entry(fld.name, label, info.filename, FILE, file=info) if info else None
        if fld.widget == "people":
            chosen = [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
            return Entry(fld.name, label, list_separator().join(_display_names(chosen)), PEOPLE)
        if fld.widget == "theme":
            return Entry(fld.name, label, self._theme(fld, value))
        if fld.widget == "checkbox":
            return Entry(fld.name, label, _("Yes") if value is True else _("No"), CHOICE)
        if fld.enum:
            return Entry(fld.name, label, fld.option_label(value, self.locale), CHOICE)
        return Entry(fld.name, label, str(value), LONG_TEXT if fld.widget == "textarea" else TEXT)

    def _theme(self, fld: Field, source: Any) -> str:
        parts = fld.theme_parts
        title = self.values.get(parts["title"]) or ""
        code = self.values.get(parts["code"])
        theme = find_theme(code) if source == "reference" and isinstance(code, str) else None
        how = fld.option_label(source, self.locale)
        if theme is None:
            return f"{title}{parenthesised(how)}"
        return theme.title_in(wants_english(self.locale)) + parenthesised(f"{how} {theme.code}")

    def _table(self, fld: Field, label: str, value: Any) -> Entry | None:
        rows = [row for row in value if isinstance(row, Mapping)] if isinstance(value, list) else []
        shown = [col for col in fld.columns if any(row.get(col.name) not in (None, "") for row in rows)]
        if not rows or not shown:
            return None
        table = [[self._cell(col, row.get(col.name)) for col in shown] for row in rows]
        cells, rows_apart = (", ", "; ") if wants_english(self.locale) else ("，", "；")
        text = rows_apart.join(cells.join(cell for cell in row if cell) for row in table)
        columns = [c.title_for(self.locale) for c in shown]
        return Entry(fld.name, label, text, TABLE, columns=columns, rows=table)

    def _cell(self, column: Field, value: Any) -> str:
        if value is None or value == "":
            return ""
        return column.option_label(value, self.locale) if column.enum else str(value)

    def _file(self, label: str, ref: Any) -> FileInfo | None:
        attachment_id = ref.get("id") if isinstance(ref, Mapping) else None
        stored = db.session.get(Attachment, attachment_id) if isinstance(attachment_id, int) else None
        if stored is None or stored.instance_id != self.event.instance_id:
            return None
        uploader = db.session.get(User, stored.uploaded_by_id)
        return FileInfo(
            id=stored.id,
            instance_id=stored.instance_id,
            field_label=label,
            filename=stored.filename,
            size=stored.size,
            content_type=stored.content_type,
            uploaded_by=_person(uploader),
            uploaded_at=stored.uploaded_at,
            opens_inline=stored.opens_inline,
        )


def _display_names(usernames: list[str]) -> list[str]:
    if not usernames:
        return []
    names = dict(
        db.session.execute(select(User.username, User.display_name).where(User.username.in_(usernames)))
    )
    return [names.get(username, username) for username in usernames]
