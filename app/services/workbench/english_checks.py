"""Warnings for Chinese text a draft gives no English for.

The site is Chinese first with English beside it: the diagrams' names (``name_en`` property) and
the forms' labels (``title_en``, ``help_en``, ``enum_labels_en``, group ``title_en``) are shown to
English readers, who otherwise see the Chinese text. A missing translation never blocks a deploy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from ...engine import ENGLISH_NAME_PROPERTY
from ...forms import FormDefinition

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}


def untranslated_elements(root: Any) -> list[str]:
    """Ids of the elements with a Chinese name and no English one (a pool's English covers its process)."""
    path = (
        "bpmn:extensionElements/spiffworkflow:properties/"
        f"spiffworkflow:property[@name='{ENGLISH_NAME_PROPERTY}']"
    )
    translated = {
        element.get("id")
        for element in root.xpath(".//bpmn:*[@id]", namespaces=_NS)
        if any((p.get("value") or "").strip() for p in element.xpath(path, namespaces=_NS))
    }
    translated |= {
        pool.get("processRef")
        for pool in root.xpath(".//bpmn:participant[@processRef]", namespaces=_NS)
        if pool.get("id") in translated
    }
    return [
        element.get("id")
        for element in root.xpath(".//bpmn:*[@id and @name]", namespaces=_NS)
        if _CJK.search(element.get("name")) and element.get("id") not in translated
    ]


def untranslated_form_labels(form: FormDefinition) -> list[str]:
    """What of a form shows Chinese to English readers: "title", field names, "field: choice"."""
    missing = [] if form.title_en else ["title"]
    for field in form.fields():
        missing += _field_gaps(field.name, field.schema, field.ui)
        for column in field.columns:
            missing += _field_gaps(f"{field.name}.{column.name}", column.schema, column.ui)
    for key, group in form.ui.get("groups", {}).items():
        if not (isinstance(group, Mapping) and group.get("title_en")):
            missing.append(key)
    return missing


def _field_gaps(name: str, schema: Mapping[str, Any], hint: Mapping[str, Any]) -> list[str]:
    gaps = [] if hint.get("title_en") else [name]
    if (hint.get("help") or schema.get("description")) and not (
        hint.get("help_en") or schema.get("description_en")
    ):
        gaps.append(_("%(field)s (help text)", field=name))
    english = hint.get("enum_labels_en", {})
    gaps += [f"{name}: {value}" for value in hint.get("enum_labels", {}) if not english.get(value)]
    return gaps


def form_message(missing: list[str]) -> str:
    return _("No English text for: %(labels)s. English readers see the Chinese.", labels=", ".join(missing))


def element_message() -> str:
    return _("This element has no English name (property name_en): English readers see the Chinese name.")
