"""The per-address limit on sign-in attempts, and how a throttled sign-in is answered.

Flask-Limiter counts failed attempts (401s) per client address, one counter shared by the sign-in
form and ``POST /api/tokens``; an office whose staff share one address can still sign everyone in.
The per-username lockout is the service's (app/services/sign_in_throttle.py). Both refusals answer
429 with ``Retry-After`` and say in the user's language how long to wait: on the sign-in page for
the form, as JSON for the API.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, render_template, request
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded

from ..extensions import limiter
from ..services.accounts.sign_in_throttle import seconds_until, wait_phrase
from ..services.audit import security_log
from ..services.errors import TooManyAttempts
from .errors import error_response


def _address_limit() -> str:
    return current_app.config["SIGN_IN_ADDRESS_LIMIT"]


address_limit = limiter.shared_limit(
    _address_limit,
    scope="sign_in",
    methods=["POST"],
    deduct_when=lambda response: response.status_code == 401,
)


def _throttled(message: str, retry_after: int) -> Response:
    if request.endpoint == "auth.login":
        from .auth.forms import LoginForm

        response = current_app.make_response(
            (render_template("auth/login.html", form=LoginForm(), error=message), 429)
        )
    else:
        response = current_app.make_response(error_response(429, message))
    response.headers["Retry-After"] = str(retry_after)
    return response


def _address_limited(exc: RateLimitExceeded) -> Response:
    limit = limiter.current_limit  # the limit this request broke, with its window
    seconds = seconds_until(limit.window.reset_time) if limit else int(exc.limit.limit.get_expiry())
    security_log.record("refused_rate_limited", limit=str(exc.limit.limit))
    return _throttled(
        _(
            "Too many failed sign-ins from your network address. Please try again in %(wait)s.",
            wait=wait_phrase(seconds),
        ),
        seconds,
    )


def _username_locked(exc: TooManyAttempts) -> Response:
    return _throttled(exc.message, exc.retry_after)


def register(app: Flask) -> None:
    app.register_error_handler(RateLimitExceeded, _address_limited)
    app.register_error_handler(TooManyAttempts, _username_locked)
