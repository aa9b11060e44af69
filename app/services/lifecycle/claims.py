"""Several staff per unit: claiming a unit's task (认领), giving it back, and the unit head's 指派.

A unit's task is in the inbox of every member holding its role (``app.scope``); whoever claims it
holds it, and only the holder (or, during a delegation, their delegate) may complete it. Each change
of holder is a compare-and-set on the task's row (``UPDATE ... WHERE claimed_by_id = <as seen>``)
written with its history note in one transaction, so two claims at once never both win: the second
is told who holds the task. A completion locks the same row inside its step (``lock_for_completion``)
and so respects a claim committed while the participant was filling in the form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError

from ... import clock
from ...extensions import db
from ...models import ReadyTask, User
from ...scope import (
    Assignee,
    actionable_tasks_filter,
    can_act_on,
    can_assign,
    can_claim,
    can_unclaim,
    in_unit_of,
    on_behalf_of,
    users_acting_for,
)
from ..errors import Conflict, Forbidden, NotFound
from ..notices.record import notify
from ..notices.texts import ASSIGNED
from ..reading.reference_text import person_name
from ..store.announcements import task_params
from ..store.row_locks import lock_instance
from ..store.transitions import EventRecord, StaleRevision, append_note

# How often a change of holder is tried again when another note took its place in the history.
ATTEMPTS = 3


class HeldByOther(Conflict):
    """Refused: another member of the unit holds the task (the message names them)."""


@dataclass(frozen=True)
class ClaimView:
    """What the inbox and the task page show of a task's holder, and which buttons `user` gets."""

    holder: User | None
    may_complete: bool
    may_claim: bool
    may_unclaim: bool
    members: list[User]  # whom the unit head may assign it to; empty for everyone else

    @property
    def held_by_other(self) -> bool:
        return self.holder is not None and not self.may_complete


def unit_task(user: User, task_id: str) -> ReadyTask:
    """A task of `user`'s unit (held by anyone) or of `user` in person; otherwise NotFound (R10)."""
    task = db.session.get(ReadyTask, task_id) if task_id and len(task_id) <= 36 else None
    if task is None or not in_unit_of(user, task):
        raise NotFound(_("Task not found."))
    return task


def unit_members(task: ReadyTask) -> list[User]:
    """The active members of the task's unit holding its role: whom it may be assigned to."""
    return list(db.session.scalars(users_acting_for(Assignee(task.role, task.assignee_org_id))))


def claim_view(user: User, task: ReadyTask) -> ClaimView:
    return claim_views(user, [task])[task.id]


def claim_views(user: User, tasks: list[ReadyTask]) -> dict[str, ClaimView]:
    """The claim views of a page of tasks in a few statements, however long the page: which of them
    `user` may complete is one query (``actionable_tasks_filter``, as ``can_act_on`` asks of one), the
    holders one, and the members of a unit one per unit and role."""
    if not tasks:
        return {}
    ids = [task.id for task in tasks]
    may_complete = set(
        db.session.scalars(select(ReadyTask.id).where(ReadyTask.id.in_(ids), actionable_tasks_filter(user)))
    )
    held = {task.claimed_by_id for task in tasks} - {None}
    holders = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(held)))} if held else {}
    members: dict[tuple[str | None, int | None], list[User]] = {}
    views = {}
    for task in tasks:
        unit = (task.role, task.assignee_org_id)
        claimable, assigns = can_claim(user, task), can_assign(user, task)
        if (claimable or assigns) and unit not in members:
            members[unit] = unit_members(task)
        views[task.id] = ClaimView(
            holder=holders.get(task.claimed_by_id or 0),
            may_complete=task.id in may_complete,
            # Claiming keeps a task from colleagues: alone in the unit, there is nobody to keep it from.
            may_claim=claimable and len(members[unit]) > 1,
            may_unclaim=can_unclaim(user, task),
            members=members[unit] if assigns else [],
        )
    return views


def held_by_other(task: ReadyTask) -> HeldByOther:
    """The refusal a member gets on a task someone else holds, naming the holder."""
    holder = person_name(task.claimed_by) if task.claimed_by else _("another member of your unit")
    return HeldByOther(
        _("%(name)s holds this task: only they (or their delegate) can complete it.", name=holder)
    )


def refuse_unless_holder(user: User, task: ReadyTask) -> None:
    """Before any work on the task's form: a member who may not complete it is told who holds it.

    A task nobody holds, or `user` holds, is theirs to work on as just read; the step checks the
    claim again as it commits (``lock_for_completion``).
    """
    if task.claimed_by_id in (None, user.id):
        return
    if not can_act_on(user, task):
        raise held_by_other(task)


