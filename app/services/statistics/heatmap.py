"""Process mining on a diagram version: where applications pass, where they wait, which flows they take.

Read from the history events alone, in one query over the version's events within the user's scope
(no workflow state is loaded). Per element: how many applications passed it (and how often), and
for user tasks and timers the time they waited there. The history does not record when a task
became ready, so its ready time is taken from the diagram (``flow_graph``): the latest earlier
recorded step of the same application among those the diagram leads from to the task (e.g. the
province's assignment of experts for each expert's opinion, the last of both branches where a
parallel join precedes it). A user task waits from then to its completion; a timer from then (the
activity it is attached to, or the step before it, beginning) to its firing. Message starts (a
request, a withdrawal) and ends are counted, not timed: nobody waits for them.

A sequence flow counts as taken once for each such pair of steps whose path runs through it, and an
element the history does not record (a gateway, a script task, a call activity) as passed by the
applications whose paths run through it. Events recorded on another version (before a migration)
are not read: the first step after a migration then has no earlier step and is counted, not timed.

Median: the middle value (the mean of the two middle ones for an even number); 90th percentile: the
nearest rank, the smallest wait at least 90 % of the waits do not exceed.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from ...extensions import db
from ...models import HistoryEvent, Instance, Organisation, ProcessVersion, User
from ...scope import visible_instances_filter
from ..errors import MAX_ID, NotFound
from ..reading import element_text
from ..store.deployment import engine_for
from .access import require_overseer
from .flow_graph import MAIN_START, FlowGraph

_READ_KINDS = ("started", "task_completed", "event_started", "timer_fired", "ended")
_TIMED_KINDS = ("task_completed", "timer_fired")


@dataclass(frozen=True)
class Wait:
    """Median and 90th percentile of waits in seconds, over ``measured`` waits (None when none)."""

    measured: int
    median: float | None
    p90: float | None

    @classmethod
    def of(cls, seconds: list[float]) -> Wait:
        if not seconds:
            return cls(0, None, None)
        ordered = sorted(seconds)
        return cls(len(ordered), statistics.median(ordered), ordered[math.ceil(0.9 * len(ordered)) - 1])


@dataclass(frozen=True)
class ElementFigure:
    element_id: str
    name: str
    applications: int
    visits: int
    wait: Wait


@dataclass(frozen=True)
class FlowFigure:
    flow_id: str
    taken: int
    applications: int


@dataclass(frozen=True)
class CityFigure:
    city: Organisation
    applications: int
    wait: Wait


@dataclass(frozen=True)
class Heatmap:
    version: ProcessVersion
    applications: int
    elements: list[ElementFigure]  # the longest median wait first, then the untimed by count
    flows: list[FlowFigure]
    slowest: ElementFigure | None  # the element with the longest median wait
    cities: list[CityFigure]  # the slowest element per city, the slowest city first


@dataclass
class _Tally:
    instances: set[int] = field(default_factory=set)
    visits: int = 0
    waits: list[float] = field(default_factory=list)
    waits_by_city: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))
    instances_by_city: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))


def versions() -> list[ProcessVersion]:
    """The deployed versions to choose from, the newest of each process first."""
    query = select(ProcessVersion).order_by(ProcessVersion.process_key, ProcessVersion.version.desc())
    return list(db.session.scalars(query))


def chosen_version(version_id: int | None) -> ProcessVersion:
    """The version asked for (NotFound if there is none), or the newest deployed one."""
    if version_id is not None:
        version = db.session.get(ProcessVersion, version_id) if 0 < version_id < MAX_ID else None
        if version is None:
            raise NotFound(_("There is no such process version."))
        return version
    newest = db.session.scalars(
        select(ProcessVersion).order_by(ProcessVersion.deployed_at.desc(), ProcessVersion.id.desc()).limit(1)
    ).first()
    if newest is None:
        raise NotFound(_("No process has been deployed yet."))
    return newest


def scoped_events(user: User, version: ProcessVersion, call_id: int | None, city_id: int | None):
    """The version's events the heatmap reads (instance, kind, element, time, city), in each
    application's order, of the applications within the user's scope and the filters."""
    query = (
        select(
            HistoryEvent.instance_id,
            HistoryEvent.kind,
            HistoryEvent.element_id,
            HistoryEvent.at,
            Instance.city_org_id,
        )
        .join(Instance, Instance.id == HistoryEvent.instance_id)
        .where(
            HistoryEvent.version_id == version.id,
            HistoryEvent.kind.in_(_READ_KINDS),
            visible_instances_filter(user),
        )
        .order_by(HistoryEvent.instance_id, HistoryEvent.seq)
    )
    if call_id is not None:
        query = query.where(Instance.call_id == call_id)
    if city_id is not None:
        query = query.where(Instance.city_org_id == city_id)
    return db.session.execute(query)


def _tally(rows: Iterable, graph: FlowGraph) -> tuple[dict[str, _Tally], dict[str, _Tally], set[int]]:
    """Walk each application's events in order, pairing each step with the one that made it ready."""
    elements: dict[str, _Tally] = defaultdict(_Tally)
    flows: dict[str, _Tally] = defaultdict(_Tally)
    instances: set[int] = set()
    last_at: dict[str, datetime] = {}
    current = None
    for instance_id, kind, element_id, at, city_id in rows:
        if instance_id != current:
            current, last_at = instance_id, {}
            instances.add(instance_id)
        element = MAIN_START if kind == "started" else element_id or ""
        tally = elements[element]
        tally.instances.add(instance_id)
        tally.instances_by_city[city_id].add(instance_id)
        tally.visits += 1
        reached = [(last_at[p], p) for p in graph.predecessors(element) if p in last_at]
        if kind != "started" and reached:
            ready_at, source = max(reached)
            path = graph.predecessors(element)[source]
            for flow in path.flows:
                flows[flow].instances.add(instance_id)
                flows[flow].visits += 1
            for passed in path.passed:
                elements[passed].instances.add(instance_id)
                elements[passed].instances_by_city[city_id].add(instance_id)
                elements[passed].visits += 1
            if kind in _TIMED_KINDS:
                seconds = (at - ready_at).total_seconds()
                tally.waits.append(seconds)
                tally.waits_by_city[city_id].append(seconds)
        last_at[element] = at
    return elements, flows, instances


