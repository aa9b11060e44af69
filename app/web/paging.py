"""A paged list's position in the URL (``services/reading/paging.py``): ?sort=, ?order=, ?after=, ?limit=.

A link whose ``after`` is not an id at all (edited by hand, cut short) shows the list's first page
and says so; one naming a row no longer in the list does the same (``Page.restarted``, shown by the
pager).
"""

from __future__ import annotations

from flask import flash, request
from flask_babel import gettext as _

from ..services.reading.paging import ListSorts, PageRequest


def page_request(sorts: ListSorts) -> PageRequest:
    """The page of the list that the URL asks for, normalised against its sorts."""
    args = request.args
    after = args.get("after", type=int)
    if args.get("after") and sorts.normalised(PageRequest(after=after)).after is None:
        flash(_("The page asked for is not in this list (any more): here is its first page."), "info")
    return sorts.normalised(
        PageRequest(args.get("sort", ""), args.get("order", ""), after, args.get("limit", type=int))
    )
