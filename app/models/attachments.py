from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from .base import Model
from .types import UTCDateTime


class Attachment(Model):
    """An uploaded file (a PDF or Office document) of an application, checked for size and type.

    Task data only holds a reference ({"id", "name", "size", "sha256"}); the bytes live here.
    """

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(128))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @property
    def opens_inline(self) -> bool:
        """PDFs open in the browser's own viewer; Word and Excel files are downloaded."""
        return self.content_type == "application/pdf"

    def reference(self) -> dict:
        return {"id": self.id, "name": self.filename, "size": self.size, "sha256": self.sha256}
