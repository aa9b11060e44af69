"""The ``spiffworkflow:property`` values our diagrams give their elements, read from parsed specs."""

from __future__ import annotations

from typing import Any

# The form a user task (or a message start event a person triggers) shows.
FORM_PROPERTY = "formJsonSchemaFilename"


def spec_property(task_spec: Any, name: str) -> str | None:
    """Read a ``spiffworkflow:property`` value from a parsed task spec (None when absent)."""
    extensions = getattr(task_spec, "extensions", None) or {}
    return extensions.get("properties", {}).get(name)
