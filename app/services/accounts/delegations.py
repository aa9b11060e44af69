"""代理: a member going on leave names a colleague of the same unit and role for a period.

During the period the tasks the member holds reach the colleague (``app.scope`` reads the delegation
in the inbox, the completion check and the notifications), and a completion the colleague makes is
recorded "by the colleague on behalf of the member". Periods are whole days in Beijing time: from
the first day's start to the last day's end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select

from ... import clock
from ...clock import PROGRAMME_TZ
from ...extensions import db
from ...forms import FieldError
from ...models import Delegation, User
from ...scope import may_delegate, unit_roles_of
from ..errors import MAX_ID, NotFound, ValidationFailed

# How far ahead a delegation may reach: a leave is planned, not a standing arrangement.
LONGEST = timedelta(days=366)


@dataclass(frozen=True)
class Colleague:
    """Someone `user` may delegate to, with the unit roles they share."""

    user: User
    roles: list[str]


def colleagues(user: User) -> list[Colleague]:
    """The active members of `user`'s unit sharing one of its roles with `user`."""
    if user.org_id is None:
        return []
    found = []
    for other in db.session.scalars(select(User).where(User.org_id == user.org_id).order_by(User.username)):
        shared = [role for role in sorted(unit_roles_of(user)) if may_delegate(user, other, role)]
        if shared:
            found.append(Colleague(other, shared))
    return found


def delegations_of(user: User) -> list[Delegation]:
    """The delegations `user` gave or received that have not ended, soonest first."""
    return list(
        db.session.scalars(
            select(Delegation)
            .where(
                or_(Delegation.delegator_id == user.id, Delegation.delegate_id == user.id),
                Delegation.ends_at > clock.now(),
            )
            .order_by(Delegation.starts_at, Delegation.id)
        )
    )


def _day(text: str | None, field: str, errors: list[FieldError]) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        errors.append(FieldError(field, _("Enter a date as YYYY-MM-DD.")))
        return None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, PROGRAMME_TZ)


def delegate(
    user: User, to: str | None, role: str | None, first_day: str | None, last_day: str | None
) -> Delegation:
    """Record that `to` acts for `user` in `role` from `first_day` to `last_day` (inclusive).

    Refused, field by field: a colleague not of the same unit and role (or oneself), a period that
    ends before it starts, lies in the past or reaches more than a year ahead.
    """
    errors: list[FieldError] = []
    colleague = next((c.user for c in colleagues(user) if c.user.username == (to or "").strip()), None)
    if (to or "").strip() == user.username:
        errors.append(FieldError("delegate", _("You cannot delegate to yourself.")))
    elif colleague is None:
        errors.append(FieldError("delegate", _("Choose a colleague of your unit.")))
    if role not in unit_roles_of(user) or (colleague is not None and not may_delegate(user, colleague, role)):
        errors.append(FieldError("role", _("Choose a role that you and your colleague both hold.")))
    first, last = _day(first_day, "starts", errors), _day(last_day, "ends", errors)
    now = clock.now()
    today = now.astimezone(PROGRAMME_TZ).date()
    if first is not None and first < today:
        errors.append(FieldError("starts", _("The period cannot start in the past.")))
    if first is not None and last is not None:
        if last < first:
            errors.append(FieldError("ends", _("The period ends before it starts.")))
        elif _start_of(last) - _start_of(first) > LONGEST:
            errors.append(FieldError("ends", _("A delegation lasts at most a year.")))
    if errors or colleague is None or first is None or last is None or role is None:
        raise ValidationFailed(errors, _("The delegation was not saved: please correct the marked fields."))
    delegation = Delegation(
        delegator_id=user.id,
        delegate_id=colleague.id,
        role=role,
        org_id=user.org_id,
        starts_at=max(_start_of(first), now),
        ends_at=_start_of(last + timedelta(days=1)),
        created_at=now,
    )
    db.session.add(delegation)
    db.session.commit()
    return delegation


def end_delegation(user: User, delegation_id: int) -> Delegation:
    """The delegator ends a delegation now (back from leave early); it stays on record until now."""
    found = db.session.get(Delegation, delegation_id) if 0 < delegation_id < MAX_ID else None
    if found is None or found.delegator_id != user.id:
        raise NotFound(_("Delegation not found."))
    now = clock.now()
    if found.ends_at > now:
        found.ends_at = max(found.starts_at, now)
        db.session.commit()
    return found
