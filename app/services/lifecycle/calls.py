"""Calls for applications (申报批次): opened by the province, each with its deadline (R5)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from ... import clock
from ...extensions import db
from ...models import Call, User
from ...roles import Role
from ..errors import MAX_ID, Forbidden, RuleViolation
from ..reading.paging import DEFAULT_LIMIT, MAX_LIMIT, Ordering, Page, keyset_page


def open_call(
    user: User | None, name: str, year: int, deadline: datetime, name_en: str | None = None
) -> Call:
    """Open a call; ``name_en`` is what readers of English see (the Chinese name when not given)."""
    if user is not None and Role.PROVINCE not in user.roles:
        raise Forbidden(_("Only the provincial department can open a call."))
    name = (name or "").strip()
    if not name:
        raise RuleViolation(_("Please give the call a name."))
    if deadline.tzinfo is None:
        raise RuleViolation(_("The deadline needs a time zone."))
    if deadline <= clock.now():
        raise RuleViolation(_("The deadline must lie in the future."))
    call = Call(
        name=name,
        name_en=(name_en or "").strip() or None,
        year=year,
        deadline=deadline,
        opened_at=clock.now(),
        opened_by_id=user.id if user else None,
    )
    db.session.add(call)
    db.session.commit()
    return call


def open_calls() -> list[Call]:
    """Calls still accepting applications, soonest deadline first."""
    return list(db.session.scalars(select(Call).where(Call.deadline > clock.now()).order_by(Call.deadline)))


FILTER_CALLS = 30


def calls_page(after: int | None = None, limit: int = DEFAULT_LIMIT) -> Page[Call]:
    """The calls, the latest opened first, a page at a time (``reading.paging``)."""
    after = after if after is not None and 0 < after < MAX_ID else None
    ordering = Ordering(Call.opened_at, Call.id, descending=True)
    return keyset_page(select(Call), ordering, after, min(max(limit, 1), MAX_LIMIT))


def filter_calls(selected: int | None = None) -> list[Call]:
    """The calls a list's filter offers: the latest FILTER_CALLS opened, and the one selected."""
    calls = list(
        db.session.scalars(select(Call).order_by(Call.opened_at.desc(), Call.id.desc()).limit(FILTER_CALLS))
    )
    if selected is not None and 0 < selected < MAX_ID and all(call.id != selected for call in calls):
        chosen = db.session.get(Call, selected)
        calls += [chosen] if chosen is not None else []
    return calls
