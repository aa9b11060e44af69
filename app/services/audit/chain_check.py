"""Checking an instance's history chain, and signed exports of all chains' heads.

``verify_chain`` walks one instance's events and names the first broken link: which event, which
field. A rewrite that is consistent inside the database (every digest and hash recomputed) passes
that walk, so ``export_heads`` signs every instance's latest event hash with an HMAC key kept
outside the database, and ``check_heads`` later compares the database with such an export.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from ... import private_files
from ...extensions import db
from ...models import HistoryEvent, Instance
from ..reading.queries import history_of
from ..store.history_chain import (
    ALL_CHAINED_FIELDS,
    GENESIS_HASH,
    canonical_json,
    changed_fields,
    event_digest,
    sha256_text,
)


@dataclass(frozen=True)
class ChainProblem:
    seq: int | None  # the event at fault (None: the instance's stored state)
    field: str
    message: str


@dataclass(frozen=True)
class ChainReport:
    instance_id: int
    events: int
    problem: ChainProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _content(event: HistoryEvent) -> dict:
    return {name: getattr(event, name) for name in ALL_CHAINED_FIELDS}


def _event_problem(event: HistoryEvent, expected_seq: int, prev_hash: str) -> ChainProblem | None:
    changed = changed_fields(_content(event), event.field_hashes) if event.field_hashes else []
    if event.seq != expected_seq and "seq" not in changed:
        return ChainProblem(
            expected_seq, "seq", _("Event #%(seq)s is missing: it was deleted.", seq=expected_seq)
        )
    if not event.field_hashes:
        return ChainProblem(event.seq, "field_hashes", _("Event #%(seq)s carries no digests.", seq=event.seq))
    if changed:
        return ChainProblem(
            event.seq,
            changed[0],
            _(
                "The %(field)s of event #%(seq)s was changed after it was recorded.",
                field=changed[0],
                seq=event.seq,
            ),
        )
    if event.prev_hash != prev_hash:
        return ChainProblem(
            event.seq - 1,
            "event_hash",
            _(
                "Event #%(prev)s was rewritten: event #%(seq)s no longer links to it.",
                prev=event.seq - 1,
                seq=event.seq,
            ),
        )
    if event_digest(event.field_hashes, event.prev_hash) != event.event_hash:
        return ChainProblem(
            event.seq,
            "event_hash",
            _("The digests or the hash of event #%(seq)s were edited.", seq=event.seq),
        )
    return None


def verify_chain(instance: Instance) -> ChainReport:
    """Walk the chain from the instance's creation; report the first broken link, if any."""
    events = history_of(instance)
    prev_hash = GENESIS_HASH
    for expected_seq, event in enumerate(events, start=1):
        problem = _event_problem(event, expected_seq, prev_hash)
        if problem is not None:
            return ChainReport(instance.id, len(events), problem)
        prev_hash = event.event_hash
    state = db.session.scalar(select(Instance.state).where(Instance.id == instance.id))
    last_hash = events[-1].state_hash if events else None
    if instance.state_hash != last_hash or sha256_text(state or "") != instance.state_hash:
        problem = ChainProblem(None, "state", _("The stored state is not the one the last event recorded."))
        return ChainReport(instance.id, len(events), problem)
    return ChainReport(instance.id, len(events), None)


def verify_all() -> list[ChainReport]:
    return [verify_chain(i) for i in db.session.scalars(select(Instance).order_by(Instance.id))]


# Signed chain heads ------------------------------------------------------------------------------


def _hmac_key() -> bytes:
    """The signing key: AUDIT_HMAC_KEY, else a file in the instance folder (never the database)."""
    configured = current_app.config.get("AUDIT_HMAC_KEY") or os.environ.get("AUDIT_HMAC_KEY")
    if configured:
        return configured.encode()
    path = Path(current_app.instance_path) / "audit_hmac_key"
    if not path.exists():
        private_files.write_private(path, secrets.token_hex(32))
    return path.read_text().strip().encode()


def _signature(body: dict) -> str:
    return hmac.new(_hmac_key(), canonical_json(body).encode(), hashlib.sha256).hexdigest()


def export_heads(now: datetime) -> dict:
    """Every instance's latest event (seq, hash) at ``now``, signed."""
    latest = (
        select(HistoryEvent.instance_id, func.max(HistoryEvent.seq).label("seq"))
        .group_by(HistoryEvent.instance_id)
        .subquery()
    )
    rows = db.session.execute(
        select(HistoryEvent.instance_id, HistoryEvent.seq, HistoryEvent.event_hash)
        .join(latest, (HistoryEvent.instance_id == latest.c.instance_id) & (HistoryEvent.seq == latest.c.seq))
        .order_by(HistoryEvent.instance_id)
    )
    body = {
        "exported_at": now.isoformat(),
        "heads": [{"instance_id": r.instance_id, "seq": r.seq, "event_hash": r.event_hash} for r in rows],
    }
    return {**body, "signature": _signature(body)}


def check_heads(export: dict) -> list[str]:
    """Problems found comparing the database with an earlier signed export (empty: all chains hold)."""
    body = {"exported_at": export.get("exported_at"), "heads": export.get("heads")}
    if not isinstance(body["heads"], list) or not hmac.compare_digest(
        str(export.get("signature", "")), _signature(body)
    ):
        return [_("The export's signature does not match: it was altered, or signed with another key.")]
    problems = []
    for head in body["heads"]:
        stored = db.session.scalar(
            select(HistoryEvent.event_hash).where(
                HistoryEvent.instance_id == head["instance_id"], HistoryEvent.seq == head["seq"]
            )
        )
        if stored != head["event_hash"]:
            problems.append(
                _(
                    "Application %(id)s: event #%(seq)s is no longer the one exported at %(time)s; "
                    "its history was rewritten.",
                    id=head["instance_id"],
                    seq=head["seq"],
                    time=body["exported_at"],
                )
            )
    return problems
