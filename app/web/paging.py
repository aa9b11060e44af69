"""A paged list's position in the URL (``services/reading/paging.py``): ?sort=, ?order=, ?after=, ?limit=.

A link whose ``after`` is not an id at all (edited by hand, cut short) shows the list's first page
and says so; one naming a row no longer in the list does the same (``Page.restarted``, shown by the
pager).
"""

from __future__ import annotations

from flask import flash, request
from flask_babel import gettext as _

from ..services.errors import MAX_ID
from ..services.reading.paging import ListSorts, PageRequest


def after_id() -> int | None:
    """The id in ?after=, or None (the first page): a value that is not an id is said to be lost."""
    text = request.args.get("after")
    after = request.args.get("after", type=int)
    if after is not None and 0 < after < MAX_ID:
        return after
    if text:
        flash(_("The page asked for is not in this list (any more): here is its first page."), "info")
    return None


def page_request(sorts: ListSorts) -> PageRequest:
    """The page of the list that the URL asks for, normalised against its sorts."""
    args = request.args
    return sorts.normalised(
        PageRequest(args.get("sort", ""), args.get("order", ""), after_id(), args.get("limit", type=int))
    )
