"""Leases that let several timer workers share one database (see ``services.leases``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model
from .types import UTCDateTime


class Leased:
    """A row a worker claims before working on it: who holds it, and until when."""

    lease_holder: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WorkerLease(Model):
    """A named chore done by one worker at a time (e.g. the deadline warnings), with its expiry."""

    __tablename__ = "worker_leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    until: Mapped[datetime] = mapped_column(UTCDateTime())
