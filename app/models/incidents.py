from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model
from .instances import Instance
from .types import UTCDateTime
from .users import User


class Incident(Model):
    """A running application that cannot go on by itself: operations must look at it.

    ``kind`` is ``stalled`` (nothing is ready or awaited: no task, timer or message can move it) or
    ``step_failed`` (a step on it failed: a script, a condition or a timer expression broke or hit its
    limits). ``element_ids`` names where it stopped. An incident stays open until a later step moves the
    application on (resolved by that step) or an administrator asks for a retry.
    """

    __tablename__ = "incidents"
    __table_args__ = (
        # At most one open incident of each kind per application.
        Index(
            "uq_incidents_open_per_kind",
            "instance_id",
            "kind",
            unique=True,
            sqlite_where=text("resolved_at IS NULL"),
            postgresql_where=text("resolved_at IS NULL"),
        ),
        # The open incidents' list, the latest opened first (services/reading/incident_list.py).
        Index(
            "ix_incidents_open_opened",
            "opened_at",
            "id",
            sqlite_where=text("resolved_at IS NULL"),
            postgresql_where=text("resolved_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # stalled | step_failed
    element_ids: Mapped[str | None] = mapped_column(String(512))  # comma-separated, innermost included
    element_names: Mapped[str | None] = mapped_column(String(1024))
    message: Mapped[str] = mapped_column(Text)
    revision: Mapped[int]  # the application's revision when the incident was seen
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolution: Mapped[str | None] = mapped_column(String(32))  # moved_on | retry
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    instance: Mapped[Instance] = relationship(lazy="joined")
    resolved_by: Mapped[User | None] = relationship()
