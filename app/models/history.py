from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model
from .programme import ProcessVersion
from .types import UTCDateTime
from .users import User


class HistoryEvent(Model):
    """Append-only history of an instance: never updated, never deleted by the application.

    Each event holds what is needed to replay the instance (kind, element, data given to the engine,
    time) and to check it (revisions, hash of the state after, hash chain over the events).
    """

    __tablename__ = "history_events"
    __table_args__ = (
        UniqueConstraint("instance_id", "seq"),
        Index("ix_history_events_actor_at", "actor_id", "at", "id"),  # 已办, paged by keyset
        # The command centre's milestones: events at a few elements (timers, tasks) within a year.
        Index("ix_history_events_element_at", "element_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id"), index=True)
    seq: Mapped[int]
    # started | task_completed | event_started | timer_fired | ended
    kind: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # 代理: the task's holder the actor completed it for (a delegation); chained only when set.
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    element_id: Mapped[str | None] = mapped_column(String(128))
    element_name: Mapped[str | None] = mapped_column(String(256))
    task_id: Mapped[str | None] = mapped_column(String(36), index=True)
    data: Mapped[dict] = mapped_column(JSON)
    version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"))
    revision_before: Mapped[int]
    revision_after: Mapped[int]
    state_hash: Mapped[str] = mapped_column(String(64))
    field_hashes: Mapped[dict | None] = mapped_column(JSON)  # digest per chained field, see history_chain
    prev_hash: Mapped[str] = mapped_column(String(64))
    event_hash: Mapped[str] = mapped_column(String(64))

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id], lazy="joined")
    on_behalf_of: Mapped[User | None] = relationship(foreign_keys=[on_behalf_of_id], lazy="joined")
    version: Mapped[ProcessVersion] = relationship()
