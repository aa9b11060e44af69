"""HTML for a form: view models built here, markup in ``app/templates/forms/``.

The output holds the fields only (no ``<form>``, no buttons, no CSRF token): the page around it adds
those. Styling lives in ``static/css/forms.css``, behaviour (plan length counter, table rows, theme
picker) in ``static/js/forms.js``; the page must include both.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from app.forms.checks import count_characters, document_minimum
from app.forms.conditions import required_conditions
from app.forms.definition import Field, FormDefinition, enum_key, wants_english
from app.forms.errors import FieldError
from app.forms.views import (
    DocumentView,
    FieldView,
    Option,
    PersonChoice,
    RowView,
    SectionView,
    SummaryEntry,
    TableView,
    ThemeGroup,
    ThemeItem,
    ThemeView,
)
from app.reference import find_theme, load_themes

EMPTY_DISPLAY = "—"


def render_form(
    form: FormDefinition,
    values: Mapping[str, Any],
    errors: Iterable[FieldError],
    *,
    readonly: bool = False,
    locale: str = "zh_CN",
    choices: Mapping[str, list[PersonChoice]] | None = None,
) -> Markup:
    """The form's fields as HTML, values shown exactly as given, each error beside its field and
    all of them in a summary at the top. Needs an application context with Flask-Babel.

    ``choices`` gives the options of people pickers, which come from the database.
    """
    errors = list(errors)
    with force_locale(locale):
        builder = _ViewBuilder(form, values or {}, errors, locale, readonly, choices or {})
        html = render_template(
            "forms/form.html",
            form=form,
            sections=builder.sections(),
            summary=builder.summary(),
            readonly=readonly,
            form_title=form.title_for(locale),
            english=locale.startswith("en"),
        )
    return Markup(html)


def anchor_for(path: str) -> str | None:
    """Element id the error summary links to for a dotted error path."""
    return "field-" + path.replace(".", "-") if path else None


class _ViewBuilder:
    def __init__(
        self,
        form: FormDefinition,
        values: Mapping[str, Any],
        errors: list[FieldError],
        locale: str,
        readonly: bool,
        choices: Mapping[str, list[PersonChoice]],
    ) -> None:
        self.choices = choices
        self.form = form
        self.values = values
        self.errors = errors
        self.locale = locale
        self.readonly = readonly
        self.conditions = required_conditions(form.schema)
        self.by_path: dict[str, list[str]] = {}
        for error in errors:
            self.by_path.setdefault(error.field, []).append(error.message)

    def sections(self) -> list[SectionView]:
        """Consecutive fields of one group share a fieldset; a document's counter follows its last field."""
        names = self.form.field_names()
        closing = {max(members, key=names.index): doc for doc, members in self.form.documents.items()}
        sections: list[SectionView] = []
        for fld in self.form.fields():
            if fld.part_of:
                continue
            if not sections or sections[-1].key != fld.group:
                title = self.form.group_title_for(fld.group, self.locale) if fld.group else None
                sections.append(SectionView(fld.group, title, []))
            sections[-1].items.append(self._item(fld))
            if fld.name in closing:
                sections[-1].items.append(self._document(closing[fld.name]))
        return sections

    def summary(self) -> list[SummaryEntry]:
        """One entry per error; a message that already names its field is not prefixed with the name
        again (实验方案目前共… rather than 实验方案：实验方案目前共…)."""
        entries = []
        for e in self.errors:
            label = self._label_for(e.field)
            if label and label.casefold() in e.message.casefold():
                label = None
            entries.append(SummaryEntry(anchor_for(e.field), label, e.message))
        return entries

    # -- items ------------------------------------------------------------------------------

    def _item(self, fld: Field) -> Any:
        if fld.widget == "experts":
            return self._table(fld)
        if fld.widget == "theme":
            return self._theme(fld)
        if fld.widget == "people":
            return self._people(fld)
        if fld.widget == "file":
            return self._file(fld)
        return self._field(fld, fld.name, fld.name, self.values.get(fld.name))

    def _field(self, fld: Field, name: str, path: str, value: Any) -> FieldView:
        text = _as_text(value)
        options = [
            Option(enum_key(v), label, enum_key(v) == text and value is not None)
            for v, label in fld.options_for(self.locale)
        ]
        if fld.widget == "checkbox":
            display = _("Yes") if value is True else _("No")
        elif fld.enum and value is not None:
            display = next((o.label for o in options if o.checked), text)
        else:
            display = text
        return FieldView(
            field=fld,
            widget=fld.widget,
            name=name,
            input_id="input-" + name,
            anchor=anchor_for(path) or "",
            label=fld.title_for(self.locale),
            help=fld.help_for(self.locale),
            required=self._required(fld, path),
            value=text,
            display=display or EMPTY_DISPLAY,
            checked=value is True,
            options=options,
            errors=self.by_path.get(path, []),
            required_when=self.conditions.get(path),
        )

    def _people(self, fld: Field) -> FieldView:
        raw = self.values.get(fld.name)
        chosen = [v for v in raw if isinstance(v, str)] if isinstance(raw, list) else []
        options = [
            Option(c.value, c.label, c.value in chosen and not c.refused, c.note, c.refused)
            for c in self.choices.get(fld.name, [])
        ]
        labels = [o.label for o in options if o.checked]
        separator = ", " if wants_english(self.locale) else "、"
        return self._whole_field_view(fld, " ".join(chosen), separator.join(labels), options)

    def _file(self, fld: Field) -> FieldView:
        ref = self.values.get(fld.name)
        ref = ref if isinstance(ref, Mapping) and ref.get("id") else None
        value = json.dumps(dict(ref), ensure_ascii=False) if ref else ""
        return self._whole_field_view(fld, value, str(ref.get("name", "")) if ref else "")

    def _whole_field_view(
        self, fld: Field, value: str, display: str, options: list[Option] | None = None
    ) -> FieldView:
        """The view of a top-level field whose value the widget renders as a whole (people, file)."""
        return FieldView(
            field=fld,
            widget=fld.widget,
            name=fld.name,
            input_id="input-" + fld.name,
            anchor=anchor_for(fld.name) or "",
            label=fld.title_for(self.locale),
            help=fld.help_for(self.locale),
            required=self._required(fld, fld.name),
            value=value,
            display=display or EMPTY_DISPLAY,
            options=options or [],
            errors=self.by_path.get(fld.name, []),
            required_when=self.conditions.get(fld.name),
        )

    def _table(self, fld: Field) -> TableView:
        raw_rows = self.values.get(fld.name)
        rows_data = raw_rows if isinstance(raw_rows, list) else []
        if not rows_data and not self.readonly:
            rows_data = [{}]
        rows = []
        for index, entry in enumerate(rows_data):
            row = entry if isinstance(entry, Mapping) else {}

            cells = []
            for col in fld.columns:
                name, path = f"{fld.name}-{index}-{col.name}", f"{fld.name}.{index}.{col.name}"
                cell = self._field(col, name, path, row.get(col.name))
                cell.help = None  # shown once, in the column header
                cells.append(cell)
            path = f"{fld.name}.{index}"
            rows.append(RowView(index, index + 1, anchor_for(path) or "", cells, self.by_path.get(path, [])))
        template = []
        for col in fld.columns:
            name, path = f"{fld.name}-__index__-{col.name}", f"{fld.name}.__index__.{col.name}"
            cell = self._field(col, name, path, None)
            cell.help = None
            template.append(cell)
        columns = [self._field(col, col.name, "", None) for col in fld.columns]
        main = self._field(fld, fld.name, fld.name, None)
        return TableView(main, columns, rows, template, wants_english(self.locale))

    def _theme(self, fld: Field) -> ThemeView:
        parts = fld.theme_parts
        code_value = self.values.get(parts["code"])
        main = self._field(fld, fld.name, fld.name, self.values.get(fld.name))
        code = self._field(self.form.field_of(parts["code"]), parts["code"], parts["code"], code_value)
        title = self._field(
            self.form.field_of(parts["title"]),
            parts["title"],
            parts["title"],
            self.values.get(parts["title"]),
        )
        group_labels = {
            "urban": _("Urban reference themes (attachment 1)"),
            "rural": _("Rural reference themes (attachment 2)"),
        }
        groups = []
        english = wants_english(self.locale)
        for kind, label in group_labels.items():
            items = [
                ThemeItem(t.code, t.kind, t.number_in(english), t.title_in(english), t.code == code_value)
                for t in load_themes()
                if t.kind == kind
            ]
            groups.append(ThemeGroup(kind, label, items))
        return ThemeView(main, code, title, parts["kind"], groups, self._theme_summary(fld, code_value))

    def _theme_summary(self, fld: Field, code: Any) -> str:
        source = self.values.get(fld.name)
        title = self.values.get(fld.theme_parts["title"])
        theme = find_theme(code) if source == "reference" and isinstance(code, str) else None
        if theme:
            return _(
                "%(source)s: %(number)s. %(title)s (%(code)s)",
                source=fld.option_label("reference", self.locale),
                number=theme.number_in(wants_english(self.locale)),
                title=theme.title_in(wants_english(self.locale)),
                code=theme.code,
            )
        if source == "own" and title:
            return _("%(source)s: %(title)s", source=fld.option_label("own", self.locale), title=title)
        return _as_text(title) or EMPTY_DISPLAY

    def _document(self, name: str) -> DocumentView:
        members = list(self.form.documents[name])
        count = sum(count_characters(v) for v in (self.values.get(m) for m in members) if isinstance(v, str))
        minimum = document_minimum(name, self.form.checks)
        if self.readonly:
            template = _("%(count)s characters in all (white space not counted)")
        elif minimum is None:
            template = _("Entered %(count)s characters (white space not counted)")
        else:
            template = _("Entered %(count)s characters / at least %(minimum)s (white space not counted)")
        text = template.replace("%(count)s", str(count)).replace("%(minimum)s", str(minimum))
        return DocumentView(
            name, anchor_for(name) or "", members, count, minimum, text, template, self.by_path.get(name, [])
        )

    # -- labels -------------------------------------------------------------------------------

    def _required(self, fld: Field, path: str) -> bool:
        """Required always, or (a top-level field, by the schema's if/then) with the values as they are."""
        condition = self.conditions.get(path)
        return fld.required or (condition is not None and condition.holds(self.values))

    def _label_for(self, path: str) -> str | None:
        if not path:
            return None
        top, *rest = path.split(".")
        fld = self.form.field(top)
        if fld is None:
            members = self.form.documents.get(top)
            first = self.form.field(members[0]) if members else None
            if first and first.group:
                return self.form.group_title_for(first.group, self.locale)
            return top
        parts = [fld.title_for(self.locale)]
        if rest and rest[0].isdigit():
            parts.append(_("Row %(number)s", number=int(rest[0]) + 1))
        if len(rest) == 2:
            column = fld.column(rest[1])
            parts.append(column.title_for(self.locale) if column else rest[1])
        return " · ".join(parts)


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return ""
    return str(value)
