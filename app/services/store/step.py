"""One step of a workflow, from its stored state to the committed transition: the unit of work.

Every change to an application's workflow takes this path: the timer worker firing deadlines and a
migration open a step (``open_step``); a participant completing a task or starting a request takes
one (``take_step``: deadlines first, retried on a newer revision, errors in the participant's
words). ``open_step`` loads the instance's live workflow and yields it in a ``Step``; the step ends
in ``Step.commit`` (one ``commit_transition``: state, ready tasks and history together) or is rolled
back on leaving the block, whatever the reason, so a failure anywhere leaves nothing behind.

A step reads the revision it builds on before the state: ``commit_transition``'s check then refuses
a step computed on any state but the one of that revision.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import update

from ...engine import FiredTimer, WorkflowRun
from ...extensions import db
from ...models import Instance, ProcessVersion
from .runs import load_run
from .transitions import EventRecord, commit_transition, timer_events


@dataclass
class Step:
    """A step in the making: the instance, its live workflow, and the revision it builds on.

    ``move_to`` is the version the step pins the instance to when it commits (a migration).
    """

    instance: Instance
    run: WorkflowRun
    revision_seen: int
    now: datetime
    move_to: ProcessVersion | None = None
    committed: bool = field(default=False, init=False)

    def commit(self, events: list[EventRecord]) -> None:
        """Store the workflow's new state with ``events`` as one transaction (``commit_transition``).

        Raises ``StaleRevision`` (having rolled back) if another step of the instance committed first.
        """
        to_version_id = self.move_to.id if self.move_to is not None else None
        commit_transition(
            self.instance, self.run, self.revision_seen, events, self.now, to_version_id=to_version_id
        )
        self.committed = True

    def fire_due_timers(self) -> list[FiredTimer]:
        """Fire the deadlines due by now and commit them as this step; returns the timers that fired.

        When nothing fired, nothing is committed.
        """
        fired = self.run.fire_due_timers(self.now)
        if fired:
            self.commit(timer_events(fired, self.now))
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


def _loaded(instance: Instance, now: datetime, move_to: ProcessVersion | None) -> Step:
    revision_seen = instance.revision  # before the state: see the module's docstring
    return Step(instance, load_run(instance, move_to), revision_seen, now, move_to)


def _end(step: Step) -> None:
    """Leaving a step's block: whatever it did is rolled back unless it committed."""
    if not step.committed:
        db.session.rollback()


@contextmanager
def open_step(instance: Instance, now: datetime, *, move_to: ProcessVersion | None = None) -> Iterator[Step]:
    """The unit of work of one step on a stored instance: yields its live workflow in a ``Step``.

    Leaving the block rolls back unless the step committed. ``move_to`` restores the state under
    another version of the process and pins the instance to it when the step commits (a migration).
    """
    step = _loaded(instance, now, move_to)
    try:
        yield step
    finally:
        _end(step)
