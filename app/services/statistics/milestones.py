"""Counts of things that happened, per city, from the history events: annual duties that went late,
zones recognised, zones accepted. Within a [since, until) window when given."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, func

from ...extensions import db
from ...models import HistoryEvent, Instance, User
from .counts import scoped_instances
from .kinds_of_work import ACCEPTANCE_RESULT, ACCEPTED, work_elements

Window = tuple[datetime, datetime] | None


def late_duties_by_city(user: User, call_id: int | None = None, window: Window = None) -> dict[int, int]:
    """Annual duties that went late (R7): their overdue timer fired, whether handed in since or not."""
    late = scoped_instances(user, call_id, Instance.city_org_id, func.count())
    late = late.join(HistoryEvent, HistoryEvent.instance_id == Instance.id).where(
        HistoryEvent.kind == "timer_fired", HistoryEvent.element_id.in_(work_elements().overdue_timers)
    )
    if window is not None:
        late = late.where(HistoryEvent.at >= window[0], HistoryEvent.at < window[1])
    return _per_city(late)


def recognised_by_city(user: User, window: Window = None) -> dict[int, int]:
    """Zones recognised (the province's recognition document issued)."""
    return _per_city(_completed_at(user, None, work_elements().recognitions, window))


def accepted_by_city(user: User, window: Window = None) -> dict[int, int]:
    """Zones that passed the acceptance review (whether recommended to the national programme or not)."""
    accepted = _completed_at(user, None, work_elements().acceptances, window)
    return _per_city(accepted.where(HistoryEvent.data[ACCEPTANCE_RESULT].as_string() == ACCEPTED))


def _completed_at(user: User, call_id: int | None, elements: frozenset[str], window: Window) -> Select:
    query = scoped_instances(user, call_id, Instance.city_org_id, func.count(func.distinct(Instance.id)))
    query = query.join(HistoryEvent, HistoryEvent.instance_id == Instance.id).where(
        HistoryEvent.kind == "task_completed", HistoryEvent.element_id.in_(elements)
    )
    if window is not None:
        query = query.where(HistoryEvent.at >= window[0], HistoryEvent.at < window[1])
    return query


def _per_city(query: Select) -> dict[int, int]:
    return {city: n for city, n in db.session.execute(query.group_by(Instance.city_org_id))}
