"""Units (the province, its cities and county-level units): renamed or abolished, never deleted.

Applications, calls and accounts refer to a unit by its id, so a rename shows everywhere at once and
an abolished unit's applications keep displaying it. An abolished unit starts no new application
(``scope.can_start_application``) and takes no new staff (``users.problems_of``).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from ... import clock
from ...extensions import db
from ...forms import FieldError
from ...models import Instance, Organisation, User
from ..errors import MAX_ID, NotFound, RuleViolation, ValidationFailed
from ..reading.paging import FIRST_PAGE, ListSorts, Page, PageRequest
from ..reading.reference_text import organisation_name
from . import changes
from .access import require_admin

NAME_MAX = 64


# By administrative code (unique: its index is the order).
UNIT_SORTS = ListSorts({"code": Organisation.adcode}, Organisation.id, default_order="asc")


@dataclass(frozen=True)
class UnitRow:
    unit: Organisation
    staff: int  # active accounts
    applications: int


def units_page(admin: User, search: str = "", request: PageRequest = FIRST_PAGE) -> Page[UnitRow]:
    """Units a page at a time (those whose code starts with or whose name holds ``search``), each with
    its active accounts and its applications, counted for the page's units only."""
    require_admin(admin)
    query = select(Organisation)
    text = search.strip()
    if text:
        query = query.where(Organisation.adcode.startswith(text) | Organisation.name.contains(text))
    page = UNIT_SORTS.page(query, request)
    ids = [unit.id for unit in page.items]
    staff = dict(
        db.session.execute(
            select(User.org_id, func.count())
            .where(User.active.is_(True), User.org_id.in_(ids))
            .group_by(User.org_id)
        ).all()
    )
    applications = dict(
        db.session.execute(
            select(Instance.applicant_org_id, func.count())
            .where(Instance.applicant_org_id.in_(ids))
            .group_by(Instance.applicant_org_id)
        ).all()
    )
    rows = [UnitRow(unit, staff.get(unit.id, 0), applications.get(unit.id, 0)) for unit in page.items]
    return page.showing(rows)


def unit_choices(admin: User, keep: str = "") -> list[tuple[str, str]]:
    """(adcode, "adcode name") of the units an account may join (named in the reader's language): those
    not abolished, and ``keep``."""
    require_admin(admin)
    query = select(Organisation).order_by(Organisation.adcode)
    return [
        (unit.adcode, f"{unit.adcode} {organisation_name(unit)}")
        for unit in db.session.scalars(query)
        if not unit.abolished or unit.adcode == keep
    ]


def managed_unit(admin: User, unit_id: int) -> Organisation:
    require_admin(admin)
    unit = db.session.get(Organisation, unit_id) if 0 < unit_id < MAX_ID else None
    if unit is None:
        raise NotFound(_("Not found."))
    return unit


def rename(admin: User, unit_id: int, name: str | None) -> Organisation:
    unit = managed_unit(admin, unit_id)
    new_name = (name or "").strip()
    if not new_name or len(new_name) > NAME_MAX:
        message = _("A unit's name has 1–%(count)d characters.", count=NAME_MAX)
        raise ValidationFailed([FieldError("name", message)], message)
    if new_name != unit.name:
        changes.record(
            admin,
            "unit_renamed",
            "unit",
            unit.id,
            f"{unit.adcode} {unit.full_name}",
            {"name": unit.name},
            {"name": new_name},
        )
        unit.name = new_name
        db.session.commit()
    return unit


def set_abolished(admin: User, unit_id: int, abolished: bool) -> Organisation:
    """Mark a unit abolished (or existing again); its history and accounts stay as they are."""
    unit = managed_unit(admin, unit_id)
    if unit.level == "province":
        raise RuleViolation(_("The province cannot be abolished."))
    if unit.abolished == abolished:
        return unit
    kind = "unit_abolished" if abolished else "unit_restored"
    label = f"{unit.adcode} {unit.full_name}"
    changes.record(
        admin, kind, "unit", unit.id, label, {"abolished": not abolished}, {"abolished": abolished}
    )
    unit.abolished_at = clock.now() if abolished else None
    db.session.commit()
    return unit
