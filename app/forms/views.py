"""The view models a form's templates (``app/templates/forms/``) are rendered from.

``rendering`` builds them from a form definition, the values and the errors; the templates only
read them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.forms.conditions import RequiredWhen
from app.forms.definition import Field


@dataclass
class Option:
    value: str
    label: str
    checked: bool
    note: str = ""  # a people picker's help for choosing (e.g. an expert's open reviews)
    refused: str = ""  # why a named check refuses this person here: shown, and the option disabled


@dataclass(frozen=True)
class PersonChoice:
    """An account a people picker offers (the service reads them from the database).

    ``note`` helps the one choosing (how many reviews the expert has open...); ``refused`` says why a
    named check of the form refuses this person here (a conflict of interest): the option is shown
    with the reason and cannot be ticked, and the server refuses it with the same words.
    """

    value: str
    label: str
    note: str = ""
    refused: str = ""


@dataclass
class FieldView:
    """One input (or, read-only, one value) with its label, help and errors."""

    field: Field
    widget: str
    name: str
    input_id: str
    anchor: str
    label: str
    help: str | None
    required: bool
    value: str
    display: str
    checked: bool = False
    options: list[Option] = dataclasses.field(default_factory=list)
    errors: list[str] = dataclasses.field(default_factory=list)
    required_when: RequiredWhen | None = None  # required only in some cases; ``required`` says now

    @property
    def ui(self) -> Mapping[str, Any]:
        return self.field.ui

    @property
    def described_by(self) -> list[str]:
        """Ids of the help text and error messages, for aria-describedby."""
        ids = [f"{self.input_id}-help"] if self.help else []
        return ids + [f"{self.input_id}-error{n}" for n in range(1, len(self.errors) + 1)]


@dataclass
class RowView:
    index: int
    number: int
    anchor: str
    cells: list[FieldView]
    errors: list[str]


@dataclass
class TableView:
    """A repeatable table (widget ``experts``); ``template`` is the blank row the script copies."""

    main: FieldView
    columns: list[FieldView]
    rows: list[RowView]
    template: list[FieldView]
    english: bool

    widget = "experts"


@dataclass
class ThemeItem:
    code: str
    kind: str
    number: str
    title: str
    checked: bool


@dataclass
class ThemeGroup:
    kind: str
    label: str
    items: list[ThemeItem]


@dataclass
class ThemeView:
    """The theme picker: source (reference / own), the reference list, the own title, the kind field."""

    main: FieldView
    code: FieldView
    title: FieldView
    kind_name: str
    groups: list[ThemeGroup]
    summary: str

    widget = "theme"


@dataclass
class DocumentView:
    """A running character count under the fields of a document (the plan)."""

    name: str
    anchor: str
    fields: list[str]
    count: int
    minimum: int | None
    text: str
    template: str
    errors: list[str]

    widget = "document"

    @property
    def satisfied(self) -> bool:
        return self.minimum is None or self.count >= self.minimum


@dataclass
class SectionView:
    key: str | None
    title: str | None
    items: list[Any]


@dataclass
class SummaryEntry:
    anchor: str | None
    label: str | None
    message: str
