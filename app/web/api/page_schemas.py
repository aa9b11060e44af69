"""The keyset paging of the API's lists (``services/reading/paging.py``): the ?after= and ?limit= of a
request, and the X-Total-Count and X-Next-After headers of the page it answers."""

from __future__ import annotations

from marshmallow import Schema, fields
from marshmallow.validate import Length, OneOf, Range

from ...services.errors import MAX_ID
from ...services.reading.paging import (
    COUNT_LIMIT,
    DEFAULT_LIMIT,
    MAX_LIMIT,
    ORDERS,
    ListSorts,
    Page,
    PageRequest,
)


# The headers of a page of a list (the body is the page's items): a keyset cursor, not an offset.
def page_headers_doc(cursor: dict) -> dict:
    """The OpenAPI description of a page's headers; `cursor` is the schema of the ids it ends on."""
    return {
        "X-Total-Count": {
            "description": f"how many items match, on every page, counted up to {COUNT_LIMIT}: "
            f"{COUNT_LIMIT + 1} means more than {COUNT_LIMIT}",
            "schema": {"type": "integer"},
        },
        "X-Next-After": {
            "description": "pass as ?after= for the next page; absent on the last page",
            "schema": cursor,
        },
    }


def page_headers(page: Page) -> dict[str, str]:
    """The headers of `page` (``page_headers_doc``)."""
    headers = {"X-Total-Count": str(page.total)}
    if page.next_after is not None:
        headers["X-Next-After"] = str(page.next_after)
    return headers


def after_field(what: str) -> fields.Field:
    """The ?after= of a paged list: the X-Next-After of the page before."""
    description = f"the X-Next-After of the page before: the page starts after that {what}"
    return fields.Integer(
        required=False, validate=Range(min=1, max=MAX_ID - 1), metadata={"description": description}
    )


def limit_field() -> fields.Field:
    return fields.Integer(required=False, validate=Range(min=1, max=MAX_LIMIT), load_default=DEFAULT_LIMIT)


def sorted_page_query(sorts: ListSorts, what: str) -> type[Schema]:
    """The ?sort=, ?order=, ?after= and ?limit= of a list sorted by `sorts`, whose rows are `what`."""
    return Schema.from_dict(
        {
            "sort": fields.String(
                required=False, validate=OneOf(list(sorts.keys)), load_default=next(iter(sorts.keys))
            ),
            "order": fields.String(required=False, validate=OneOf(ORDERS), load_default=sorts.default_order),
            "after": after_field(what),
            "limit": limit_field(),
        },
        name=f"{what.title().replace(' ', '')}PageQuery",
    )


def page_request(args: dict) -> PageRequest:
    """The page a request's arguments ask for (``sorted_page_query``); takes them out of `args`, which
    keeps the list's filters."""
    return PageRequest(args.pop("sort"), args.pop("order"), args.pop("after", None), args.pop("limit"))


class TaskPageQuery(Schema):
    """The ready tasks' list is the inbox's: the earliest due first."""

    after = fields.String(
        required=False,
        validate=Length(min=1, max=36),
        metadata={"description": "the X-Next-After of the page before: the page starts after that task"},
    )
    limit = limit_field()
