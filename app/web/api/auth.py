"""Bearer-token authentication for the API. Cookies are ignored here, so the API needs no CSRF token."""

from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING

from flask import g, request
from flask_babel import gettext as _
from flask_smorest import abort

from ...services.accounts.credentials import AuthenticationFailed, user_for_token

if TYPE_CHECKING:
    from ...models import User


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def token_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        raw = bearer_token()
        if raw is None:
            abort(401, message=_("Send a bearer token: Authorization: Bearer <token>."))
        try:
            g.api_user = user_for_token(raw)
        except AuthenticationFailed as exc:
            abort(401, message=exc.message)
        return view(*args, **kwargs)

    return wrapper


def api_user() -> User:
    return g.api_user
