from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column

from .base import Model
from .types import UTCDateTime


class ProcessVersion(Model):
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


class Call(Model):
    """A call for applications (申报批次) opened by the province, with its deadline (R5)."""

    __tablename__ = "calls"
    __table_args__ = (Index("ix_calls_opened_id", "opened_at", "id"),)  # the list of calls, by keyset

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    name_en: Mapped[str | None] = mapped_column(String(128))  # for readers of English; optional
    year: Mapped[int]
    deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The notice the call publishes (its text and whom to ask), which a county reads before starting.
    notice_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    contacts: Mapped[str] = mapped_column(Text, default="", server_default="")


class CallAttachment(Model):
    """A file the call publishes with its notice: the notice itself, the 申报表 template, the reference
    themes (附件1/2) or another document. Checked like an application's uploads (PDF, Word, Excel)."""

    __tablename__ = "call_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @property
    def opens_inline(self) -> bool:
        """PDFs open in the browser's own viewer; Word and Excel files are downloaded."""
        return self.content_type == "application/pdf"


class ProcessDraft(Model):
    """A process owner's working copy of the diagrams and forms, named, until deployed as a version."""

    __tablename__ = "process_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(128))
    main_process_id: Mapped[str] = mapped_column(String(64))
    base_version_id: Mapped[int | None] = mapped_column(ForeignKey("process_versions.id"))
    bpmn_files: Mapped[dict] = mapped_column(JSON)  # file name -> XML text
    form_files: Mapped[dict] = mapped_column(JSON)  # file name -> JSON text
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deployed_version_id: Mapped[int | None] = mapped_column(ForeignKey("process_versions.id"))
