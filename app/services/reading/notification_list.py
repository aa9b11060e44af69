"""A user's notifications (``notices/bell.py``), a page at a time: the newest first, all or the unread."""

from __future__ import annotations

from sqlalchemy import select

from ...models import Notification, User
from .paging import FIRST_PAGE, ListSorts, Page, PageRequest

# Ids follow time; read in the index of (user_id, id), or of (user_id, read_at, id) for the unread.
NOTIFICATION_SORTS = ListSorts({"time": Notification.id}, Notification.id)


def notifications_page(
    user: User, unread_only: bool = False, request: PageRequest = FIRST_PAGE
) -> Page[Notification]:
    query = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return NOTIFICATION_SORTS.page(query, request)
