"""Form definitions: a JSON Schema 2020-12 plus display hints, read from ``forms/<name>.json``.

A form file holds ``title`` (Chinese), optional ``title_en``, ``schema`` (type object; each property
has a Chinese ``title``), ``ui`` (``order``, per-field ``fields`` hints, optional ``groups``),
``checks`` (names from :mod:`app.forms.checks`) and ``documents`` (named lists of fields that together
make one text, e.g. the experiment plan). :func:`load_form` refuses anything the renderer, the decoder
or the validator could not handle, so a bad file fails at upload rather than in front of a user.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from flask_babel import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from app.forms.checks import CHECK_NEEDS, CHECKS
from app.forms.errors import FormDefinitionError
from app.roles import ROLE_LABELS
from app.untrusted_json import UnreadableJSON, loads_bounded

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

# widget -> JSON types it can edit
SCALAR_WIDGETS: dict[str, frozenset[str]] = {
    "text": frozenset({"string"}),
    "textarea": frozenset({"string"}),
    "month": frozenset({"string"}),
    "date": frozenset({"string"}),
    "email": frozenset({"string"}),
    "tel": frozenset({"string"}),
    "select": frozenset({"string", "integer", "number", "boolean"}),
    "radio": frozenset({"string", "integer", "number", "boolean"}),
    "checkbox": frozenset({"boolean"}),
    "number": frozenset({"integer", "number"}),
}
COMPOUND_WIDGETS: dict[str, frozenset[str]] = {
    "experts": frozenset({"array"}),  # a repeatable table of objects
    "theme": frozenset({"string"}),  # the reference-theme picker; owns the code and title fields
    "people": frozenset({"array"}),  # choose accounts holding the role named by the hint "role"
    "file": frozenset({"object"}),  # an uploaded PDF/Office file, stored as {"id", "name", "size", "sha256"}
}
WIDGETS = {**SCALAR_WIDGETS, **COMPOUND_WIDGETS}
ENUM_WIDGETS = frozenset({"select", "radio"})

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def wants_english(locale: object) -> bool:
    """True for ``en``, ``en_US``, ``en-GB``...; every other locale gets the Chinese labels."""
    return str(locale or "").replace("-", "_").split("_")[0].lower() == "en"


def json_type(schema: Mapping[str, Any]) -> str | None:
    """The main JSON type of a property schema (``["string", "null"]`` counts as string)."""
    declared = schema.get("type")
    if isinstance(declared, list):
        declared = next((t for t in declared if t != "null"), None)
    if declared is None and "enum" in schema:
        values = schema["enum"]
        if values and all(isinstance(v, str) for v in values):
            return "string"
    return declared


@dataclass(frozen=True, eq=False)
class Field:
    """One property of the form, with its display hints."""

    name: str
    schema: Mapping[str, Any]
    ui: Mapping[str, Any]
    widget: str
    required: bool
    columns: tuple[Field, ...] = ()  # the cells of one row, for the repeatable table
    part_of: str | None = None  # set on fields rendered inside another widget (the theme picker)

    @property
    def title(self) -> str:
        return self.schema["title"]

    @property
    def type(self) -> str | None:
        return json_type(self.schema)

    @property
    def group(self) -> str | None:
        return self.ui.get("group")

    @property
    def enum(self) -> list[Any] | None:
        return self.schema.get("enum")

    def title_for(self, locale: object) -> str:
        if wants_english(locale) and self.ui.get("title_en"):
            return self.ui["title_en"]
        return self.title

    def help_for(self, locale: object) -> str | None:
        if wants_english(locale):
            return self.ui.get("help_en") or self.schema.get("description_en")
        return self.ui.get("help") or self.schema.get("description")

    def option_label(self, value: Any, locale: object) -> str:
        key = enum_key(value)
        if wants_english(locale):
            label = self.ui.get("enum_labels_en", {}).get(key)
            if label:
                return label
        return self.ui.get("enum_labels", {}).get(key, key)

    def options_for(self, locale: object) -> list[tuple[Any, str]]:
        """(value, label) pairs of an enum field, in schema order."""
        return [(value, self.option_label(value, locale)) for value in self.enum or []]

    def column(self, name: str) -> Field | None:
        return next((c for c in self.columns if c.name == name), None)

    @property
    def theme_parts(self) -> dict[str, str]:
        """For the theme picker: the names of the code, title and kind fields it works with."""
        return {
            "code": self.ui.get("code_field", "theme_code"),
            "title": self.ui.get("title_field", "theme_title"),
            "kind": self.ui.get("kind_field", "kind"),
        }


@dataclass(frozen=True, eq=False)
class FormDefinition:
    """A loaded, checked form. ``fields()`` lists every property in display order."""

    name: str
    title: str
    title_en: str | None
    schema: Mapping[str, Any]
    ui: Mapping[str, Any]
    checks: tuple[str, ...]
    documents: Mapping[str, tuple[str, ...]]
    ordered_fields: tuple[Field, ...] = field(repr=False)

    def fields(self) -> list[Field]:
        return list(self.ordered_fields)

    def field_names(self) -> list[str]:
        return [f.name for f in self.ordered_fields]

    def field(self, name: str) -> Field | None:
        return next((f for f in self.ordered_fields if f.name == name), None)

    def field_of(self, name: str) -> Field:
        """A field the form is known to have (e.g. a theme picker's parts, checked when it was loaded)."""
        found = self.field(name)
        if found is None:
            raise KeyError(f"{self.name} has no field {name}")
        return found

    def title_for(self, locale: object) -> str:
        if wants_english(locale) and self.title_en:
            return self.title_en
        return self.title

    def group_title_for(self, key: str, locale: object) -> str:
        """Fieldset label of a group: ``ui.groups[key]`` (a string or {title, title_en}) or the key."""
        hint = self.ui.get("groups", {}).get(key)
        if isinstance(hint, str):
            return hint
        if isinstance(hint, Mapping):
            if wants_english(locale) and hint.get("title_en"):
                return hint["title_en"]
            return hint.get("title", key)
        return key

    def document_of(self, field_name: str) -> str | None:
        return next((doc for doc, names in self.documents.items() if field_name in names), None)

    @cached_property
    def validator(self) -> Draft202012Validator:
        return Draft202012Validator(self.schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def load_form(name: str, content: str | bytes) -> FormDefinition:
    """Parse and check a form file; raise :class:`FormDefinitionError` with the reason if unusable."""
    try:
        raw = loads_bounded(content)
    except UnreadableJSON as exc:
        raise FormDefinitionError(name, exc.message) from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FormDefinitionError(name, _("The file is not valid JSON: %(detail)s", detail=str(exc))) from exc
    if not isinstance(raw, dict):
        raise FormDefinitionError(name, _("The file must hold a JSON object."))
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        raise FormDefinitionError(name, _("The form needs a title."))

    schema = _checked_schema(name, raw.get("schema"))
    ui = raw.get("ui", {})
    if not isinstance(ui, dict):
        raise FormDefinitionError(name, _('"ui" must be an object.'))

    fields = _build_fields(name, schema, ui)
    checks = _read_checks(name, raw.get("checks", []), schema)
    documents = _read_documents(name, raw.get("documents", {}), schema)
    return FormDefinition(
        name=name,
        title=title,
        title_en=raw.get("title_en"),
        schema=schema,
        ui=ui,
        checks=checks,
        documents=documents,
        ordered_fields=tuple(fields),
    )


def _checked_schema(name: str, schema: Any) -> dict[str, Any]:
    """The form's JSON Schema, if it is one this module can render (else FormDefinitionError)."""
    if not isinstance(schema, dict):
        raise FormDefinitionError(name, _('The form needs a "schema" object.'))
    dialect = schema.get("$schema")
    if dialect is not None and dialect.rstrip("#") != SCHEMA_DIALECT:
        raise FormDefinitionError(
            name, _("The schema must use JSON Schema 2020-12 (%(dialect)s).", dialect=SCHEMA_DIALECT)
        )
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        raise FormDefinitionError(
            name, _("The schema is not a valid JSON Schema 2020-12: %(detail)s", detail=exc.message)
        ) from exc
    properties = schema.get("properties")
    if schema.get("type") != "object" or not isinstance(properties, dict) or not properties:
        raise FormDefinitionError(name, _("The schema must be of type object and list its properties."))
    return schema


def _build_fields(name: str, schema: Mapping[str, Any], ui: Mapping[str, Any]) -> list[Field]:
    properties: dict[str, Any] = schema["properties"]
    hints = ui.get("fields", {})
    order = ui.get("order", [])
    if not isinstance(hints, dict) or not isinstance(order, list):
        raise FormDefinitionError(name, _('"ui.fields" must be an object and "ui.order" a list.'))
    for field_name in [*hints, *order]:
        if field_name not in properties:
            raise FormDefinitionError(
                name, _("The display hints name an unknown field: %(field)s", field=field_name)
            )
    if len(set(order)) != len(order):
        raise FormDefinitionError(name, _('"ui.order" lists a field twice.'))

    names = [*order, *(n for n in properties if n not in order)]
    required = set(schema.get("required", []))
    fields = [_build_field(name, n, properties[n], hints.get(n, {}), n in required) for n in names]
    return _attach_theme_parts(name, fields)


def _build_field(
    form_name: str, name: str, schema: Any, hint: Any, required: bool, *, in_table: bool = False
) -> Field:
    if not isinstance(schema, dict):
        raise FormDefinitionError(form_name, _("The field %(field)s has no schema.", field=name))
    title = schema.get("title")
    if not isinstance(title, str) or not _CJK.search(title):
        raise FormDefinitionError(form_name, _("The field %(field)s needs a Chinese title.", field=name))
    if not isinstance(hint, dict):
        raise FormDefinitionError(
            form_name, _("The display hints of %(field)s must be an object.", field=name)
        )

    kind = json_type(schema)
    widget = hint.get("widget") or _default_widget(schema)
    allowed = SCALAR_WIDGETS if in_table else WIDGETS
    if widget not in allowed or kind not in allowed[widget]:
        raise FormDefinitionError(
            form_name,
            _('The field %(field)s cannot use the widget "%(widget)s".', field=name, widget=widget),
        )
    if widget in ENUM_WIDGETS and not schema.get("enum"):
        raise FormDefinitionError(
            form_name, _("The field %(field)s needs an enum for its choices.", field=name)
        )
    if widget == "people" and hint.get("role") not in ROLE_LABELS:
        raise FormDefinitionError(
            form_name, _('The people picker %(field)s must name a role in its hint "role".', field=name)
        )
    known_values = {enum_key(v) for v in schema.get("enum", [])}
    for labels_key in ("enum_labels", "enum_labels_en"):
        if set(hint.get(labels_key, {})) - known_values:
            raise FormDefinitionError(
                form_name, _("The choice labels of %(field)s name values not in its enum.", field=name)
            )

    columns: tuple[Field, ...] = ()
    if widget == "experts":
        columns = _build_columns(form_name, name, schema, hint)
    return Field(name=name, schema=schema, ui=hint, widget=widget, required=required, columns=columns)


def _build_columns(form_name: str, name: str, schema: Mapping[str, Any], hint: Mapping) -> tuple[Field, ...]:
    items = schema.get("items")
    if not isinstance(items, dict) or json_type(items) != "object" or not items.get("properties"):
        raise FormDefinitionError(
            form_name, _("The table %(field)s needs items of type object with properties.", field=name)
        )
    column_hints = hint.get("columns", {})
    unknown = set(column_hints) - set(items["properties"])
    if unknown:
        raise FormDefinitionError(
            form_name, _("The display hints name an unknown field: %(field)s", field=sorted(unknown)[0])
        )
    required = set(items.get("required", []))
    return tuple(
        _build_field(form_name, col, col_schema, column_hints.get(col, {}), col in required, in_table=True)
        for col, col_schema in items["properties"].items()
    )


def _default_widget(schema: Mapping[str, Any]) -> str:
    kind = json_type(schema)
    if schema.get("enum"):
        return "select"
    if kind == "boolean":
        return "checkbox"
    if kind in ("integer", "number"):
        return "number"
    if kind == "array":
        return "experts"
    if schema.get("format") == "email":
        return "email"
    return "text"


def _attach_theme_parts(form_name: str, fields: list[Field]) -> list[Field]:
    by_name = {f.name: f for f in fields}
    owners: dict[str, str] = {}
    for picker in (f for f in fields if f.widget == "theme"):
        if set(picker.enum or []) != {"reference", "own"}:
            raise FormDefinitionError(
                form_name, _("The theme picker %(field)s needs the enum reference / own.", field=picker.name)
            )
        for role, part in picker.theme_parts.items():
            if part not in by_name:
                raise FormDefinitionError(
                    form_name, _("The theme picker needs the field %(field)s.", field=part)
                )
            if role != "kind":
                owners[part] = picker.name
    return [replace(f, part_of=owners[f.name]) if f.name in owners else f for f in fields]


def _read_checks(name: str, checks: Any, schema: Mapping[str, Any]) -> tuple[str, ...]:
    if not isinstance(checks, list) or not all(isinstance(c, str) for c in checks):
        raise FormDefinitionError(name, _('"checks" must be a list of check names.'))
    for check in checks:
        if check not in CHECKS:
            raise FormDefinitionError(name, _("Unknown check: %(check)s", check=check))
        missing = [f for f in CHECK_NEEDS.get(check, ()) if f not in schema["properties"]]
        if missing:
            raise FormDefinitionError(
                name,
                _("The check %(check)s needs the field %(field)s.", check=check, field=missing[0]),
            )
    return tuple(checks)


def _read_documents(name: str, documents: Any, schema: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    if not isinstance(documents, dict):
        raise FormDefinitionError(name, _('"documents" must be an object.'))
    result: dict[str, tuple[str, ...]] = {}
    for doc, members in documents.items():
        if doc in schema["properties"] or not isinstance(members, list) or not members:
            raise FormDefinitionError(
                name, _("The document %(document)s must list the fields it is made of.", document=doc)
            )
        for member in members:
            if member not in schema["properties"]:
                raise FormDefinitionError(
                    name, _("The display hints name an unknown field: %(field)s", field=member)
                )
        result[doc] = tuple(members)
    return result


def enum_key(value: Any) -> str:
    """Enum values as the strings used for labels and HTML values (JSON spelling for booleans)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
