from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model
from .types import UTCDateTime
from .users import User


class AdminChange(Model):
    """One administrative change (a user or a unit), append-only, for the auditors.

    ``kind`` names what was done (services/administration/changes.py: KINDS); ``before`` and
    ``after`` hold only the fields that changed, so a row reads "who, when, this → that".
    ``target_label`` keeps the name the target had at the time, which a later rename does not rewrite.
    No ``actor``: done on the command line (``flask create-admin``) by whoever runs the server.
    """

    __tablename__ = "admin_changes"
    __table_args__ = (Index("ix_admin_changes_kind_id", "kind", "id"),)  # a kind's page, newest first

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(32))
    target_type: Mapped[str] = mapped_column(String(16))  # user | unit
    target_id: Mapped[int | None] = mapped_column()
    target_label: Mapped[str] = mapped_column(String(128))
    before: Mapped[dict] = mapped_column(JSON, default=dict)
    after: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship(lazy="joined")
