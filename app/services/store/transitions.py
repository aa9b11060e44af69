"""Persisting one step of a workflow: new state, ready-task rows, history events and their search
texts, together.

Callers open no transaction of their own: `commit_transition` writes everything and commits, or
rolls back and raises. The optimistic revision check (UPDATE ... WHERE revision = :seen) makes two
concurrent steps on the same instance serialize: exactly one wins, the other gets `StaleRevision`.
Services reach it through the unit of work in ``step``, which loads the workflow it commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import delete, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import lazyload

from ...engine import ReadyTask as ReadyUserTask
from ...engine import WorkflowRun
from ...extensions import db
from ...models import UNDATED, HistoryEvent, Instance, InstanceParticipant, ReadyTask, User, UserRole
from ...roles import Role
from ...scope import Assignee, assignee_for_lane, relation_of
from . import incidents, search_index
from .announcements import announce, announce_taken_back
from .history_chain import GENESIS_HASH, event_digest, field_hashes, sha256_text


class StaleRevision(Exception):
    """Someone else changed the instance since it was read."""


@dataclass
class EventRecord:
    kind: str
    at: datetime
    actor_id: int | None = None
    element_id: str | None = None
    element_name: str | None = None
    task_id: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    on_behalf_of_id: int | None = None  # 代理: the holder a delegate completed the task for


@dataclass(frozen=True)
class Committed:
    """What a committed step wrote: the instance's new revision and state hash, on which version."""

    instance_id: int
    revision: int
    state_hash: str
    version_id: int


@dataclass(frozen=True)
class Snapshot:
    """What the database needs from a workflow after a step, read from the engine once."""

    ready: list[ReadyUserTask]
    data: dict[str, Any]
    next_timer_at: datetime | None
    end: tuple[str, str, str | None] | None
    phase: str | None
    stalled_at: list[str] | None

    @classmethod
    def of(cls, run: WorkflowRun) -> Snapshot:
        ready = run.ready_user_tasks()
        # SpiffWorkflow fills the top-level data only when the process ends; while it runs, the
        # newest values live in the ready tasks.
        data = run.data
        for task in ready:
            data.update(run.task_data(task.task_id))
        end = run.end_outcome if run.is_completed else None
        stalled_at = None if ready or end else run.stalled_at()  # a ready task can always move it on
        return cls(ready, data, run.next_timer_due(), end, run.phase(), stalled_at)


# Instance columns copied from the application's data, when the data has them.
_SUMMARY_FIELDS = {"theme_code": "theme_code", "theme_title": "theme_title", "theme_kind": "kind"}


def summary_of(snapshot: Snapshot) -> dict[str, Any]:
    """The instance columns derived from the workflow (status, phase, outcome, theme, next timer)."""
    data = snapshot.data
    values = {column: data[key] for column, key in _SUMMARY_FIELDS.items() if data.get(key)}
    values["next_timer_at"] = snapshot.next_timer_at
    if snapshot.end is not None:
        end_id, end_name, outcome = snapshot.end
        values.update(status="completed", phase=end_name, outcome=outcome or end_id, outcome_label=end_name)
    else:
        ready = snapshot.ready
        values.update(status="running", phase=snapshot.phase or (ready[0].process_name if ready else None))
    return values


def _ready_rows(instance: Instance) -> dict[str, ReadyTask]:
    """The instance's ready-task rows as stored before the step, by task id (none for a new instance).

    Only the rows: their instance is the step's own, and a holder is read only where one is named.
    """
    if instance.id is None:
        return {}
    rows = db.session.scalars(
        select(ReadyTask).where(ReadyTask.instance_id == instance.id).options(lazyload("*"))
    )
    return {row.id: row for row in rows}


def _due_dates(
    snapshot: Snapshot, run: WorkflowRun, known: dict[str, ReadyTask]
) -> dict[str, datetime | None]:
    """When each task the step makes ready is due (its diagram's ``dueDate``), evaluated before any write.

    Tasks already ready (``known``) keep the due date they got when they became ready.
    """
    return {task.task_id: run.due_date(task.task_id) for task in snapshot.ready if task.task_id not in known}


