"""The shapes the command centre's figures take, and the scoped base queries they share."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, func, select

from ...models import Instance, ReadyTask, User
from ...scope import visible_instances_filter


@dataclass(frozen=True)
class Count:
    """One figure: what it counts in the reader's language, how many, and the application list's URL
    parameters that list those applications (empty when no filter of the list can)."""

    label: str
    count: int
    filters: dict[str, str | int] = field(default_factory=dict)


@dataclass(frozen=True)
class Breakdown:
    """A figure split by one property (call, phase, outcome…): a chart and the table under it."""

    key: str
    title: str
    heading: str  # what the first column holds
    counts: list[Count]

    @property
    def total(self) -> int:
        return sum(c.count for c in self.counts)


def scoped_instances(user: User, call_id: int | None, *columns) -> Select:
    """A SELECT of ``columns`` over the applications `user` may see, in one call when given."""
    query = select(*columns).select_from(Instance).where(visible_instances_filter(user))
    return query.where(Instance.call_id == call_id) if call_id is not None else query


def scoped_ready_tasks(user: User, call_id: int | None, *columns) -> Select:
    """A SELECT of ``columns`` over the ready tasks of the applications `user` may see."""
    return scoped_instances(user, call_id, *columns).join(ReadyTask, ReadyTask.instance_id == Instance.id)


def count_of(*columns):
    """``columns`` and the number of rows, for a GROUP BY over them."""
    return (*columns, func.count())


def year_span(year: int, tz) -> tuple[datetime, datetime]:
    """The first moment of a calendar year in the programme's time zone, and of the next."""
    return datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)
