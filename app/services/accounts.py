"""Signing in: passwords for the web, bearer tokens for the API."""

from __future__ import annotations

import hashlib
import secrets

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from .. import clock
from ..extensions import db
from ..models import ApiToken, User
from . import security_log
from .errors import ServiceError


class AuthenticationFailed(ServiceError):
    status = 401


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def authenticate(username: str, password: str) -> User:
    """The user, or AuthenticationFailed; both outcomes go to the security log."""
    typed = (username or "").strip()
    user = db.session.scalar(select(User).where(User.username == typed))
    if user is None or not user.active or not check_password_hash(user.password_hash, password or ""):
        security_log.record("sign_in_failed", username=typed[:64])
        raise AuthenticationFailed(_("Wrong username or password."))
    security_log.record("sign_in", user=user)
    return user


def user_by_id(user_id: str | int) -> User | None:
    try:
        return db.session.get(User, int(user_id))
    except (TypeError, ValueError, OverflowError):
        return None


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(username: str, password: str) -> tuple[str, ApiToken]:
    """A new bearer token; the raw value is returned once and only its hash is stored."""
    user = authenticate(username, password)
    raw = secrets.token_urlsafe(32)
    now = clock.now()
    token = ApiToken(
        token_hash=_digest(raw),
        user_id=user.id,
        created_at=now,
        expires_at=now + current_app.config["API_TOKEN_TTL"],
    )
    db.session.add(token)
    db.session.commit()
    return raw, token


def user_for_token(raw: str) -> User:
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(raw or "")))
    if (
        token is None
        or token.revoked_at is not None
        or token.expires_at <= clock.now()
        or not token.user.active
    ):
        raise AuthenticationFailed(_("The token is invalid, expired or revoked."))
    return token.user


def revoke_token(raw: str) -> None:
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(raw or "")))
    if token is not None and token.revoked_at is None:
        token.revoked_at = clock.now()
        db.session.commit()
