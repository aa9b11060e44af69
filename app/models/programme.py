from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime


class ProcessVersion(db.Model):
    """A deployed, immutable version of the diagrams and forms. Instances are pinned to one."""

    __tablename__ = "process_versions"
    __table_args__ = (UniqueConstraint("process_key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(String(64))
    version: Mapped[int]
    main_process_id: Mapped[str] = mapped_column(String(64))
    # Loaded only when asked for: instances join their version on every request, the files rarely.
    bpmn_files: Mapped[dict] = mapped_column(JSON, deferred=True)  # file name -> XML text
    form_files: Mapped[dict] = mapped_column(JSON, deferred=True)  # file name -> JSON text
    content_hash: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deployed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Call(db.Model):
    """A call for applications (申报批次) opened by the province, with its deadline (R5)."""

    __tablename__ = "calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    year: Mapped[int]
    deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
