"""Make SpiffWorkflow's own choices reproducible, so replaying a history rebuilds the same state.

Two things in a workflow's state do not follow from the events: every task's id (``uuid4()``) and
every task's ``last_state_change`` (``time.time()``), both called inside ``SpiffWorkflow.task``.
This module replaces those two names in that module, once, with functions that read context
variables set by the adapter for the length of one engine call (``engine_step``):

* ids come from an ``IdSequence``: a per-workflow seed (random when the workflow starts, recorded
  in its state and its first history event) and a counter kept in the state;
* the time is the caller's ``now`` (the same injected time the timers follow), kept strictly
  increasing by the same sequence so that state changes keep their order.

Outside an engine call both fall back to the real functions. With both fixed, the serialized
state after each step is a function of the diagram version, the seed and the recorded events —
which is what the auditor's re-execution checks, byte for byte.
"""

from __future__ import annotations

import contextvars
import time as _real_time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from SpiffWorkflow import task as _spiff_task

from .clock import as_utc, frozen_now

# A fixed namespace for the ids of this application's workflows.
_NAMESPACE = uuid.UUID("5b0c3f4e-8d1a-4c55-9a53-2f6d1b7e9c10")


@dataclass
class IdSequence:
    """What a workflow would otherwise take from randomness and the wall clock, kept in its state.

    Ids are uuid5(namespace, "<seed>/<n>") for n = 1, 2, ...; state-change times are the step's
    ``now``, but never earlier than the last one handed out plus a microsecond, so that the order
    of state changes survives steps that happen at the same instant.
    """

    seed: str
    counter: int = 0
    last_time: float = 0.0

    def next(self) -> uuid.UUID:
        self.counter += 1
        return uuid.uuid5(_NAMESPACE, f"{self.seed}/{self.counter}")

    def time_at(self, now: float) -> float:
        self.last_time = max(now, round(self.last_time + 1e-6, 6))
        return self.last_time

    @classmethod
    def fresh(cls) -> IdSequence:
        return cls(uuid.uuid4().hex)


_ids: contextvars.ContextVar[IdSequence | None] = contextvars.ContextVar("engine_ids", default=None)
_now: contextvars.ContextVar[float | None] = contextvars.ContextVar("engine_time", default=None)


def _uuid4() -> uuid.UUID:
    sequence = _ids.get()
    return sequence.next() if sequence is not None else uuid.uuid4()


class _Time:
    """Stands in for the ``time`` module inside ``SpiffWorkflow.task`` (only ``time()`` is used)."""

    @staticmethod
    def time() -> float:
        sequence, now = _ids.get(), _now.get()
        if sequence is None or now is None:
            return _real_time.time()
        return sequence.time_at(now)


@contextmanager
def engine_step(now: datetime, ids: IdSequence) -> Iterator[None]:
    """Run the enclosed SpiffWorkflow calls at ``now``, taking ids and times from ``ids``."""
    ids_token = _ids.set(ids)
    now_token = _now.set(as_utc(now).timestamp())
    try:
        with frozen_now(now):
            yield
    finally:
        _now.reset(now_token)
        _ids.reset(ids_token)


def install() -> None:
    """Patch ``SpiffWorkflow.task`` once; idempotent."""
    if _spiff_task.uuid4 is not _uuid4:
        _spiff_task.uuid4 = _uuid4
        _spiff_task.time = _Time


install()
