"""The annual statistics report (统计报表, issue 16 §3): per city, the applications of that year's
calls by phase (running) and outcome (ended), and what happened in that year across every call:
annual duties that went late, zones recognised, zones accepted."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ...clock import PROGRAMME_TZ
from ...extensions import db
from ...models import Call, Instance, Organisation, User
from ...scope import visible_cities_filter
from ..reading import element_text, queries, reference_text
from .counts import scoped_instances, year_span
from .milestones import accepted_by_city, late_duties_by_city, recognised_by_city


@dataclass(frozen=True)
class Column:
    key: str  # the phase or outcome as stored (the list's filter value)
    label: str  # in the reader's language


@dataclass(frozen=True)
class CityRow:
    city: str
    adcode: str
    applications: int
    by_phase: dict[str, int]
    by_outcome: dict[str, int]
    late_duties: int
    recognised: int
    accepted: int


@dataclass(frozen=True)
class AnnualReport:
    year: int
    call_ids: list[int]  # the calls of that year (the list's filter, when there is one)
    phases: list[Column]
    outcomes: list[Column]
    rows: list[CityRow]
    total: CityRow


def report_years() -> list[int]:
    """The years a report can be asked for: every call's year, the newest first."""
    return list(db.session.scalars(select(Call.year).distinct().order_by(Call.year.desc())))


def annual_report(user: User, year: int) -> AnnualReport:
    window = year_span(year, PROGRAMME_TZ)
    of_year = Instance.call_id.in_(select(Call.id).where(Call.year == year))
    phase_counts = db.session.execute(
        scoped_instances(user, None, Instance.city_org_id, Instance.phase, func.count())
        .where(of_year, Instance.status == "running")
        .group_by(Instance.city_org_id, Instance.phase)
    ).all()
    outcome_counts = db.session.execute(
        scoped_instances(
            user, None, Instance.city_org_id, Instance.outcome, Instance.outcome_label, func.count()
        )
        .where(of_year, Instance.status == "completed")
        .group_by(Instance.city_org_id, Instance.outcome, Instance.outcome_label)
    ).all()
    late = late_duties_by_city(user, window=window)
    recognised = recognised_by_city(user, window)
    accepted = accepted_by_city(user, window)
    order = {phase: i for i, phase in enumerate(queries.lifecycle_phases())}
    phases = [
        Column(p, element_text.phase_name(None, p))
        for p in sorted({p for _c, p, _n in phase_counts if p}, key=lambda p: order.get(p, len(order)))
    ]
    outcome_labels = {o: label for _c, o, label, _n in outcome_counts if o}
    outcomes = [
        Column(o, element_text.outcome_name(None, outcome_labels[o]) or o) for o in sorted(outcome_labels)
    ]
    rows = []
    for city in db.session.scalars(
        select(Organisation).where(visible_cities_filter(user)).order_by(Organisation.adcode)
    ):
        by_phase = {p: n for c, p, n in phase_counts if c == city.id and p}
        by_outcome = {o: n for c, o, _l, n in outcome_counts if c == city.id and o}
        rows.append(
            CityRow(
                city=reference_text.organisation_name(city),
                adcode=city.adcode,
                applications=sum(by_phase.values()) + sum(by_outcome.values()),
                by_phase=by_phase,
                by_outcome=by_outcome,
                late_duties=late.get(city.id, 0),
                recognised=recognised.get(city.id, 0),
                accepted=accepted.get(city.id, 0),
            )
        )
    call_ids = list(db.session.scalars(select(Call.id).where(Call.year == year).order_by(Call.id)))
    return AnnualReport(year, call_ids, phases, outcomes, rows, _total(rows))


def _total(rows: list[CityRow]) -> CityRow:
    def summed(pick) -> dict[str, int]:
        total: dict[str, int] = {}
        for row in rows:
            for key, n in pick(row).items():
                total[key] = total.get(key, 0) + n
        return total

    return CityRow(
        city="",
        adcode="",
        applications=sum(r.applications for r in rows),
        by_phase=summed(lambda r: r.by_phase),
        by_outcome=summed(lambda r: r.by_outcome),
        late_duties=sum(r.late_duties for r in rows),
        recognised=sum(r.recognised for r in rows),
        accepted=sum(r.accepted for r in rows),
    )
