"""Web sign-ins kept on the server, so that signing out or a new password really ends them.

The browser holds a random key in Flask's signed session cookie; the database holds its digest
in a LoginSession row. The user loader accepts a cookie only while that row is open, so a cookie
copied before sign-out is worthless afterwards.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import cast

from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import joinedload

from ... import clock
from ...extensions import db
from ...models import LoginSession, User

# last_seen_at is refreshed at most this often, so that a page view is not a database write.
SEEN_EVERY = timedelta(minutes=5)


def secret_digest(raw: str) -> str:
    """What is stored of a secret handed to a client (session key, API token): its SHA-256."""
    return hashlib.sha256(raw.encode()).hexdigest()


def open_session(user: User, ip: str | None, user_agent: str | None) -> str:
    """A new session of the user; returns the key the browser keeps (stored only as a digest)."""
    raw = secrets.token_urlsafe(32)
    now = clock.now()
    db.session.add(
        LoginSession(
            key_hash=secret_digest(raw),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            ip=(ip or "")[:64] or None,
            user_agent=(user_agent or "")[:256] or None,
        )
    )
    db.session.commit()
    return raw


def with_roles(user):
    """A loader option for a row's signed-in ``user``: with their roles, which every request reads
    (scope), in the row's own statement."""
    return joinedload(user).joinedload(User.role_rows)


def _open_row(raw: str | None) -> LoginSession | None:
    if not raw:
        return None
    query = select(LoginSession).where(LoginSession.key_hash == secret_digest(raw))
    row = db.session.scalars(query.options(with_roles(LoginSession.user))).unique().first()
    return row if row is not None and row.revoked_at is None else None


def user_of_session(user_id: str, raw: str | None) -> User | None:
    """The signed-in user if the cookie's session is still open on the server and belongs to them."""
    row = _open_row(raw)
    if row is None or str(row.user_id) != str(user_id) or not row.user.active:
        return None
    now = clock.now()
    if now - row.last_seen_at >= SEEN_EVERY:
        db.session.execute(update(LoginSession).where(LoginSession.id == row.id).values(last_seen_at=now))
        db.session.commit()
    return row.user


def end_session(raw: str | None) -> None:
    """Sign-out: the session's cookie is refused from now on, wherever a copy of it is."""
    row = _open_row(raw)
    if row is not None:
        row.revoked_at = clock.now()
        db.session.commit()


def end_all_sessions(user: User, keep: str | None = None) -> int:
    """End every open session of the user but ``keep`` (in the caller's transaction); how many."""
    query = update(LoginSession).where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))
    if keep:
        query = query.where(LoginSession.key_hash != secret_digest(keep))
    result = db.session.execute(query.values(revoked_at=clock.now()))
    return cast(CursorResult, result).rowcount
