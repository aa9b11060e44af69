"""Fields a form requires only in some cases, read from the schema's ``if``/``then``/``else`` (at the
top level or inside ``allOf``): "the comments are required when the decision is 退回修改".

The validator enforces these through JSON Schema itself; this module only tells the renderer, so the
label can carry its asterisk exactly when the condition holds, and forms.js can keep it so live.
Only the shape the form files use is recognised: ``if`` tests one field against one ``const``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.forms.definition import enum_key


@dataclass(frozen=True)
class RequiredWhen:
    """Required when ``field`` holds ``value`` (or, with ``negated``, when it does not)."""

    field: str
    value: str  # as the input carries it (enum_key)
    negated: bool = False

    def holds(self, values: Mapping[str, Any]) -> bool:
        current = values.get(self.field)
        matches = current is not None and enum_key(current) == self.value
        return matches != self.negated


def required_conditions(schema: Mapping[str, Any]) -> dict[str, RequiredWhen]:
    """Field name -> the condition under which the schema requires it."""
    found: dict[str, RequiredWhen] = {}
    branches = [schema, *(s for s in schema.get("allOf", []) if isinstance(s, Mapping))]
    for branch in branches:
        tested = _tested_field(branch.get("if"))
        if tested is None:
            continue
        name, value = tested
        for key, negated in (("then", False), ("else", True)):
            consequence = branch.get(key)
            if isinstance(consequence, Mapping):
                for required in consequence.get("required", []):
                    found[required] = RequiredWhen(name, enum_key(value), negated)
    return found


def _tested_field(condition: Any) -> tuple[str, Any] | None:
    if not isinstance(condition, Mapping):
        return None
    properties = condition.get("properties")
    if not isinstance(properties, Mapping) or len(properties) != 1:
        return None
    ((name, test),) = properties.items()
    if not isinstance(test, Mapping) or "const" not in test:
        return None
    return name, test["const"]
