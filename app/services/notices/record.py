"""Recording notifications, and the e-mails they cause, inside the transaction of what caused them.

A step that gives someone a task commits the task, its notification and its e-mail together: a
mail server that is down cannot lose the mail nor hold up the step, because the worker sends the
outbox later (``mailer``). No mail is queued when no SMTP server is configured.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import force_locale

from ...extensions import db
from ...models import Notification, OutboxMail, User
from .texts import KINDS, headline


def wants_mail(user: User, kind: str) -> bool:
    """Whether ``user`` gets this kind by e-mail too: an address, and the kind among their choices."""
    return bool(user.email) and (user.email_kinds is None or kind in user.email_kinds)


def _mail_body(kind: str, params: dict[str, Any], link: str | None) -> str:
    lines = [headline(kind, params)]
    if params.get("message"):
        lines += ["", str(params["message"])]
    if link:
        lines += ["", link]
    return "\n".join(lines)


def notify(
    users: Iterable[User],
    kind: str,
    now: datetime,
    *,
    instance_id: int | None = None,
    task_id: str | None = None,
    link: str | None = None,
    params: dict[str, Any] | None = None,
) -> list[Notification]:
    """A notification for each user (once each), and a queued e-mail for those who want one.

    ``link`` is the page's path (e.g. the task's); the mail carries it under ``PUBLIC_URL``.
    Nothing is committed here: the caller's transaction decides.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    params = dict(params or {})
    if link:
        params["link"] = link
    config = current_app.config
    mail = bool(config.get("SMTP_HOST"))
    url = f"{config.get('PUBLIC_URL', '').rstrip('/')}{link}" if link else None
    made = []
    for user in {u.id: u for u in users}.values():
        notification = Notification(
            user_id=user.id,
            kind=kind,
            instance_id=instance_id,
            task_id=task_id,
            params=params,
            created_at=now,
        )
        db.session.add(notification)
        made.append(notification)
        if mail and wants_mail(user, kind):
            with force_locale(config["BABEL_DEFAULT_LOCALE"]):
                subject = headline(kind, params)
                body = _mail_body(kind, params, url)
            db.session.add(
                OutboxMail(
                    notification=notification,
                    to_address=user.email,
                    subject=subject[:256],
                    body=body,
                    created_at=now,
                    next_attempt_at=now,
                )
            )
    return made
