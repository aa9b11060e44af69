from __future__ import annotations

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model


class SearchText(Model):
    """The words of one step people took on an application (its submission, with the plan it carried),
    as the full-text search finds them, with who may find the application by them.

    ``confidential`` entries are found only by the province, the auditors and ``author_id`` (an expert's
    own opinion); the confidential parts of other submissions (the experts a picker named) have no
    author, so only the province and the auditors find them (``app.visibility``). The word index
    itself is the database's: an FTS5 trigram table kept by triggers on SQLite, a pg_trgm GIN index on
    PostgreSQL (migration ``c4f1a9e2d7b6``).
    """

    __tablename__ = "search_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("history_events.id", ondelete="CASCADE"), index=True)
    confidential: Mapped[bool] = mapped_column(default=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
