"""How long each phase takes, per call: the median and the slowest, in days, from history events.

An application enters a phase when the event before the phase's first completed task happened (the
start, or the last task of the phase before) and leaves it with the phase's last completed task.
Only phases an application has left count: the one it is in now has no length yet.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from statistics import median

from sqlalchemy import case, func, null, select

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
    """Per call and phase (in lifecycle order), over the applications `user` may see.

    The database pairs each event with the one before it (a window function) and reduces them to one
    span per application and phase; only the medians are taken here.
    """
    phase_of = work_elements().phase_of_element
    phase = case(phase_of, value=HistoryEvent.element_id) if phase_of else null()
    steps = (
        scoped_instances(
            user,
            call_id,
            Instance.id.label("instance_id"),
            Instance.call_id,
            Instance.status,
            Instance.phase.label("phase_now"),
            HistoryEvent.kind,
            phase.label("phase"),
            HistoryEvent.at,
            func.lag(HistoryEvent.at, type_=HistoryEvent.at.type)
            .over(partition_by=HistoryEvent.instance_id, order_by=HistoryEvent.seq)
            .label("previous_at"),
        )
        .join(HistoryEvent, HistoryEvent.instance_id == Instance.id)
        .subquery()
    )
    spans = (
        select(steps.c.call_id, steps.c.phase, func.min(steps.c.previous_at), func.max(steps.c.at))
        .where(
            steps.c.kind == "task_completed",
            steps.c.phase.is_not(None),
            (steps.c.status != "running") | (steps.c.phase != steps.c.phase_now),
        )
        .group_by(steps.c.instance_id, steps.c.call_id, steps.c.phase)
    )
    durations: dict[tuple[int, str], list[float]] = defaultdict(list)
    for call, phase_name, entered, left in db.session.execute(spans):
        durations[(call, phase_name)].append((left - entered).total_seconds() / DAY)
    return _rows(durations)


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
