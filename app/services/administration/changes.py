"""The administrative change log: written with each change, read by auditors and administrators."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from ... import clock
from ...extensions import db
from ...models import AdminChange, User
from ...scope import can_read_security_log
from ..errors import Forbidden
from ..reading.paging import FIRST_PAGE, ListSorts, Page, PageRequest

KINDS = (
    "user_created",
    "user_updated",
    "user_deactivated",
    "user_reactivated",
    "password_reset",
    "unit_renamed",
    "unit_abolished",
    "unit_restored",
)


def differences(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields whose value changed, as (before, after)."""
    changed = [key for key in after if before.get(key) != after[key]]
    return {key: before.get(key) for key in changed}, {key: after[key] for key in changed}


def record(
    actor: User | None,
    kind: str,
    target_type: str,
    target_id: int | None,
    label: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Add the row to the caller's transaction: the change and its record commit together.

    ``actor`` None: the command line (``flask create-admin``)."""
    assert kind in KINDS, kind
    db.session.add(
        AdminChange(
            at=clock.now(),
            actor_id=actor.id if actor else None,
            kind=kind,
            target_type=target_type,
            target_id=target_id,
            target_label=label[:128],
            before=before or {},
            after=after or {},
        )
    )


# Newest first by default; ids follow time, and the kind filter has an index of (kind, id).
CHANGE_SORTS = ListSorts({"time": AdminChange.id}, AdminChange.id)


def page(reader: User, kind: str | None = None, request: PageRequest = FIRST_PAGE) -> Page[AdminChange]:
    """The changes a page at a time (``reading.paging``), optionally of one kind; for auditors and
    administrators."""
    if not can_read_security_log(reader):
        raise Forbidden(_("Only auditors and administrators can read the log of administrative changes."))
    query = select(AdminChange)
    if kind:
        query = query.where(AdminChange.kind == kind)
    return CHANGE_SORTS.page(query, request)
