"""Keyset paging for the lists: a page starts after the row the previous one ended on.

The position is the sort key's value of that row and its id (the tie-break), read from the row
itself, so a page costs an index range scan however deep it is (no OFFSET), and rows written
meanwhile neither repeat nor vanish between pages. The client keeps only the last row's id
(``after``); a row that no longer matches the filters starts the list again from the top.

The count stops at ``COUNT_LIMIT``: counting every match is a scan of all of them, which would make
the first page of a list of 100,000 cost a hundred times that of a list of 1,000. Past the limit
the list says "more than 1,000" (``Page.total_capped``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import QueryableAttribute

from ...extensions import db

T = TypeVar("T")
SortKey = ColumnElement[Any] | QueryableAttribute[Any]

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
COUNT_LIMIT = 1000


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int  # how many rows match, on every page; COUNT_LIMIT + 1 for "more than COUNT_LIMIT"
    next_after: Any  # the id to pass as ``after`` for the next page; None on the last one

    @property
    def total_capped(self) -> bool:
        return self.total > COUNT_LIMIT


@dataclass(frozen=True)
class Ordering:
    key: SortKey  # never NULL (coalesce a nullable column), so comparisons hold
    id_column: QueryableAttribute[Any]
    descending: bool


def keyset_page(query: Select, ordering: Ordering, after: Any, limit: int) -> Page:
    """One page of `query` (a select of one entity) in `ordering`, after the row whose id is `after`."""
    matches = query.with_only_columns(ordering.id_column, maintain_column_froms=True).order_by(None)
    total = db.session.scalar(select(func.count()).select_from(matches.limit(COUNT_LIMIT + 1).subquery()))
    key, id_column = ordering.key, ordering.id_column
    if after is not None:
        start = db.session.execute(
            query.with_only_columns(key, maintain_column_froms=True).where(id_column == after)
        ).first()
        if start is not None:
            value = start[0]
            if ordering.descending:
                query = query.where(or_(key < value, and_(key == value, id_column < after)))
            else:
                query = query.where(or_(key > value, and_(key == value, id_column > after)))
    order = (key.desc(), id_column.desc()) if ordering.descending else (key.asc(), id_column.asc())
    rows = list(db.session.scalars(query.order_by(*order).limit(limit + 1)).unique())
    items = rows[:limit]
    return Page(items, total or 0, getattr(items[-1], id_column.key) if len(rows) > limit else None)
