"""One step of a workflow, from its stored state to the committed transition: the unit of work.

Every change to an application's workflow goes through here:

* ``take_step``: a participant completes a task or starts a request. Deadlines that passed take
  effect first; a script failing in the step becomes an incident and a message in the user's words;
  a step that lost the race to another is taken again on the new revision while it is still
  possible, and is otherwise answered with a ``Conflict``;
* ``open_step``: the timer worker fires deadlines; a migration moves an instance to another version;
* ``first_step``: an application starts.

Each yields a ``Step``: the instance, its live workflow and the revision it builds on. The step ends
in ``Step.commit`` (``transitions.commit_transition``: state, ready tasks and history in one
transaction), or leaving the block rolls back whatever it did, so a failure anywhere leaves nothing.

A step reads the revision it builds on before the state: ``commit_transition``'s check then refuses
a step computed on any state but the one of that revision. The live workflow a committed step leaves
in this process is the next step's, when the instance is still at that revision (``runs.take_run``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import update

from ... import clock
from ...engine import FiredTimer, ScriptError, TaskNotReady, WorkflowRun
from ...extensions import db
from ...forms import FormDefinition
from ...models import Instance, ProcessVersion
from ..errors import Conflict
from . import incidents
from .deployment import engine_for
from .documents import store_documents
from .runs import keep_run, load_run, take_run
from .transitions import EventRecord, StaleRevision, commit_transition

log = logging.getLogger(__name__)

# How often a participant's step is taken again on a newer revision after another step of the
# same application committed first.
ATTEMPTS = 5


@dataclass
class Step:
    """A step in the making: the instance, its live workflow, and the revision it builds on.

    ``move_to`` is the version the step pins the instance to when it commits (a migration);
    ``fired`` the deadlines that took effect, committed, just before a participant's step.
    """

    instance: Instance
    run: WorkflowRun
    revision_seen: int
    now: datetime
    move_to: ProcessVersion | None = None
    fired: list[FiredTimer] = field(default_factory=list, init=False)
    committed: bool = field(default=False, init=False)

    def submission(self, form: FormDefinition, data: dict[str, Any], user_id: int) -> dict[str, Any]:
        """A participant's form data as the engine takes it, the form's documents stored aside.

        The submission replaces the form's fields: a field the user cleared must not keep its old value.
        """
        submitted = {name: None for name in form.field_names()} | data
        return store_documents(form, submitted, self.instance.id, user_id, self.now)

    def commit(self, events: list[EventRecord]) -> None:
        """Store the workflow's new state with ``events`` as one transaction (``commit_transition``).

        Raises ``StaleRevision`` (having rolled back) if another step of the instance committed first.
        """
        to_version_id = self.move_to.id if self.move_to is not None else None
        committed = commit_transition(
            self.instance, self.run, self.revision_seen, events, self.now, to_version_id=to_version_id
        )
        self.committed = True
        keep_run(committed, self.run)

    def fire_due_timers(self) -> list[FiredTimer]:
        """Fire the deadlines due by now and commit them as this step; returns the timers that fired.

        When nothing fired, nothing is committed.
        """
        fired = self.run.fire_due_timers(self.now)
        if fired:
            self.commit([_timer_fired(timer, self.now) for timer in fired])
        return fired

    def keep_next_timer(self) -> None:
        """Commit, instead of a step, when the workflow's next timer is due.

        For the timer worker when nothing was due after all: the stored due time was stale (e.g. the
        timer's activity already finished), and the worker would look at the instance on every pass.
        Changes nothing if another step moved the instance meanwhile.
        """
        db.session.execute(
            update(Instance)
            .where(Instance.id == self.instance.id, Instance.revision == self.revision_seen)
            .values(next_timer_at=self.run.next_timer_due())
        )
        db.session.commit()
        self.committed = True


def _timer_fired(timer: FiredTimer, now: datetime) -> EventRecord:
    """The history event of a deadline that took effect; its due time is kept for replay."""
    data = {"due": timer.due.isoformat()}
    return EventRecord("timer_fired", now, None, timer.element_id, timer.name, data=data)


def _loaded(instance: Instance, now: datetime, move_to: ProcessVersion | None) -> Step:
    revision_seen = instance.revision  # before the state: see the module's docstring
    run = load_run(instance, move_to) if move_to is not None else take_run(instance, revision_seen)
    return Step(instance, run, revision_seen, now, move_to)


def _end(step: Step) -> None:
    """Leaving a step's block: whatever it did is rolled back unless it committed."""
    if not step.committed:
        db.session.rollback()


@contextmanager
def open_step(
    instance: Instance,
    now: datetime,
    *,
    fire_due_first: bool = False,
    move_to: ProcessVersion | None = None,
) -> Iterator[Step]:
    """The unit of work of one step on a stored instance: yields its live workflow in a ``Step``.

    Leaving the block rolls back unless the step committed. ``fire_due_first`` lets deadlines that
    passed before a participant's step take effect first (R5, R8), committed on their own; the step
    is then taken on the workflow restored from the state just stored, as every step starts, so a
    re-execution takes the same path. ``move_to`` restores the state under another version of the
    process and pins the instance to it when the step commits (a migration). Raises
    ``StaleRevision`` when another step committed first, also while firing the deadlines.
    """
    step = _loaded(instance, now, move_to)
    try:
        if fire_due_first:
            fired = step.fire_due_timers()
            if fired:
                step = _loaded(instance, now, move_to)
                step.fired = fired
        yield step
    finally:
        _end(step)


@contextmanager
def first_step(
    instance: Instance, version: ProcessVersion, start_data: dict[str, Any], now: datetime
) -> Iterator[Step]:
    """The unit of work that starts a new instance's workflow on ``version``; committing stores both.

    A script failing in the workflow's first steps stores nothing, and the participant is told as for
    a failed step, without an incident: there is no application yet to hold one.
    """
    try:
        run = engine_for(version).start(start_data, now)
    except ScriptError as exc:  # e.g. a script stopped at a limit
        log.error("starting on version %s failed at %s: %s", version.id, exc.element_id, exc.message)
        raise incidents.cannot_continue(exc.element_id or "?") from exc
    step = Step(instance, run, 0, now)
    try:
        yield step
    except ScriptError as exc:  # a due date of a first task that cannot be evaluated
        log.error("starting on version %s failed at %s: %s", version.id, exc.element_id, exc.message)
        raise incidents.cannot_continue(exc.element_id or "?") from exc
    finally:
        _end(step)


def changed_meanwhile() -> Conflict:
    """What a participant is told when their step cannot be taken on the application as it is now."""
    return Conflict(_("The application changed while you were working on it; please reload and try again."))


def take_step(
    instance: Instance,
    act: Callable[[Step], EventRecord],
    *,
    element_id: str,
    still_possible: Callable[[], bool] = lambda: True,
    conflict: Callable[[], Conflict] = changed_meanwhile,
) -> None:
    """A participant's step on a running application: deadlines first, then ``act``, committed as one.

    ``act`` takes the step on the live workflow (checks what the deadlines left possible, calls the
    engine with ``Step.submission``) and returns the history event that records it. When another
    step of the application commits first (e.g. experts answering at the same moment), the step is
    taken again on the new revision as long as ``still_possible()``, up to ``ATTEMPTS`` times; then,
    or when the engine finds the step no longer possible, the participant gets ``conflict()``.
    A script, condition or timer expression failing in the step opens a ``step_failed`` incident at
    the failing element (else ``element_id``) and tells the participant so in their words.
    """
    for _attempt in range(ATTEMPTS):
        try:
            with open_step(instance, clock.now(), fire_due_first=True) as step:
                try:
                    step.commit([act(step)])  # committing evaluates the new tasks' due dates too
                except TaskNotReady:
                    raise conflict() from None
                except ScriptError as exc:
                    raise incidents.failed_step(step.instance.id, exc, element_id, step.now) from exc
            return
        except StaleRevision:
            if not still_possible():
                raise conflict() from None
    raise conflict()
