from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model
from .types import UTCDateTime
from .users import User


class SecurityEvent(Model):
    """The security log auditors read: sign-ins, refusals and exports, append-only.

    ``kind`` is one of sign_in, sign_in_failed, refused_not_found (an object missing or outside
    the user's scope: the two are indistinguishable on purpose), refused_forbidden (a role lacks
    the right), refused_csrf, export, password_changed (every session and token ended),
    account_locked (a username failed too often; see services/sign_in_throttle.py), refused_locked
    (an attempt while locked), refused_rate_limited (too many failed sign-ins from one address).

    Refusals repeated by the same user from the same address within a few minutes are one row
    with a ``count`` from ``at`` to ``last_at`` (see services/security_log.py), so a fuzzing run
    makes a handful of rows; sign-ins, failed sign-ins and exports are one row each.
    """

    __tablename__ = "security_events"
    __table_args__ = (
        Index("ix_security_events_username_kind_at", "username", "kind", "at"),  # the lockout's counts
        Index("ix_security_events_kind_ip_last_at", "kind", "ip", "last_at"),  # finding the row to add to
        # The log pages, newest first, filtered by kind, username or address (audit/security_log.py).
        Index("ix_security_events_kind_id", "kind", "id"),
        Index("ix_security_events_username_id", "username", "id"),
        Index("ix_security_events_ip_id", "ip", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)  # the first time
    last_at: Mapped[datetime] = mapped_column(UTCDateTime())  # the last time, for an aggregated row
    count: Mapped[int] = mapped_column(default=1, server_default="1")
    kind: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str | None] = mapped_column(String(64))  # as typed, for failed sign-ins
    ip: Mapped[str | None] = mapped_column(String(64))
    method: Mapped[str | None] = mapped_column(String(8))
    path: Mapped[str | None] = mapped_column(String(512))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    user: Mapped[User | None] = relationship(lazy="joined")
