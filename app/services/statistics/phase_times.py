"""How long each phase takes, per call: the median and the slowest, in days, from history events.

An application enters a phase when the event before the phase's first completed task happened (the
start, or the last task of the phase before) and leaves it with the phase's last completed task.
Only phases an application has left count: the one it is in now has no length yet.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from statistics import median

from sqlalchemy import select

from ...extensions import db
from ...models import Call, HistoryEvent, Instance, User
from ..reading import element_text, queries, reference_text
from .counts import scoped_instances
from .kinds_of_work import work_elements

DAY = 86400.0


@dataclass(frozen=True)
class PhaseTime:
    call: str
    call_id: int
    phase: str  # in the reader's language
    phase_key: str  # as stored, for the list's filter
    applications: int
    median_days: float
    slowest_days: float


def phase_times(user: User, call_id: int | None) -> list[PhaseTime]:
    """Per call and phase (in lifecycle order), over the applications `user` may see."""
    phase_of = work_elements().phase_of_element
    events = scoped_instances(
        user,
        call_id,
        Instance.id,
        Instance.call_id,
        Instance.status,
        Instance.phase,
        HistoryEvent.kind,
        HistoryEvent.at,
        HistoryEvent.element_id,
    ).join(HistoryEvent, HistoryEvent.instance_id == Instance.id)
    durations: dict[tuple[int, str], list[float]] = defaultdict(list)
    current: tuple[int, int, str, str | None] | None = None
    spans: dict[str, list[datetime]] = {}
    previous_at: datetime | None = None
    for id_, call, status, phase_now, kind, at, element_id in db.session.execute(
        events.order_by(Instance.id, HistoryEvent.seq)
    ):
        if current is None or current[0] != id_:
            _close(current, spans, durations)
            current, spans, previous_at = (id_, call, status, phase_now), {}, at
        phase = phase_of.get(element_id or "") if kind == "task_completed" else None
        if phase is not None:
            spans.setdefault(phase, [previous_at or at, at])[1] = at
        previous_at = at
    _close(current, spans, durations)
    return _rows(durations)


def _close(instance, spans: dict[str, list[datetime]], durations: dict[tuple[int, str], list[float]]) -> None:
    if instance is None:
        return
    _id, call, status, phase_now = instance
    for phase, (entered, left) in spans.items():
        if status != "running" or phase != phase_now:
            durations[(call, phase)].append((left - entered).total_seconds() / DAY)


def _rows(durations: dict[tuple[int, str], list[float]]) -> list[PhaseTime]:
    order = {phase: i for i, phase in enumerate(queries.lifecycle_phases())}
    calls = {c.id: c for c in db.session.scalars(select(Call).where(Call.id.in_({k[0] for k in durations})))}
    rows = []
    for (call_id, phase), days in sorted(
        durations.items(), key=lambda kv: (kv[0][0], order.get(kv[0][1], 99))
    ):
        rows.append(
            PhaseTime(
                call=reference_text.call_name(calls[call_id]),
                call_id=call_id,
                phase=element_text.phase_name(None, phase),
                phase_key=phase,
                applications=len(days),
                median_days=round(median(days), 1),
                slowest_days=round(max(days), 1),
            )
        )
    return rows
