"""Counts of things that happened, per city, from the history events (and the follow-ups still open):
annual duties that went late, zones recognised, zones accepted. Within [since, until) when given."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, func

from ...extensions import db
from ...models import HistoryEvent, Instance, ReadyTask, User
from .counts import scoped_instances, scoped_ready_tasks
from .kinds_of_work import ACCEPTED_OUTCOMES, work_elements

Window = tuple[datetime, datetime] | None


def late_duties_by_city(user: User, call_id: int | None = None, window: Window = None) -> dict[int, int]:
    """Annual duties that went late (R7): each raised one follow-up for its city, open or done; an
    open one counts when it was raised, a done one when it was closed."""
    follow_ups = work_elements().city_follow_ups
    open_ = scoped_ready_tasks(user, call_id, Instance.city_org_id, func.count()).where(
        ReadyTask.element_id.in_(follow_ups)
    )
    if window is not None:
        open_ = open_.where(ReadyTask.ready_since >= window[0], ReadyTask.ready_since < window[1])
    counts = _per_city(open_)
    for city, n in _per_city(_completed_at(user, call_id, follow_ups, window)).items():
        counts[city] = counts.get(city, 0) + n
    return counts


def recognised_by_city(user: User, window: Window = None) -> dict[int, int]:
    """Zones recognised (the province's recognition document issued)."""
    return _per_city(_completed_at(user, None, work_elements().recognitions, window))


def accepted_by_city(user: User, window: Window = None) -> dict[int, int]:
    """Zones that passed the acceptance review (whether recommended to the national programme or not)."""
    accepted = _completed_at(user, None, work_elements().acceptances, window)
    return _per_city(accepted.where(Instance.outcome.in_(ACCEPTED_OUTCOMES)))


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
