"""The hash chain over an instance's history events (tamper evidence for the auditor's tools)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

GENESIS_HASH = "0" * 64


def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def event_digest(
    *,
    instance_id: int,
    seq: int,
    kind: str,
    at: datetime,
    actor_id: int | None,
    element_id: str | None,
    element_name: str | None,
    task_id: str | None,
    data: dict,
    version_id: int,
    revision_before: int,
    revision_after: int,
    state_hash: str,
    prev_hash: str,
) -> str:
    """Hash of an event's canonical content, including the previous event's hash."""
    return sha256_text(
        canonical_json(
            {
                "instance_id": instance_id,
                "seq": seq,
                "kind": kind,
                "at": at.isoformat(),
                "actor_id": actor_id,
                "element_id": element_id,
                "element_name": element_name,
                "task_id": task_id,
                "data": data,
                "version_id": version_id,
                "revision_before": revision_before,
                "revision_after": revision_after,
                "state_hash": state_hash,
                "prev_hash": prev_hash,
            }
        )
    )
