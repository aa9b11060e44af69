"""The inbox as a list: the tasks of the user's units (with their holders), filtered by phase and
call, sorted by any column it shows, a page at a time (``paging``)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import aliased, contains_eager

from ...models import Instance, Organisation, ReadyTask, User
from ...scope import unit_tasks_filter
from .paging import DEFAULT_LIMIT, MAX_LIMIT, Ordering, Page, SortKey, keyset_page

_applicant = aliased(Organisation, name="applicant_org")
_holder = aliased(User, name="holder")

INBOX_SORTS: dict[str, SortKey] = {
    "task": ReadyTask.name,
    "application": ReadyTask.instance_id,
    "applicant": _applicant.adcode,
    "call": Instance.call_id,
    "phase": func.coalesce(ReadyTask.phase, ""),
    "due": ReadyTask.due_order,  # undated last (R7: late duties lead)
    "holder": func.coalesce(_holder.display_name, ""),
}


@dataclass(frozen=True)
class InboxQuery:
    """What the inbox asks for; every field comes from the URL, so it can be bookmarked."""

    phase: str | None = None
    call: int | None = None
    sort: str = "due"
    order: str = "asc"
    after: str | None = None  # the id of the last task of the page before
    limit: int | None = None  # DEFAULT_LIMIT; at most MAX_LIMIT

    def normalised(self) -> InboxQuery:
        """Unknown sorts and orders fall back to the default (the earliest due first)."""
        return replace(
            self,
            sort=self.sort if self.sort in INBOX_SORTS else "due",
            order=self.order if self.order in ("asc", "desc") else "asc",
            after=(self.after or "")[:36] or None,
            limit=min(max(self.limit or DEFAULT_LIMIT, 1), MAX_LIMIT),
        )


def _actionable(user: User):
    return (
        select(ReadyTask).join(Instance, Instance.id == ReadyTask.instance_id).where(unit_tasks_filter(user))
    )


def inbox_page(user: User, query: InboxQuery = InboxQuery()) -> Page[ReadyTask]:
    query = query.normalised()
    matching = _actionable(user)
    if query.phase:
        matching = matching.where(ReadyTask.phase == query.phase)
    if query.call is not None:
        matching = matching.where(Instance.call_id == query.call)
    select_ = (
        # Every application has its applicant, and a holder only names who holds: these joins add
        # columns (to show and to sort by), never rows, so the count is taken without them.
        matching.join(_applicant, _applicant.id == Instance.applicant_org_id)
        .outerjoin(_holder, _holder.id == ReadyTask.claimed_by_id)
        # Each row shows its application and applicant: loaded by the page's own query, not row by row.
        .options(contains_eager(ReadyTask.instance).contains_eager(Instance.applicant.of_type(_applicant)))
    )
    ordering = Ordering(INBOX_SORTS[query.sort], ReadyTask.id, query.order == "desc")
    return keyset_page(select_, ordering, query.after, query.limit or DEFAULT_LIMIT, counted=matching)