def _order_key(figure: ElementFigure) -> tuple[bool, float, int]:
    return (figure.wait.median is None, -(figure.wait.median or 0.0), -figure.applications)


def heatmap(
    user: User, version_id: int | None, call_id: int | None = None, city_id: int | None = None
) -> Heatmap:
    """The figures of one diagram version within ``user``'s scope, optionally of one call and one city."""
    require_overseer(user)
    version = chosen_version(version_id)
    graph = FlowGraph.cached(version)
    elements, flows, instances = _tally(scoped_events(user, version, call_id, city_id), graph)
    names = element_text.names_for_reader(engine_for(version).definition)
    start = min(graph.main_starts, default=MAIN_START)  # the diagram's id for the ``started`` event
    figures = sorted(
        (
            ElementFigure(
                element_id=start if element_id == MAIN_START else element_id,
                name=names.get(start if element_id == MAIN_START else element_id, ""),
                applications=len(tally.instances),
                visits=tally.visits,
                wait=Wait.of(tally.waits),
            )
            for element_id, tally in elements.items()
        ),
        key=_order_key,
    )
    slowest = figures[0] if figures and figures[0].wait.median is not None else None
    return Heatmap(
        version=version,
        applications=len(instances),
        elements=figures,
        flows=[
            FlowFigure(flow, taken=tally.visits, applications=len(tally.instances))
            for flow, tally in sorted(flows.items())
        ],
        slowest=slowest,
        cities=_cities(elements[slowest.element_id]) if slowest else [],
    )


def _cities(tally: _Tally) -> list[CityFigure]:
    cities = select(Organisation).where(Organisation.id.in_(list(tally.instances_by_city)))
    organisations = {org.id: org for org in db.session.scalars(cities)}
    figures = [
        CityFigure(organisations[city_id], len(instances), Wait.of(tally.waits_by_city.get(city_id, [])))
        for city_id, instances in tally.instances_by_city.items()
    ]
    return sorted(figures, key=lambda f: (f.wait.median is None, -(f.wait.median or 0.0), f.city.adcode))


def city_choices(user: User) -> list[Organisation]:
    """The cities the city filter offers: those with an application the user may see."""
    seen = select(Instance.city_org_id).where(visible_instances_filter(user)).distinct()
    query = select(Organisation).where(Organisation.level == "city", Organisation.id.in_(seen))
    return list(db.session.scalars(query.order_by(Organisation.adcode)))