def _sync_ready_tasks(
    instance: Instance,
    snapshot: Snapshot,
    existing: dict[str, ReadyTask],
    dues: dict[str, datetime | None],
    now: datetime,
) -> tuple[list[ReadyTask], list[ReadyTask]]:
    """Rewrite the instance's ready-task rows (``existing``, as read before the step's writes); returns
    the rows of the tasks that just became ready, and those of the tasks that are no longer ready
    (completed, or taken away by the step)."""
    existing = dict(existing)
    added = []
    for task in snapshot.ready:
        if task.task_id in existing:
            # Name, form and phase follow the diagram version (they change when an instance migrates).
            row = existing.pop(task.task_id)
            row.name, row.form, row.phase = task.name, task.form, task.process_name
            continue
        who = assignee_for_lane(task.lane, instance, task.assignee)
        _ensure_participant(instance, who)
        row = ReadyTask(
            id=task.task_id,
            instance_id=instance.id,
            element_id=task.element_id,
            name=task.name,
            phase=task.process_name,
            role=who.role,
            form=task.form,
            assignee_org_id=who.org_id,
            assignee_user_id=who.user_id,
            due_at=dues.get(task.task_id),
            due_order=dues.get(task.task_id) or UNDATED,
            ready_since=now,
        )
        db.session.add(row)
        added.append(row)
    if existing:
        db.session.execute(delete(ReadyTask).where(ReadyTask.id.in_(list(existing))))
    return added, list(existing.values())


def _ensure_participant(instance: Instance, who: Assignee) -> None:
    """A person assigned a task on an application may see it from then on (e.g. a review expert)."""
    relation = relation_of(who.role)
    if relation is None or who.user_id is None:
        return
    exists = db.session.scalar(
        select(InstanceParticipant.id).where(
            InstanceParticipant.instance_id == instance.id,
            InstanceParticipant.user_id == who.user_id,
            InstanceParticipant.relation == relation,
        )
    )
    if exists is None:
        db.session.add(InstanceParticipant(instance_id=instance.id, user_id=who.user_id, relation=relation))


def _sync_named_experts(instance: Instance, snapshot: Snapshot) -> None:
    """Guiding experts named on the application (with an account) see it; one no longer named does not.

    Only when the workflow's data shows the experts: while it waits with no task open (e.g. for the
    experiment period's last day) it shows nothing, and that must not take the experts' view away.
    """
    if "experts" not in snapshot.data:
        return
    experts = snapshot.data.get("experts") or []
    usernames = {e.get("username") for e in experts if isinstance(e, dict)} - {None, ""}
    named = (
        set(
            db.session.scalars(
                select(User.id)
                .join(User.role_rows)
                .where(User.username.in_(usernames), UserRole.role == Role.GUIDING_EXPERT)
            )
        )
        if usernames
        else set()
    )
    relation = InstanceParticipant.relation == "guiding_expert"
    known = set(
        db.session.scalars(
            select(InstanceParticipant.user_id).where(
                InstanceParticipant.instance_id == instance.id, relation
            )
        )
    )
    if known - named:
        db.session.execute(
            delete(InstanceParticipant).where(
                InstanceParticipant.instance_id == instance.id,
                relation,
                InstanceParticipant.user_id.in_(known - named),
            )
        )
    for user_id in named - known:
        db.session.add(
            InstanceParticipant(instance_id=instance.id, user_id=user_id, relation="guiding_expert")
        )


# History events that record something about the application without a step of its workflow (a
# reminder sent on a task; a task claimed, given back or assigned within its unit): chained like
# every event, skipped by re-execution (no state changes).
NOTE_KINDS = frozenset({"reminded", "claimed", "unclaimed", "assigned"})


def append_note(instance: Instance, event: EventRecord) -> None:
    """Chain ``event`` (a NOTE_KINDS kind) onto the history at the current revision; the caller commits.

    The state is unchanged, so the event carries the revision and state hash of the last step. Two
    notes written at once would take the same sequence number: the unique (instance, seq) refuses the
    second, and the caller may try again.
    """
    if event.kind not in NOTE_KINDS:
        raise ValueError(f"{event.kind} is a step's event, not a note")
    _append_events(instance, [event], instance.revision, instance.revision, instance.state_hash)


