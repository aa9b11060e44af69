"""Re-execution: rebuild an instance from its recorded events and compare every step's state.

Each committed step of an instance is one revision: the events of that revision (a start, a task
completion, a started event sub-process, timers that fired) were applied to the state of the
revision before, restored from storage, and the state after was hashed into the events. Here a
fresh workflow is started from the pinned diagram version with the recorded id seed, and each
revision's events are applied in order to a workflow restored from the previous replayed state —
exactly as the live system did — and the replayed state's hash must equal the recorded one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import groupby

from flask_babel import gettext as _

from ...engine import Engine, EngineError, WorkflowRun
from ...models import HistoryEvent, Instance
from ..reading.queries import history_of
from ..store.deployment import engine_for
from ..store.history_chain import sha256_text
from ..store.transitions import NOTE_KINDS


@dataclass(frozen=True)
class Step:
    """One revision of an instance: the events applied together and the state they produced."""

    revision: int
    events: list[HistoryEvent]

    @property
    def expected_hash(self) -> str:
        return self.events[0].state_hash


@dataclass(frozen=True)
class ReplayedStep:
    step: Step
    state: str
    run: WorkflowRun

    @property
    def state_hash(self) -> str:
        return sha256_text(self.state)


@dataclass
class ReexecutionReport:
    instance_id: int
    steps: int = 0
    verified: int = 0
    failure: dict | None = None  # the first step whose outcome differs, with both sides
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failure is None and self.verified == self.steps


def steps_of(instance: Instance) -> list[Step]:
    """The history's steps, each with the events of one revision; notes (reminders) are not steps."""
    events = [event for event in history_of(instance) if event.kind not in NOTE_KINDS]
    return [
        Step(revision, list(group)) for revision, group in groupby(events, key=lambda e: e.revision_after)
    ]


class ReplayError(Exception):
    def __init__(self, step: Step, message: str):
        super().__init__(message)
        self.step = step
        self.message = message


class _NoTask(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _task_for(run: WorkflowRun, event: HistoryEvent, match_by_element: bool) -> str:
    """The ready task an event completes: its recorded id, or (for another diagram) one of its element."""
    recorded = event.task_id or ""  # a completion always records its task
    if not match_by_element:
        return recorded
    ready = run.ready_user_tasks()
    if any(t.task_id == recorded for t in ready):
        return recorded
    same = [t for t in ready if t.element_id == event.element_id]
    actor = event.actor.username if event.actor else None
    chosen = next((t for t in same if t.assignee == actor), same[0] if same else None)
    if chosen is None:
        waiting = ", ".join(t.element_id for t in ready) or "-"
        raise _NoTask(
            _(
                "%(element)s is not waiting here; the process waits for: %(waiting)s.",
                element=event.element_name or event.element_id,
                waiting=waiting,
            )
        )
    return chosen.task_id


def apply_step(
    run: WorkflowRun | None, step: Step, engine: Engine, *, match_by_element: bool = False
) -> WorkflowRun:
    """Apply one revision's events with ``engine``; returns the workflow after them.

    ``match_by_element`` lets a step complete the ready task of the same element when the recorded
    task id does not exist (replaying a history against another diagram version).
    """
    first = step.events[0]
    applied = [e for e in step.events if e.kind != "ended"]
    kinds = {e.kind for e in applied}
    if first.kind == "started":
        seed = (first.data or {}).get("id_seed")
        if not seed:
            raise ReplayError(step, _("This application was started before task ids were recorded."))
        return engine.start(first.data.get("start_data") or {}, first.at, id_seed=seed)
    if run is None:
        raise ReplayError(step, _("The history does not begin with the application's start."))
    if kinds == {"timer_fired"}:
        fired = run.fire_due_timers(first.at)
        recorded = sorted(e.element_id or "" for e in applied)
        if sorted(t.element_id for t in fired) != recorded:
            raise ReplayError(
                step,
                _("Different timers fired: %(fired)s.", fired=", ".join(t.element_id for t in fired) or "-"),
            )
        return run
    if len(applied) != 1:
        raise ReplayError(
            step, _("Unexpected events in one step: %(kinds)s.", kinds=", ".join(sorted(kinds)))
        )
    event = applied[0]
    if event.kind == "task_completed":
        try:
            task_id = _task_for(run, event, match_by_element)
        except _NoTask as missing:
            raise ReplayError(step, missing.message) from None
        run.complete_task(task_id, event.data, event.at)
    elif event.kind == "event_started":
        run.start_event_subprocess(event.element_id or "", event.data, event.at)
    elif event.kind == "migrated":  # the same state, from now on read with the new version's diagrams
        return engine.restore(run.serialize())
    else:
        raise ReplayError(step, _("Unknown event kind: %(kind)s.", kind=event.kind))
    return run


def _applied(run: WorkflowRun | None, step: Step) -> tuple[WorkflowRun, str]:
    version = step.events[0].version
    try:
        run = apply_step(run, step, engine_for(version))
    except EngineError as exc:
        raise ReplayError(step, _("The engine refused the step: %(reason)s", reason=str(exc))) from exc
    return run, run.serialize()


def replay(instance: Instance) -> Iterator[ReplayedStep]:
    """Replay the instance step by step; raises ReplayError where a step cannot be applied.

    The live system restores the stored state before every step. Replay first continues on the
    workflow in memory (cheaper); only when that does not give the recorded hash does it redo the
    step on a workflow restored from the previous state, exactly as the live system ran it. Either
    way a step counts as verified only if its state is byte for byte the recorded one.
    """
    run: WorkflowRun | None = None
    previous_state: str | None = None
    for step in steps_of(instance):
        try:
            candidate, state = _applied(run, step)
        except ReplayError:
            if previous_state is None:
                raise
            candidate, state = None, None
        matched = state is not None and sha256_text(state) == step.expected_hash
        if not matched and previous_state is not None:
            restored = engine_for(step.events[0].version).restore(previous_state)
            candidate, state = _applied(restored, step)
        # Applied on the live workflow, or else again on the state before: both give a state.
        assert candidate is not None and state is not None
        yield ReplayedStep(step, state, candidate)
        run, previous_state = candidate, state


def _describe(step: Step) -> dict:
    first = step.events[0]
    return {
        "revision": step.revision,
        "seq": [e.seq for e in step.events],
        "kind": first.kind,
        "element_id": first.element_id,
        "element_name": first.element_name,
        "at": first.at.isoformat(),
    }


def reexecute(instance: Instance, on_step: Callable[[ReplayedStep], None] | None = None) -> ReexecutionReport:
    """Re-execute the whole history; report "verified: N steps" or the first differing step."""
    report = ReexecutionReport(instance.id, steps=len(steps_of(instance)))
    try:
        for replayed in replay(instance):
            if on_step is not None:
                on_step(replayed)
            if replayed.state_hash != replayed.step.expected_hash:
                report.failure = {
                    **_describe(replayed.step),
                    "reason": _("The replayed state differs from the recorded one."),
                    "recorded_state_hash": replayed.step.expected_hash,
                    "replayed_state_hash": replayed.state_hash,
                    "replayed_waiting": sorted(t.element_id for t in replayed.run.ready_user_tasks()),
                }
                return report
            report.verified += 1
    except ReplayError as exc:
        report.failure = {**_describe(exc.step), "reason": exc.message}
    return report
