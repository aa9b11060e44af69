"""What users do for themselves: their profile, their open sessions and API tokens.

E-mail address and notification choices are the notices' settings (services/notices/preferences.py);
the profile page links there rather than keeping a second copy.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select

from ... import clock
from ...extensions import db
from ...forms import FieldError
from ...models import ApiToken, LoginSession, User
from ..errors import MAX_ID, NotFound, ValidationFailed
from .login_sessions import secret_digest

# Digits with the separators people write (0531-86912345, +86 138 0000 0000).
_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{4,30}$")
NAME_MAX = 128


def profile_problems(display_name: str, phone: str) -> list[FieldError]:
    """What is wrong with a name and a phone number (shared with the administrator's user form)."""
    problems = []
    if not display_name:
        problems.append(FieldError("display_name", _("Please enter a name.")))
    elif len(display_name) > NAME_MAX:
        problems.append(
            FieldError("display_name", _("A name has at most %(count)d characters.", count=NAME_MAX))
        )
    if phone and not _PHONE.match(phone):
        problems.append(FieldError("phone", _("Please enter a phone number such as 0531-86912345.")))
    return problems


def update_profile(user: User, display_name: str | None, phone: str | None) -> None:
    name, number = (display_name or "").strip(), (phone or "").strip()
    problems = profile_problems(name, number)
    if problems:
        raise ValidationFailed(problems, problems[0].message)
    user.display_name = name
    user.phone = number or None
    db.session.commit()


def open_sessions(user: User) -> list[LoginSession]:
    """The user's signed-in browsers, the most recently used first."""
    return list(
        db.session.scalars(
            select(LoginSession)
            .where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))
            .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())
        )
    )


def is_current(row: LoginSession, raw_key: str | None) -> bool:
    return bool(raw_key) and row.key_hash == secret_digest(raw_key or "")


def end_own_session(user: User, session_id: int) -> None:
    """Sign out one of the user's browsers; another user's session is not found."""
    row = db.session.get(LoginSession, session_id) if 0 < session_id < MAX_ID else None
    if row is None or row.user_id != user.id or row.revoked_at is not None:
        raise NotFound(_("Not found."))
    row.revoked_at = clock.now()
    db.session.commit()


def valid_tokens(user: User) -> list[ApiToken]:
    """The user's API tokens still accepted (neither revoked nor expired), newest first."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(
                ApiToken.user_id == user.id,
                ApiToken.revoked_at.is_(None),
                ApiToken.expires_at > clock.now(),
            )
            .order_by(ApiToken.id.desc())
        )
    )


def revoke_own_token(user: User, token_id: int) -> None:
    token = db.session.get(ApiToken, token_id) if 0 < token_id < MAX_ID else None
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        raise NotFound(_("Not found."))
    token.revoked_at = clock.now()
    db.session.commit()