def _append_events(
    instance: Instance, events: list[EventRecord], revision_before: int, revision_after: int, state_hash: str
) -> list[HistoryEvent]:
    last = db.session.execute(
        select(HistoryEvent.seq, HistoryEvent.event_hash)
        .where(HistoryEvent.instance_id == instance.id)
        .order_by(HistoryEvent.seq.desc())
        .limit(1)
    ).first()
    seq, prev_hash = (last.seq, last.event_hash) if last else (0, GENESIS_HASH)
    appended = []
    for event in events:
        seq += 1
        content = dict(
            instance_id=instance.id,
            seq=seq,
            kind=event.kind,
            at=event.at,
            actor_id=event.actor_id,
            on_behalf_of_id=event.on_behalf_of_id,
            element_id=event.element_id,
            element_name=event.element_name,
            task_id=event.task_id,
            data=event.data,
            version_id=instance.version_id,
            revision_before=revision_before,
            revision_after=revision_after,
            state_hash=state_hash,
        )
        hashes = field_hashes(content)
        digest = event_digest(hashes, prev_hash)
        row = HistoryEvent(**content, field_hashes=hashes, prev_hash=prev_hash, event_hash=digest)
        db.session.add(row)
        appended.append(row)
        prev_hash = digest
        revision_before = revision_after
    return appended


def commit_transition(
    instance: Instance,
    run: WorkflowRun,
    revision_seen: int,
    events: list[EventRecord],
    now: datetime,
    *,
    to_version_id: int | None = None,
) -> Committed:
    """Write the run's new state for `instance` if nobody moved it past `revision_seen`; then commit.

    When the step ended the workflow, an "ended" event naming the end reached closes the history. A
    step that leaves the workflow unable to go on opens an incident in the same transaction; one that
    moves it on resolves the open ones (see ``incidents``).
    ``to_version_id`` pins the instance to another version in the same transaction (a migration).
    """
    state = run.serialize()
    state_hash = sha256_text(state)
    new_revision = revision_seen + 1
    snapshot = Snapshot.of(run)
    existing = _ready_rows(instance)
    dues = _due_dates(snapshot, run, existing)
    values = summary_of(snapshot)
    if to_version_id is not None:
        values["version_id"] = to_version_id
        instance.version_id = to_version_id  # the events below are recorded on the new version
    if snapshot.end is not None:
        end_id, end_name, _outcome = snapshot.end
        events = [
            *events,
            EventRecord("ended", now, events[-1].actor_id if events else None, end_id, end_name),
        ]
    try:
        if revision_seen == 0:
            instance.state, instance.state_hash, instance.revision = state, state_hash, new_revision
            instance.updated_at = now
            for key, value in values.items():
                setattr(instance, key, value)
            db.session.add(instance)
            db.session.flush()
        else:
            result = db.session.execute(
                update(Instance)
                .where(Instance.id == instance.id, Instance.revision == revision_seen)
                .values(state=state, state_hash=state_hash, revision=new_revision, updated_at=now, **values)
                .execution_options(synchronize_session=False)
            )
            if cast(CursorResult[Any], result).rowcount != 1:  # an UPDATE's result is a CursorResult
                raise StaleRevision()
        added, gone = _sync_ready_tasks(instance, snapshot, existing, dues, now)
        _sync_named_experts(instance, snapshot)
        appended = _append_events(instance, events, revision_seen, new_revision, state_hash)
        db.session.flush()
        search_index.index_events(appended)
        incidents.note_step(instance, snapshot.stalled_at, new_revision, now)
        announce(instance, added, snapshot.end, now, actor_id=events[0].actor_id if events else None)
        announce_taken_back(instance, gone, events, now)
        committed = Committed(instance.id, new_revision, state_hash, instance.version_id)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    db.session.expire(instance)
    return committed
