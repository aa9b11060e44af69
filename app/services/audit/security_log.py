"""Writing and reading the security log (sign-ins, refusals, exports) that auditors see.

Refusals repeat: a fuzzing run once made 13,000 rows, one per refused request. A refusal of the
same kind, by the same user (or typed username), from the same address, within
``AGGREGATE_WINDOW`` of the last one is added to that row (count and last time) instead; the row
keeps the first request's method, path and details. Sign-ins, failed sign-ins (which the lockout
counts one by one), locks, password changes and exports are one row each.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import cast

from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult

from ... import clock
from ...extensions import db
from ...models import SecurityEvent, User
from ..reading.paging import FIRST_PAGE, MAX_LIMIT, ListSorts, Page, PageRequest

log = logging.getLogger(__name__)

KINDS = (
    "sign_in",
    "sign_in_failed",
    "refused_not_found",
    "refused_forbidden",
    "refused_csrf",
    "export",
    "password_changed",
    "account_locked",
    "refused_locked",
    "refused_rate_limited",
)
AGGREGATED = frozenset(
    {"refused_not_found", "refused_forbidden", "refused_csrf", "refused_locked", "refused_rate_limited"}
)
AGGREGATE_WINDOW = timedelta(minutes=10)


def _current_user() -> User | None:
    if not has_request_context():
        return None
    user = g.get("api_user") or current_user
    return user if getattr(user, "is_authenticated", False) else None


def _added_to_recent_row(kind: str, user_id: int | None, username: str | None, ip: str | None) -> bool:
    """Count this refusal on the latest row of the same kind, user and address, if it is recent."""
    now = clock.now()
    same = select(SecurityEvent.id).where(
        SecurityEvent.kind == kind,
        SecurityEvent.user_id.is_not_distinct_from(user_id),
        SecurityEvent.username.is_not_distinct_from(username),
        SecurityEvent.ip.is_not_distinct_from(ip),
        SecurityEvent.last_at >= now - AGGREGATE_WINDOW,
    )
    latest = same.order_by(SecurityEvent.id.desc()).limit(1).scalar_subquery()
    added = db.session.execute(  # an UPDATE: a cursor result, which counts the rows it changed
        update(SecurityEvent)
        .where(SecurityEvent.id == latest)
        .values(count=SecurityEvent.count + 1, last_at=now)
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult, added).rowcount > 0


def record(kind: str, *, user: User | None = None, username: str | None = None, **detail) -> None:
    """Append one event (or count a repeated refusal) in its own transaction; never breaks the request."""
    user = user or _current_user()
    user_id = user.id if user else None
    username = username or (user.username if user else None)
    ip = request.remote_addr if has_request_context() else None
    try:
        if kind in AGGREGATED and _added_to_recent_row(kind, user_id, username, ip):
            db.session.commit()
            return
        now = clock.now()
        db.session.add(
            SecurityEvent(
                at=now,
                last_at=now,
                count=1,
                kind=kind,
                user_id=user_id,
                username=username,
                ip=ip,
                method=request.method if has_request_context() else None,
                path=request.full_path.rstrip("?")[:512] if has_request_context() else None,
                detail=detail,
            )
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("security event %s could not be written", kind)


@dataclass(frozen=True)
class LogFilters:
    kind: str | None = None
    username: str | None = None
    ip: str | None = None


# Newest first by default; ids follow time, and each filter has an index of (column, id).
LOG_SORTS = ListSorts({"time": SecurityEvent.id}, SecurityEvent.id)


def page(filters: LogFilters, request: PageRequest = FIRST_PAGE) -> Page[SecurityEvent]:
    """The log a page at a time (``reading.paging``): a page costs the same however deep it is."""
    query = select(SecurityEvent)
    if filters.kind:
        query = query.where(SecurityEvent.kind == filters.kind)
    if filters.username:
        query = query.where(SecurityEvent.username == filters.username)
    if filters.ip:
        query = query.where(SecurityEvent.ip == filters.ip)
    return LOG_SORTS.page(query, request)


def recent(kind: str | None = None, limit: int = MAX_LIMIT) -> list[SecurityEvent]:
    return page(LogFilters(kind=kind), PageRequest(limit=limit)).items


def record_refusal(kind: str, **detail) -> None:
    """Log a refused request (one of ``AGGREGATED``) after dropping whatever it had left pending.

    A refused request changes nothing: a service may have added or changed rows before it refused,
    and those must not be committed with the log entry, which stands alone.
    """
    db.session.rollback()
    record(kind, **detail)
