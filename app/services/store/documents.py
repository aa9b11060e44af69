"""Splitting bulky documents (the plan) out of submitted data, and merging them back for display."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ...extensions import db
from ...forms import FormDefinition
from ...models import Document
from .history_chain import canonical_json, sha256_text


def reference_key(document_name: str) -> str:
    return f"{document_name}_document"


def store_documents(
    form: FormDefinition, data: dict[str, Any], instance_id: int, user_id: int, now: datetime
) -> dict[str, Any]:
    """Move the form's document fields into Document rows; return the data with references instead.

    The workflow state then carries a small reference ({"id", "sha256"}) rather than thousands of
    characters per revision.
    """
    engine_data = dict(data)
    for name, fields in (form.documents or {}).items():
        content = {f: engine_data.pop(f) for f in fields if f in engine_data}
        if not content:
            continue
        doc = Document(
            instance_id=instance_id,
            name=name,
            content=content,
            sha256=sha256_text(canonical_json(content)),
            created_at=now,
            created_by_id=user_id,
        )
        db.session.add(doc)
        db.session.flush()
        engine_data[reference_key(name)] = {"id": doc.id, "sha256": doc.sha256}
    return engine_data


def expand_documents(form: FormDefinition, data: dict[str, Any]) -> dict[str, Any]:
    """The inverse of `store_documents` for display: replace references by the documents' fields."""
    values = dict(data)
    for name in form.documents or {}:
        ref = values.pop(reference_key(name), None)
        if isinstance(ref, dict) and ref.get("id"):
            doc = db.session.get(Document, ref["id"])
            if doc is not None:
                values.update(doc.content)
    return values


def with_documents_inline(data: dict[str, Any]) -> dict[str, Any]:
    """`data` (as the engine got it) with each document reference replaced by the document's fields.

    Unlike `expand_documents` it needs no form: it follows the references themselves (a step's
    history event keeps them, whichever form wrote it).
    """
    values = dict(data)
    suffix = reference_key("")
    for key, ref in data.items():
        if key.endswith(suffix) and isinstance(ref, dict) and isinstance(ref.get("id"), int):
            doc = db.session.get(Document, ref["id"])
            if doc is not None:
                del values[key]
                values.update(doc.content)
    return values
