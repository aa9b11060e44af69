from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model
from .instances import Instance
from .leases import Leased
from .types import UTCDateTime


class Notification(Model):
    """Something a user should know (a new task, a reminder, a deadline): the bell in the header.

    ``kind`` names what happened (see ``services.notices.KINDS``); ``params`` holds what the text
    needs (task and application names, who, a message), so the text is written in the reader's
    language when shown, not when stored.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_unread", "user_id", "read_at", "id"),
        Index("ix_notifications_user_id", "user_id", "id"),  # a user's page of them all, newest first
        Index("ix_notifications_task_kind", "task_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"))
    task_id: Mapped[str | None] = mapped_column(String(36))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    instance: Mapped[Instance | None] = relationship()


class OutboxMail(Leased, Model):
    """An e-mail to send, written in the same transaction as the notification that caused it.

    The worker sends it (``services.notices.mailer``) and retries with growing pauses, so a mail
    server that is down loses nothing and never holds up the step that caused the mail. Its lease is
    the worker's that is sending it, so two workers never send it at the same time.
    """

    __tablename__ = "outbox_mails"
    __table_args__ = (Index("ix_outbox_mails_pending", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id", ondelete="SET NULL"))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(256))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(512))

    notification: Mapped[Notification | None] = relationship()
