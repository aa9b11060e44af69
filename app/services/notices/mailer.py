"""Sending the outbox: the worker's part of e-mail, with retries when the mail server is away.

Each mail is marked sent (or given its next attempt) in its own transaction, so a crash mid-pass
sends nothing twice that was marked sent and loses nothing that was not. Pauses between attempts
grow (1 min, 5 min, 30 min, 2 h, then 12 h); after ``MAX_ATTEMPTS`` a mail is left with its error
for an administrator to see. Each mail is claimed before it is sent (``leases.claim``), so two
workers never send the same mail at once; a worker killed mid-send leaves the mail to the others
once its claim expires.
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import and_

from ...extensions import db
from ...models import OutboxMail
from .. import leases

MAX_ATTEMPTS = 10
_PAUSES = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
_LAST_PAUSE = timedelta(hours=12)


def _connect() -> smtplib.SMTP:
    config = current_app.config
    host, port, security = config["SMTP_HOST"], int(config["SMTP_PORT"]), config["SMTP_SECURITY"]
    timeout = float(config.get("SMTP_TIMEOUT", 10))
    if security == "ssl":
        server: smtplib.SMTP = smtplib.SMTP_SSL(
            host, port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        server = smtplib.SMTP(host, port, timeout=timeout)
        if security == "starttls":
            server.starttls(context=ssl.create_default_context())
    if config.get("SMTP_USERNAME"):
        server.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
    return server


def _message(mail: OutboxMail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["SMTP_SENDER"]
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message.set_content(mail.body)
    return message


def _pause_after(attempts: int) -> timedelta:
    return _PAUSES[attempts - 1] if attempts <= len(_PAUSES) else _LAST_PAUSE


def send_due_mails(now: datetime, limit: int = 200) -> int:
    """Send what is due in the outbox; returns how many were sent (0 when SMTP is not configured)."""
    if not current_app.config.get("SMTP_HOST"):
        return 0
    wanted = and_(
        OutboxMail.sent_at.is_(None), OutboxMail.next_attempt_at <= now, OutboxMail.attempts < MAX_ATTEMPTS
    )
    sent = tried = 0
    server: smtplib.SMTP | None = None
    try:
        # One mail claimed at a time, so that its claim outlasts its sending however slow the server.
        # A mail tried leaves ``wanted`` (sent, or its next attempt later), so none is tried twice.
        while tried < limit and (claimed := leases.claim(OutboxMail, wanted, limit=1)):
            tried += 1
            mail = db.session.get_one(OutboxMail, claimed[0])
            try:
                server = server or _connect()
                server.send_message(_message(mail))
            except (OSError, smtplib.SMTPException) as exc:
                mail.attempts += 1
                mail.next_attempt_at = now + _pause_after(mail.attempts)
                mail.last_error = f"{type(exc).__name__}: {exc}"[:512]
                server = None  # reconnect for the next mail: the connection may be what failed
            else:
                mail.attempts += 1
                mail.sent_at = now
                sent += 1
            mail.lease_holder = mail.lease_until = None
            db.session.commit()
    finally:
        if server is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):  # sent already; closing is a courtesy
                server.quit()
    return sent
