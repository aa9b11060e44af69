from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model


class RateLimitCounter(Model):
    """One fixed-window counter of the rate limiter, when it keeps its counters in our database.

    ``expires_at`` is seconds since the epoch (what the ``limits`` library reckons in), by the app's
    clock.
    """

    __tablename__ = "rate_limit_counters"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int]
    expires_at: Mapped[float] = mapped_column(index=True)
