from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime
from .users import User


class SecurityEvent(db.Model):
    """The security log auditors read: sign-ins, refusals and exports, append-only.

    ``kind`` is one of sign_in, sign_in_failed, refused_not_found (an object missing or outside
    the user's scope: the two are indistinguishable on purpose), refused_forbidden (a role lacks
    the right), refused_csrf, export, password_changed (every session and token ended),
    account_locked (a username failed too often; see services/sign_in_throttle.py), refused_locked
    (an attempt while locked), refused_rate_limited (too many failed sign-ins from one address).
    """

    __tablename__ = "security_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str | None] = mapped_column(String(64))  # as typed, for failed sign-ins
    ip: Mapped[str | None] = mapped_column(String(64))
    method: Mapped[str | None] = mapped_column(String(8))
    path: Mapped[str | None] = mapped_column(String(512))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    user: Mapped[User | None] = relationship(lazy="joined")
