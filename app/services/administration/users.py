"""Accounts as the administrator keeps them: create, edit, deactivate (never delete), reset a password.

An account is never deleted: histories, opinions and the security log name it. Deactivating it ends
its sessions and tokens and keeps it out of every picker and inbox; reactivating brings it back.
The checks of one account's fields are shared with the import from a sheet (``user_import``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import or_, select

from ...extensions import db
from ...forms import GUIDING_COMMITTEES, FieldError
from ...models import Organisation, User, UserRole
from ...roles import EXPERT_ROLES, UNIT_LEVEL_OF_ROLE, Role
from ..accounts.credentials import set_password
from ..accounts.login_sessions import end_all_sessions
from ..accounts.passwords import hash_password, policy_problem
from ..accounts.self_service import profile_problems
from ..errors import MAX_ID, NotFound, RuleViolation, ValidationFailed
from ..notices.preferences import address_problem
from ..reading.paging import FIRST_PAGE, ListSorts, Page, PageRequest
from . import changes
from .access import require_admin

_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{1,63}$")
TITLE_MAX = 128


@dataclass
class UserFields:
    """What the administrator sets of an account (the form, or one row of an imported sheet)."""

    username: str = ""
    display_name: str = ""
    unit: str = ""  # the unit's adcode; empty for people who act on their own (experts, staff)
    roles: list[str] = field(default_factory=list)
    committee: str = ""
    title: str = ""
    email: str = ""
    phone: str = ""

    def stripped(self) -> UserFields:
        return UserFields(
            self.username.strip(),
            self.display_name.strip(),
            self.unit.strip(),
            [r.strip() for r in self.roles if r.strip()],
            self.committee.strip(),
            self.title.strip(),
            self.email.strip(),
            self.phone.strip(),
        )

    @classmethod
    def of(cls, user: User) -> UserFields:
        return cls(
            user.username,
            user.display_name,
            user.organisation.adcode if user.organisation else "",
            sorted(user.roles),
            user.committee or "",
            user.title or "",
            user.email or "",
            user.phone or "",
        )


def snapshot(user: User) -> dict[str, Any]:
    """What the change log shows of an account."""
    unit = user.organisation
    return {
        "username": user.username,
        "display_name": user.display_name,
        "unit": f"{unit.adcode} {unit.full_name}" if unit else None,
        "roles": sorted(user.roles),
        "committee": user.committee,
        "title": user.title,
        "email": user.email,
        "phone": user.phone,
        "active": user.active,
    }


def label(user: User) -> str:
    """How the change log names an account: its username and the name it had at the time."""
    return f"{user.username} {user.display_name}"


def unit_named(adcode: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.adcode == adcode)) if adcode else None


def problems_of(fields: UserFields, existing: User | None = None) -> list[FieldError]:
    """Every problem with the fields, each naming its field, in the user's language.

    An account with a unit's role belongs to a unit of that role's level (one unit for all its
    roles); a guiding expert needs a committee (R3); a new assignment to an abolished unit is refused.
    """
    problems = profile_problems(fields.display_name, fields.phone)
    if existing is None:
        if not _USERNAME.match(fields.username):
            problems.append(
                FieldError("username", _("A username has 2–64 letters, digits, '.', '_' or '-'."))
            )
        elif db.session.scalar(select(User.id).where(User.username == fields.username)) is not None:
            problems.append(
                FieldError("username", _("The username %(name)s is taken.", name=fields.username))
            )
    unknown = [r for r in fields.roles if r not in set(Role)]
    if unknown:
        problems.append(FieldError("roles", _("Unknown role: %(role)s.", role=unknown[0])))
    elif not fields.roles:
        problems.append(FieldError("roles", _("Give the account at least one role.")))
    problems += _unit_problems(fields, existing)
    if Role.GUIDING_EXPERT in fields.roles and fields.committee not in GUIDING_COMMITTEES:
        problems.append(
            FieldError(
                "committee", _("A guiding expert belongs to the national or the provincial committee.")
            )
        )
    elif fields.committee and fields.committee not in GUIDING_COMMITTEES:
        problems.append(FieldError("committee", _("Unknown committee: %(name)s.", name=fields.committee)))
    if len(fields.title) > TITLE_MAX:
        problems.append(FieldError("title", _("A title has at most %(count)d characters.", count=TITLE_MAX)))
    message = address_problem(fields.email)
    if message:
        problems.append(FieldError("email", message))
    return problems


def _unit_problems(fields: UserFields, existing: User | None) -> list[FieldError]:
    levels = {UNIT_LEVEL_OF_ROLE[r] for r in fields.roles if r in UNIT_LEVEL_OF_ROLE}
    unit = unit_named(fields.unit)
    if fields.unit and unit is None:
        return [FieldError("unit", _("No unit has the code %(code)s.", code=fields.unit))]
    if len(levels) > 1:
        return [FieldError("roles", _("These roles belong to units of different levels."))]
    if levels and (unit is None or unit.level not in levels):
        return [FieldError("unit", _("This role needs a unit of the level it acts for."))]
    if Role.UNIT_HEAD in fields.roles and not levels:
        return [FieldError("roles", _("A unit head also holds the role of their unit."))]
    if not levels and unit is not None:
        return [FieldError("unit", _("Only applicants, cities and the province belong to a unit."))]
    kept = existing is not None and existing.org_id == (unit.id if unit else None)
    if unit is not None and unit.abolished and not kept:
        return [
            FieldError("unit", _("%(unit)s has been abolished: nobody new joins it.", unit=unit.full_name))
        ]
    return []


def _apply(user: User, fields: UserFields) -> None:
    user.display_name = fields.display_name
    user.organisation = unit_named(fields.unit)
    is_expert = bool(set(fields.roles) & EXPERT_ROLES)
    user.committee = (fields.committee or None) if is_expert else None
    user.title = fields.title or None
    user.email = fields.email or None
    user.phone = fields.phone or None
    kept = {row.role: row for row in user.role_rows}
    user.role_rows = [kept.get(role) or UserRole(role=role) for role in sorted(set(fields.roles))]


def _refuse(problems: list[FieldError]) -> None:
    if problems:
        raise ValidationFailed(problems, problems[0].message)


def new_user(fields: UserFields, password: str) -> User:
    """An account from checked fields, with a password its owner must change at the first sign-in."""
    user = User(username=fields.username, password_hash=hash_password(password), must_change_password=True)
    _apply(user, fields)
    db.session.add(user)
    return user


def new_account_problems(fields: UserFields, password: str) -> list[FieldError]:
    """The problems of a new account's fields and of its first password (the form and the import)."""
    problems = problems_of(fields)
    problem = policy_problem(fields.username, password or "")
    if problem:
        problems.append(FieldError("password", problem))
    return problems


