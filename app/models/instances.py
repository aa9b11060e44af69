from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model
from .leases import Leased
from .organisations import Organisation
from .programme import Call, ProcessVersion
from .types import UTCDateTime
from .users import User


class Instance(Leased, Model):
    """One application's workflow. The summary columns answer lists without loading `state`.

    Its lease is the timer worker's: the worker holding it fires the application's due timers.
    """

    __tablename__ = "instances"
    __table_args__ = (
        Index("ix_instances_city_status", "city_org_id", "status"),
        Index("ix_instances_next_timer", "status", "next_timer_at"),
        # Lists page by keyset: the sort column, then the id.
        Index("ix_instances_updated_id", "updated_at", "id"),
        Index("ix_instances_call_id", "call_id", "id"),
        Index("ix_instances_phase_id", "phase", "id"),
        Index("ix_instances_city_updated", "city_org_id", "updated_at", "id"),  # a city's list
        Index("ix_instances_applicant_updated", "applicant_org_id", "updated_at", "id"),  # a county's
        # One running application per county and call, even when two starts race.
        Index(
            "uq_instances_running_per_call",
            "applicant_org_id",
            "call_id",
            unique=True,
            sqlite_where=text("status = 'running'"),
            postgresql_where=text("status = 'running'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"))
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"))
    applicant_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    city_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    theme_code: Mapped[str | None] = mapped_column(String(16))
    theme_title: Mapped[str | None] = mapped_column(String(256))
    theme_kind: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="running")  # running | completed
    phase: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str | None] = mapped_column(String(32))
    outcome_label: Mapped[str | None] = mapped_column(String(128))
    state: Mapped[str] = mapped_column(Text, deferred=True)
    state_hash: Mapped[str] = mapped_column(String(64))
    revision: Mapped[int] = mapped_column(default=0)
    next_timer_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    version: Mapped[ProcessVersion] = relationship(lazy="joined")
    call: Mapped[Call] = relationship(lazy="joined")
    applicant: Mapped[Organisation] = relationship(foreign_keys=[applicant_org_id], lazy="joined")
    city: Mapped[Organisation] = relationship(foreign_keys=[city_org_id], lazy="joined")


# A task without a due date sorts after every dated one.
UNDATED = datetime(9999, 12, 31, tzinfo=UTC)


class ReadyTask(Model):
    """A user task waiting for someone: one row per ready task, rewritten with every transition."""

    __tablename__ = "ready_tasks"
    # The inbox of a unit, or of a person (an expert), the earliest due first, a page at a time.
    __table_args__ = (
        Index("ix_ready_tasks_org_due", "assignee_org_id", "role", "due_order", "id"),
        Index("ix_ready_tasks_user_due", "assignee_user_id", "role", "due_order", "id"),
        # Is there batch work (lifecycle.batch): a unit's or a person's tasks of some forms.
        Index("ix_ready_tasks_form_unit", "form", "role", "assignee_org_id", "assignee_user_id"),
        # The overdue tasks in scope, for 催办 (lifecycle.reminders): few, however many are ready.
        Index("ix_ready_tasks_due", "due_order", "instance_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the engine's task id
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    element_id: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(256))
    phase: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[str | None] = mapped_column(String(32))
    form: Mapped[str | None] = mapped_column(String(128))
    assignee_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    assignee_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # due_at, or UNDATED when there is none: the inbox sorts by it in index order (R7: late duties lead).
    due_order: Mapped[datetime] = mapped_column(UTCDateTime())
    ready_since: Mapped[datetime] = mapped_column(UTCDateTime())
    # 认领: the member of the unit who holds the task (claimed it, or was assigned it by the unit head).
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    instance: Mapped[Instance] = relationship(lazy="joined")
    claimed_by: Mapped[User | None] = relationship(foreign_keys=[claimed_by_id], lazy="joined")


class TaskDraft(Model):
    """What a participant saved without submitting; unvalidated, never seen by the engine."""

    __tablename__ = "task_drafts"

    task_id: Mapped[str] = mapped_column(ForeignKey("ready_tasks.id", ondelete="CASCADE"), primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"))
    data: Mapped[dict] = mapped_column(JSON)
    saved_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime())


class InstanceParticipant(Model):
    """A person named on an application (a guiding expert, an assigned review expert)."""

    __tablename__ = "instance_participants"
    __table_args__ = (UniqueConstraint("instance_id", "user_id", "relation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    relation: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
