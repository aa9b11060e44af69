"""The plan similarity check: each plan's MinHash signature, the check queued at its submission, and
the plans of other counties it found largely copied (see ``services.similarity``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model
from .documents import Document
from .instances import Instance
from .organisations import Organisation
from .types import UTCDateTime


class PlanSignature(Model):
    """The MinHash signature of one submitted plan, kept so that a check does not rehash every plan."""

    __tablename__ = "plan_signatures"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    hashvalues: Mapped[bytes] = mapped_column(LargeBinary)  # the signature's unsigned 64-bit values
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SimilarityCheck(Model):
    """The comparison of one submitted plan with every other county's plan: pending until the worker
    has done it, then done with its matches (none when nothing was largely copied)."""

    __tablename__ = "similarity_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), unique=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)  # pending | done
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    compared: Mapped[int | None] = mapped_column()  # how many other plans it was compared with

    instance: Mapped[Instance] = relationship()
    matches: Mapped[list[SimilarityMatch]] = relationship(
        back_populates="check", cascade="all, delete-orphan", order_by="SimilarityMatch.similarity.desc()"
    )


class SimilarityMatch(Model):
    """Another county's plan that the checked plan largely copies: the share of the checked plan found
    in it, and the matching passages side by side (``passages``: each a pair of marked segment lists)."""

    __tablename__ = "similarity_matches"

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("similarity_checks.id", ondelete="CASCADE"), index=True)
    other_document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    other_instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"))
    similarity: Mapped[float] = mapped_column()  # 0..1: the checked plan's characters in copied passages
    passages: Mapped[list] = mapped_column(JSON)

    check: Mapped[SimilarityCheck] = relationship(back_populates="matches")
    other_document: Mapped[Document] = relationship()
    other_instance: Mapped[Instance] = relationship()

    @property
    def other_county(self) -> Organisation:
        return self.other_instance.applicant
