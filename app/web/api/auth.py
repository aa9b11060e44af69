"""Bearer-token authentication for the API. Cookies are ignored here, so the API needs no CSRF token."""

from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING

from flask import g, request
from flask_babel import gettext as _
from webargs.flaskparser import abort  # flask_smorest's abort, from where it is typed (NoReturn)

from ...services.accounts.credentials import AuthenticationFailed, user_for_token

if TYPE_CHECKING:
    from ...models import User


def bearer_token() -> str:
    """The request's bearer token; a request without one is answered 401."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        abort(401, message=_("Send a bearer token: Authorization: Bearer <token>."))
    return value.strip()


def token_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        try:
            g.api_user = user_for_token(bearer_token())
        except AuthenticationFailed as exc:
            abort(401, message=exc.message)
        return view(*args, **kwargs)

    return wrapper


def api_user() -> User:
    return g.api_user
