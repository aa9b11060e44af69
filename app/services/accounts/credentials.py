"""Signing in: passwords for the web, bearer tokens for the API."""

from __future__ import annotations

import secrets
from functools import cache
from typing import NamedTuple, cast

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult
from werkzeug.security import check_password_hash

from ... import clock
from ...extensions import db
from ...forms import FieldError
from ...models import ApiToken, User
from ..audit import security_log
from ..errors import Forbidden, ServiceError, ValidationFailed
from . import sign_in_throttle
from .login_sessions import end_all_sessions, secret_digest, with_roles
from .passwords import check_policy, hash_password, needs_rehash


class AuthenticationFailed(ServiceError):
    status = 401


@cache
def _unknown_user_hash() -> str:
    """A hash made like every real one, checked when no account matches so that both cost the same."""
    return hash_password(secrets.token_urlsafe(16))


def _password_matches(user: User | None, password: str) -> bool:
    """Verify against the user's hash, or against a dummy one: an unknown or inactive username must not
    answer faster than a wrong password (that would tell which usernames exist)."""
    if user is None or not user.active:
        check_password_hash(_unknown_user_hash(), password)
        return False
    return check_password_hash(user.password_hash, password)


def authenticate(username: str, password: str) -> User:
    """The user, or AuthenticationFailed (TooManyAttempts while the username is locked).

    Every outcome goes to the security log, which is also what the lockout counts.
    """
    typed = (username or "").strip()
    logged = typed[:64]  # what the security log (and so the lockout) keeps of it
    until = sign_in_throttle.locked_until(logged)
    if until is not None:
        security_log.record("refused_locked", username=logged)
        raise sign_in_throttle.locked_out(until)
    user = user_named(typed)
    if not _password_matches(user, password or ""):
        security_log.record("sign_in_failed", username=logged)
        until = sign_in_throttle.note_failure(logged)
        if until is not None:
            raise sign_in_throttle.locked_out(until)
        raise AuthenticationFailed(_("Wrong username or password."))
    user = cast(User, user)  # _password_matches is False for no user
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_sign_in_at = clock.now()
    db.session.commit()
    security_log.record("sign_in", user=user)
    return user


def user_named(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))


class PasswordChanged(NamedTuple):
    sessions_ended: int
    tokens_revoked: int


def set_password(
    user: User, new_password: str, *, temporary: bool = False, keep_session: str | None = None
) -> PasswordChanged:
    """A new password ends every web session and revokes every API token of the user.

    Whoever knew the old password (or held a cookie or token obtained with it) is out at once; only
    ``keep_session`` (the key of the browser the user changed it in) stays signed in. A
    ``temporary`` password (an administrator's) must be changed at the next sign-in.
    """
    check_policy(user.username, new_password or "")
    user.password_hash = hash_password(new_password)
    user.must_change_password = temporary
    sessions = end_all_sessions(user, keep=keep_session)
    revoked = db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=clock.now())
    )
    tokens = cast(CursorResult, revoked).rowcount
    db.session.commit()
    security_log.record("password_changed", user=user, sessions_ended=sessions, tokens_revoked=tokens)
    return PasswordChanged(sessions, tokens)


def change_own_password(
    user: User, current: str, new: str, repeated: str, keep_session: str | None
) -> PasswordChanged:
    """The user's own change: the current password first, the new one twice; this browser stays in."""
    if not check_password_hash(user.password_hash, current or ""):
        message = _("The current password is wrong.")
        raise ValidationFailed([FieldError("current_password", message)], message)
    if (new or "") != (repeated or ""):
        message = _("The two new passwords differ.")
        raise ValidationFailed([FieldError("repeated_password", message)], message)
    if check_password_hash(user.password_hash, new or ""):
        message = _("Choose a password other than the current one.")
        raise ValidationFailed([FieldError("new_password", message)], message)
    check_policy(user.username, new or "", field="new_password")
    return set_password(user, new, keep_session=keep_session)


def issue_token(username: str, password: str) -> tuple[str, ApiToken]:
    """A new bearer token; the raw value is returned once and only its hash is stored.

    An account whose password an administrator set gets none until its owner chose their own.
    """
    user = authenticate(username, password)
    if user.must_change_password:
        raise Forbidden(_("Change your password on the web first: an administrator set it for you."))
    raw = secrets.token_urlsafe(32)
    now = clock.now()
    token = ApiToken(
        token_hash=secret_digest(raw),
        user_id=user.id,
        created_at=now,
        expires_at=now + current_app.config["API_TOKEN_TTL"],
    )
    db.session.add(token)
    db.session.commit()
    return raw, token


def user_for_token(raw: str) -> User:
    query = select(ApiToken).where(ApiToken.token_hash == secret_digest(raw or ""))
    token = db.session.scalars(query.options(with_roles(ApiToken.user))).unique().first()
    if (
        token is None
        or token.revoked_at is not None
        or token.expires_at <= clock.now()
        or not token.user.active
    ):
        raise AuthenticationFailed(_("The token is invalid, expired or revoked."))
    return token.user


def revoke_token(raw: str) -> None:
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == secret_digest(raw or "")))
    if token is not None and token.revoked_at is None:
        token.revoked_at = clock.now()
        db.session.commit()