def _create(actor: User | None, fields: UserFields, password: str, temporary: bool) -> User:
    fields = fields.stripped()
    _refuse(new_account_problems(fields, password))
    user = new_user(fields, password)
    user.must_change_password = temporary
    db.session.flush()
    changes.record(actor, "user_created", "user", user.id, label(user), after=snapshot(user))
    db.session.commit()
    return user


def create_user(admin: User, fields: UserFields, password: str) -> User:
    """An account whose first password its owner must change at the first sign-in."""
    require_admin(admin)
    return _create(admin, fields, password, temporary=True)


def create_administrator(username: str, display_name: str, password: str) -> User:
    """The command line's account for a first administrator, with the password its operator chose."""
    return _create(None, UserFields(username, display_name, roles=[Role.ADMIN]), password, temporary=False)


def managed_user(admin: User, user_id: int) -> User:
    require_admin(admin)
    user = db.session.get(User, user_id) if 0 < user_id < MAX_ID else None
    if user is None:
        raise NotFound(_("Not found."))
    return user


def update_user(admin: User, user_id: int, fields: UserFields) -> User:
    """Edit everything but the username, which histories and sign-ins know the account by."""
    user = managed_user(admin, user_id)
    fields = fields.stripped()
    fields.username = user.username
    _refuse(problems_of(fields, existing=user))
    if user.id == admin.id and Role.ADMIN not in fields.roles:
        raise RuleViolation(_("You cannot take the administrator role from yourself."))
    before = snapshot(user)
    _apply(user, fields)
    db.session.flush()
    old, new = changes.differences(before, snapshot(user))
    if new:
        changes.record(admin, "user_updated", "user", user.id, label(user), old, new)
    db.session.commit()
    return user


def set_active(admin: User, user_id: int, active: bool) -> User:
    """Deactivate (sessions end, tokens stop working) or reactivate an account."""
    user = managed_user(admin, user_id)
    if user.id == admin.id:
        raise RuleViolation(_("You cannot deactivate your own account."))
    if user.active == active:
        return user
    user.active = active
    if not active:
        end_all_sessions(user)
    kind = "user_reactivated" if active else "user_deactivated"
    changes.record(admin, kind, "user", user.id, label(user), {"active": not active}, {"active": active})
    db.session.commit()
    return user


def reset_password(admin: User, user_id: int, password: str) -> None:
    """A temporary password: the user's sessions and tokens end; the next sign-in asks for a new one."""
    user = managed_user(admin, user_id)
    problem = policy_problem(user.username, password or "")
    if problem:
        _refuse([FieldError("password", problem)])
    changes.record(
        admin, "password_reset", "user", user.id, label(user), after={"must_change_password": True}
    )
    set_password(user, password, temporary=True)


# By username (unique: its index is the order).
USER_SORTS = ListSorts({"username": User.username}, User.id, default_order="asc")


def users_page(admin: User, search: str = "", request: PageRequest = FIRST_PAGE) -> Page[User]:
    """Accounts a page at a time, optionally those whose username, name or unit matches ``search``."""
    require_admin(admin)
    query = select(User).outerjoin(User.organisation)
    text = search.strip()
    if text:
        like = f"%{text}%"
        query = query.where(
            or_(User.username.ilike(like), User.display_name.ilike(like), Organisation.name.ilike(like))
        )
    return USER_SORTS.page(query, request)
