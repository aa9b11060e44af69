"""Per-username lockout after repeated failed sign-ins, counted from the security log.

The log lives in the database every gunicorn worker and every host shares, so the count holds
across them without another store. It is keyed by the username as typed, whether an account has
it or not: a locked username answers the same for an account that does not exist, so a lockout
tells nothing about which usernames exist. The per-address limit is Flask-Limiter's (see
app/web/sign_in_limits.py); both refusals say how long to wait in the user's language.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import format_timedelta
from flask_babel import gettext as _
from sqlalchemy import func, select

from ... import clock
from ...extensions import db
from ...models import SecurityEvent
from ..audit import security_log
from ..errors import TooManyAttempts


def _last(username: str, *kinds: str) -> datetime | None:
    return db.session.scalar(
        select(func.max(SecurityEvent.at)).where(
            SecurityEvent.username == username, SecurityEvent.kind.in_(kinds)
        )
    )


def locked_until(username: str) -> datetime | None:
    """When the username's current lock ends, or None when it is not locked."""
    locked_at = _last(username, "account_locked")
    if locked_at is None:
        return None
    until = locked_at + current_app.config["SIGN_IN_LOCKOUT"]
    return until if until > clock.now() else None


def note_failure(username: str) -> datetime | None:
    """After a failed sign-in was logged: lock the username if it failed too often; until when.

    Failures count within the window and only since the last successful sign-in or the last lock,
    so that a lock, once over, gives the full number of attempts again.
    """
    config = current_app.config
    since = max(
        filter(
            None,
            (clock.now() - config["SIGN_IN_LOCKOUT_WINDOW"], _last(username, "sign_in", "account_locked")),
        )
    )
    failures = db.session.scalar(
        select(func.count())
        .select_from(SecurityEvent)
        .where(
            SecurityEvent.username == username,
            SecurityEvent.kind == "sign_in_failed",
            SecurityEvent.at > since,
        )
    )
    if failures < config["SIGN_IN_LOCKOUT_ATTEMPTS"]:
        return None
    until = clock.now() + config["SIGN_IN_LOCKOUT"]
    security_log.record("account_locked", username=username, failures=failures)
    return until


def seconds_until(moment: datetime | float) -> int:
    """Whole seconds from now to a moment (a datetime, or seconds since the epoch), at least 1."""
    timestamp = moment.timestamp() if isinstance(moment, datetime) else moment
    return max(1, math.ceil(timestamp - clock.now().timestamp()))


def wait_phrase(seconds: int) -> str:
    """How long to wait, in the user's language ("15 分钟", "40 seconds"); never shorter than true."""
    wait = timedelta(seconds=seconds) if seconds < 60 else timedelta(minutes=math.ceil(seconds / 60))
    return format_timedelta(wait, threshold=1)


def locked_out(until: datetime) -> TooManyAttempts:
    seconds = seconds_until(until)
    return TooManyAttempts(
        _(
            "Too many failed sign-ins with this username. Please try again in %(wait)s.",
            wait=wait_phrase(seconds),
        ),
        retry_after=seconds,
    )
