"""The open incidents (``store/incidents.py``), a page at a time, for administrators, auditors and
process owners; the latest opened first, optionally of one kind."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from ...models import Incident, User
from ...scope import can_see_incidents
from ..errors import Forbidden
from ..store.incidents import STALLED, STEP_FAILED, TIMER_FAILED
from .paging import FIRST_PAGE, ListSorts, Page, PageRequest

KINDS = (STALLED, STEP_FAILED, TIMER_FAILED)
# Read in the partial index of the open incidents on (opened_at, id).
INCIDENT_SORTS = ListSorts({"opened": Incident.opened_at}, Incident.id)


def incidents_page(user: User, kind: str | None = None, request: PageRequest = FIRST_PAGE) -> Page[Incident]:
    if not can_see_incidents(user):
        raise Forbidden(_("Only administrators, auditors and process owners can see incidents."))
    query = select(Incident).where(Incident.resolved_at.is_(None))
    if kind:
        query = query.where(Incident.kind == kind)
    return INCIDENT_SORTS.page(query, request)
