"""The hash chain over an instance's history events (tamper evidence for the auditor's tools).

Each event stores a digest of every field of its content (``field_hashes``) and an ``event_hash``
over those digests and the previous event's hash. Checking the chain then names not only the
first event that no longer matches but the field that was changed: its stored value no longer
gives its recorded digest. Editing a field *and* its digest *and* the event hash consistently
breaks the next event's link; rewriting a whole chain consistently is caught against an earlier
signed export of the chain heads (see ``audit``).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64

# The event fields covered by the chain, in a fixed order.
CHAINED_FIELDS = (
    "instance_id",
    "seq",
    "kind",
    "at",
    "actor_id",
    "element_id",
    "element_name",
    "task_id",
    "data",
    "version_id",
    "revision_before",
    "revision_after",
    "state_hash",
)
# Fields chained only on the events that have them, so the events recorded before such a field
# existed keep their digests; an event that gains or loses one is caught as changed all the same.
OPTIONAL_CHAINED_FIELDS = ("on_behalf_of_id",)
ALL_CHAINED_FIELDS = CHAINED_FIELDS + OPTIONAL_CHAINED_FIELDS


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _canonical_value(name: str, value: Any) -> Any:
    if name == "at" and isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()  # one instant, one text, whatever the zone it came in
    return value


def field_hashes(content: dict[str, Any]) -> dict[str, str]:
    """The digest of each chained field's canonical JSON value (optional fields only when set)."""
    names = CHAINED_FIELDS + tuple(name for name in OPTIONAL_CHAINED_FIELDS if content.get(name) is not None)
    return {name: sha256_text(canonical_json(_canonical_value(name, content[name]))) for name in names}


def event_digest(hashes: dict[str, str], prev_hash: str) -> str:
    """An event's hash: over its field digests and the previous event's hash."""
    return sha256_text(canonical_json({"fields": hashes, "prev_hash": prev_hash}))


def changed_fields(content: dict[str, Any], recorded: dict[str, str]) -> list[str]:
    """Fields whose stored value no longer gives the digest recorded with the event."""
    current = field_hashes(content)
    return [name for name in ALL_CHAINED_FIELDS if current.get(name) != recorded.get(name)]
