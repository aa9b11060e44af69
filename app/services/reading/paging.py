"""Keyset paging for the lists: a page starts after the row the previous one ended on.

The position is the sort key's value of that row and its id (the tie-break), read from the row
itself, so a page costs an index range scan however deep it is (no OFFSET), and rows written
meanwhile neither repeat nor vanish between pages. The client keeps only the last row's id
(``after``); a row that no longer matches the filters starts the list again from the top.

The count stops at ``COUNT_LIMIT``: counting every match is a scan of all of them, which would make
the first page of a list of 100,000 cost a hundred times that of a list of 1,000. Past the limit
the list says "more than 1,000" (``Page.total_capped``).

A list whose rows have integer ids names its sorts once (``ListSorts``) and reads its pages with
``ListSorts.page`` from a ``PageRequest`` (the URL's sort, order, after and limit).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, func, select, tuple_
from sqlalchemy.orm import QueryableAttribute

from ...extensions import db
from ..errors import MAX_ID

T = TypeVar("T")
U = TypeVar("U")
SortKey = ColumnElement[Any] | QueryableAttribute[Any]

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
COUNT_LIMIT = 1000
ORDERS = ("asc", "desc")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int  # how many rows match, on every page; COUNT_LIMIT + 1 for "more than COUNT_LIMIT"
    next_after: Any  # the id to pass as ``after`` for the next page; None on the last one
    restarted: bool = False  # ``after`` named no row of the list: this is its first page

    @property
    def total_capped(self) -> bool:
        return self.total > COUNT_LIMIT

    def showing(self, items: list[U]) -> Page[U]:
        """The same page, its rows shown as `items` (one each, in order)."""
        return Page(items, self.total, self.next_after, self.restarted)


@dataclass(frozen=True)
class Ordering:
    key: SortKey  # never NULL (coalesce a nullable column), so comparisons hold
    id_column: QueryableAttribute[Any]
    descending: bool


def keyset_page(
    query: Select, ordering: Ordering, after: Any, limit: int, counted: Select | None = None
) -> Page:
    """One page of `query` (a select of one entity) in `ordering`, after the row whose id is `after`.

    ``counted``, when given, selects the same rows as `query` without what only adds columns to them
    (e.g. a join to show a name): counting up to ``COUNT_LIMIT`` rows then reads no more than it must.
    """
    counting = counted if counted is not None else query
    matches = counting.with_only_columns(ordering.id_column, maintain_column_froms=True).order_by(None)
    total = db.session.scalar(select(func.count()).select_from(matches.limit(COUNT_LIMIT + 1).subquery()))
    key, id_column = ordering.key, ordering.id_column
    restarted = False
    if after is not None:
        start = db.session.execute(
            query.with_only_columns(key, maintain_column_froms=True).where(id_column == after)
        ).first()
        if start is None:
            restarted = True
        elif key is id_column:  # sorted by the id alone: one range, which any planner reads in an index
            query = query.where(id_column < after if ordering.descending else id_column > after)
        else:  # a row comparison, which both planners read as a range of an index on (key, id)
            position, begin = tuple_(key, id_column), tuple_(start[0], after)
            query = query.where(position < begin if ordering.descending else position > begin)
    order = (key.desc(), id_column.desc()) if ordering.descending else (key.asc(), id_column.asc())
    rows = list(db.session.scalars(query.order_by(*order).limit(limit + 1)).unique())
    items = rows[:limit]
    next_after = getattr(items[-1], id_column.key) if len(rows) > limit else None
    return Page(items, total or 0, next_after, restarted)


@dataclass(frozen=True)
class PageRequest:
    """Which page of a list a reader asks for; every field comes from the URL, so it can be bookmarked."""

    sort: str = ""  # one of the list's sorts; its first when empty or unknown
    order: str = ""  # asc | desc; the list's default order when empty or unknown
    after: int | None = None  # the id of the last row of the page before
    limit: int | None = None  # DEFAULT_LIMIT; at most MAX_LIMIT


FIRST_PAGE = PageRequest()


@dataclass(frozen=True)
class ListSorts:
    """The sorts of a list whose rows have integer ids: name -> key (indexed, never NULL), the
    default first; ties are broken by the id."""

    keys: Mapping[str, SortKey]
    id_column: QueryableAttribute[Any]
    default_order: str = "desc"

    def normalised(self, request: PageRequest) -> PageRequest:
        """Unknown sorts and orders fall back to the defaults; an id out of range is no position."""
        after = request.after
        return replace(
            request,
            sort=request.sort if request.sort in self.keys else next(iter(self.keys)),
            order=request.order if request.order in ORDERS else self.default_order,
            after=after if after is not None and 0 < after < MAX_ID else None,
            limit=min(max(request.limit or DEFAULT_LIMIT, 1), MAX_LIMIT),
        )

    def page(self, query: Select, request: PageRequest) -> Page:
        """The page of `query` (a select of one entity) that `request` asks for."""
        request = self.normalised(request)
        ordering = Ordering(self.keys[request.sort], self.id_column, request.order == "desc")
        return keyset_page(query, ordering, request.after, request.limit or DEFAULT_LIMIT)
