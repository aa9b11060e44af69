from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import PROGRAMME_TZ
from .base import Model
from .types import UTCDateTime
from .users import User


class Delegation(Model):
    """代理: while ``delegator`` is away, ``delegate`` (same unit, same role) acts on what they hold.

    The period is [starts_at, ends_at); ending a delegation early moves ``ends_at`` to that moment,
    so what was delegated when stays on record.
    """

    __tablename__ = "delegations"
    __table_args__ = (Index("ix_delegations_delegate_period", "delegate_id", "starts_at", "ends_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    delegator_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    delegate_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(32))
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @property
    def last_day(self) -> date:
        """The period's last day in Beijing time (it ends at that day's close)."""
        return (self.ends_at - timedelta(microseconds=1)).astimezone(PROGRAMME_TZ).date()

    delegator: Mapped[User] = relationship(foreign_keys=[delegator_id], lazy="joined")
    delegate: Mapped[User] = relationship(foreign_keys=[delegate_id], lazy="joined")
