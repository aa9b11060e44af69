"""The bell: how many of a user's notifications are unread, and marking them read (the list pages in
``reading/notification_list.py``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import func, select, update
from sqlalchemy.engine import CursorResult

from ...extensions import db
from ...models import Notification, User

# The count stops here ("99+"): every page's header shows it, and counting all of a user's unread
# notifications would make each page cost more the more of them there are.
UNREAD_LIMIT = 99


def unread_count(user: User) -> int:
    """How many of the user's notifications are unread, counted up to UNREAD_LIMIT + 1 ("more")."""
    unread = select(Notification.id).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    return db.session.scalar(select(func.count()).select_from(unread.limit(UNREAD_LIMIT + 1).subquery())) or 0


def unread_badge(user: User) -> str:
    """The bell's badge: the unread count, "99+" past the limit, empty when none is unread."""
    count = unread_count(user)
    return f"{UNREAD_LIMIT}+" if count > UNREAD_LIMIT else str(count or "")


def mark_read(user: User, now: datetime, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications read, or all of them; returns how many changed."""
    query = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    changed = db.session.execute(query.values(read_at=now).execution_options(synchronize_session=False))
    db.session.commit()
    return cast(CursorResult[Any], changed).rowcount


def open_one(user: User, notification_id: int, now: datetime) -> str | None:
    """Mark one of the user's notifications read; returns the path it points to (only our own pages)."""
    notification = db.session.get(Notification, notification_id) if 0 < notification_id < 2**63 else None
    if notification is None or notification.user_id != user.id:
        return None
    if notification.read_at is None:
        notification.read_at = now
        db.session.commit()
    link = (notification.params or {}).get("link")
    return link if isinstance(link, str) and link.startswith("/") and not link.startswith("//") else None
