"""Writing and reading the security log (sign-ins, refusals, exports) that auditors see."""

from __future__ import annotations

import logging

from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy import select

from .. import clock
from ..extensions import db
from ..models import SecurityEvent, User

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


def _current_user() -> User | None:
    if not has_request_context():
        return None
    user = g.get("api_user") or current_user
    return user if getattr(user, "is_authenticated", False) else None


def record(kind: str, *, user: User | None = None, username: str | None = None, **detail) -> None:
    """Append one event in its own transaction; a failure to log never breaks the request."""
    user = user or _current_user()
    event = SecurityEvent(
        at=clock.now(),
        kind=kind,
        user_id=user.id if user else None,
        username=username or (user.username if user else None),
        ip=request.remote_addr if has_request_context() else None,
        method=request.method if has_request_context() else None,
        path=request.full_path.rstrip("?")[:512] if has_request_context() else None,
        detail=detail,
    )
    try:
        db.session.add(event)
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("security event %s could not be written", kind)


def recent(kind: str | None = None, limit: int = 500) -> list[SecurityEvent]:
    query = select(SecurityEvent).order_by(SecurityEvent.id.desc()).limit(limit)
    if kind:
        query = query.where(SecurityEvent.kind == kind)
    return list(db.session.scalars(query))
