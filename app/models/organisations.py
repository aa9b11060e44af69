from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..reference import division_name_en
from .base import Model
from .types import UTCDateTime


class Organisation(Model):
    """The province, a city or a county-level unit, from the divisions data."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    adcode: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(16))  # province | city | county
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    # A division that no longer exists (e.g. 莱芜市, merged into 济南市 in 2019): kept, never deleted,
    # so that its applications still name it; it starts nothing new and gets no new staff.
    abolished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    parent: Mapped[Organisation | None] = relationship(remote_side=[id])

    @property
    def full_name(self) -> str:
        """The name with its city for a county (several cities have a 市中区), else the name."""
        if self.level == "county" and self.parent is not None:
            return self.parent.name + self.name
        return self.name

    @property
    def abolished(self) -> bool:
        return self.abolished_at is not None

    @property
    def name_en(self) -> str:
        """The English (pinyin) name from the divisions data; the Chinese name for a unit not in it."""
        return division_name_en(self.adcode) or self.name

    @property
    def full_name_en(self) -> str:
        """``Shizhong District, Jinan`` for a county, else the English name."""
        if self.level == "county" and self.parent is not None:
            return f"{self.name_en}, {self.parent.name_en}"
        return self.name_en

    @property
    def city(self) -> Organisation | None:
        """The city this organisation belongs to (itself for a city)."""
        if self.level == "city":
            return self
        if self.level == "county":
            return self.parent
        return None