def lock_for_completion(user: User, task: ReadyTask) -> int | None:
    """Inside a completion's step: lock the task's row if `user` may complete it as committed now.

    Returns the holder `user` completes the task for (a delegation), else None. One statement checks
    the claim and locks the row (an UPDATE that changes nothing, on the rows ``actionable_tasks_filter``
    lets through); the lock holds until the step commits or rolls back, so no claim can slip in
    between the check and the step. Raises ``StaleRevision`` when the task is gone (another step
    completed it), ``Conflict`` when someone else holds it.
    """
    lock_instance(task.instance_id)
    locked = db.session.execute(
        update(ReadyTask)
        .where(ReadyTask.id == task.id, actionable_tasks_filter(user))
        .values(claimed_by_id=ReadyTask.claimed_by_id)
        .returning(ReadyTask.claimed_by_id)
        .execution_options(synchronize_session=False)
    ).first()
    if locked is None:
        if db.session.scalar(select(ReadyTask.id).where(ReadyTask.id == task.id)) is None:
            raise StaleRevision()
        db.session.refresh(task)  # to name who holds it now
        raise held_by_other(task)
    return on_behalf_of(user, locked.claimed_by_id)


def claim(user: User, task_id: str) -> ReadyTask:
    """认领: `user` takes a unit task nobody holds."""

    def allowed(task: ReadyTask) -> None:
        if task.claimed_by_id is not None and task.claimed_by_id != user.id:
            raise held_by_other(task)
        if task.claimed_by_id == user.id:
            raise Conflict(_("You hold this task already."))
        if not can_claim(user, task):
            raise Conflict(_("This task is yours in person: there is nothing to claim."))

    return _change_holder(user, task_id, allowed, lambda _task: user, "claimed")


def unclaim(user: User, task_id: str) -> ReadyTask:
    """Give a held task back to the unit (its holder, or the unit head)."""

    def allowed(task: ReadyTask) -> None:
        if task.claimed_by_id is None:
            raise Conflict(_("Nobody holds this task."))
        if not can_unclaim(user, task):
            raise Forbidden(_("Only the holder or the unit head can give this task back."))

    return _change_holder(user, task_id, allowed, lambda _task: None, "unclaimed")


def assign(user: User, task_id: str, member: str | None) -> ReadyTask:
    """指派: the unit head gives the task to a member of the unit who holds its role."""

    def allowed(task: ReadyTask) -> None:
        if not can_assign(user, task):
            raise Forbidden(_("Only the head of the task's unit can assign it."))

    def chosen_member(task: ReadyTask) -> User:
        chosen = next((m for m in unit_members(task) if m.username == member), None)
        if chosen is None:
            raise Conflict(_("Choose a member of the unit who holds the task's role."))
        if chosen.id == task.claimed_by_id:
            raise Conflict(_("%(name)s holds this task already.", name=chosen.display_name))
        return chosen

    return _change_holder(user, task_id, allowed, chosen_member, "assigned")


def _change_holder(
    user: User,
    task_id: str,
    allowed: Callable[[ReadyTask], None],
    new_holder: Callable[[ReadyTask], User | None],
    kind: str,
) -> ReadyTask:
    """Compare-and-set the task's holder and chain the note, in one transaction; tried again when
    another note took the same place in the history, refused when the holder changed meanwhile."""
    for _attempt in range(ATTEMPTS):
        task = unit_task(user, task_id)
        allowed(task)
        seen = task.claimed_by_id
        holder: User | None = new_holder(task)
        now = clock.now()
        lock_instance(task.instance_id)
        changed = db.session.execute(
            update(ReadyTask)
            .where(ReadyTask.id == task.id, _holder_is(seen))
            .values(claimed_by_id=holder.id if holder else None, claimed_at=now if holder else None)
            .execution_options(synchronize_session=False)
        )
        if cast(CursorResult[Any], changed).rowcount != 1:
            db.session.rollback()
            _refuse_changed(task_id)
        data = {"holder": holder.display_name} if kind == "assigned" and holder else {}
        if kind == "unclaimed" and seen != user.id and task.claimed_by is not None:
            data = {"holder": task.claimed_by.display_name}  # the unit head took it back from them
        event = EventRecord(kind, now, user.id, task.element_id, task.name, task.id, data=data)
        try:
            append_note(task.instance, event)
            if kind == "assigned" and holder is not None and holder.id != user.id:
                _tell_assigned(holder, user, task, now)
            db.session.commit()
        except IntegrityError:  # another event took the same place in the history at the same moment
            db.session.rollback()
            continue
        db.session.expire(task)
        return task
    raise Conflict(_("The application changed while you were working on it; please reload and try again."))


def _holder_is(seen: int | None):
    return ReadyTask.claimed_by_id.is_(None) if seen is None else ReadyTask.claimed_by_id == seen


def _refuse_changed(task_id: str) -> None:
    """The holder changed (or the task went) between reading it and writing: say what happened."""
    task = db.session.get(ReadyTask, task_id)
    if task is None:
        raise Conflict(_("This task is no longer waiting: it was completed meanwhile."))
    if task.claimed_by is not None:
        raise held_by_other(task)
    raise Conflict(_("The application changed while you were working on it; please reload and try again."))


def _tell_assigned(holder: User, by: User, task: ReadyTask, now: datetime) -> None:
    params = {**task_params(task), "by": person_name(by), "by_en": person_name(by, english=True)}
    notify(
        [holder],
        ASSIGNED,
        now,
        instance_id=task.instance_id,
        task_id=task.id,
        link=f"/tasks/{task.id}",
        params=params,
    )
