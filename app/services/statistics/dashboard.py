"""The dashboard's figures (issue 16 §1): applications by call, phase, status, outcome and theme;
zones in implementation; annual duties due, overdue and late; requests and reviews waiting.

Each figure is one GROUP BY over indexed columns of the applications `user` may see (a city its own
counties), optionally within one call. Labels are in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from ...extensions import db
from ...models import Call, Instance, ReadyTask, User
from ...reference import find_theme
from ...roles import role_label
from ..reading import element_text, language, reference_text
from .counts import Breakdown, Count, count_of, scoped_instances, scoped_ready_tasks
from .kinds_of_work import ANNUAL_DUTY_FORMS, REQUEST_DECISION_FORMS, REVIEW_OPINION_FORM, work_elements
from .milestones import late_duties_by_city
from .phase_times import PhaseTime, phase_times


@dataclass(frozen=True)
class DutyCounts:
    """Annual plans and summaries (R7): open and not yet due, open past their due date, and those
    that went late at all (their overdue timer fired, whether handed in since or not)."""

    due: int
    overdue: int
    late: int


@dataclass(frozen=True)
class Dashboard:
    call_id: int | None
    applications: int
    running: int
    zones_in_implementation: Count
    duties: DutyCounts
    breakdowns: list[Breakdown]  # by call, phase, status, outcome, theme: each a chart
    requests_waiting: Breakdown
    reviews_outstanding: Breakdown
    phase_times: list[PhaseTime]


def dashboard_for(user: User, call_id: int | None, now: datetime) -> Dashboard:
    by_status = _by_status(user, call_id)
    return Dashboard(
        call_id=call_id,
        applications=by_status.total,
        running=sum(c.count for c in by_status.counts if c.filters.get("status") == "running"),
        zones_in_implementation=zones_in_implementation(user, call_id),
        duties=annual_duties(user, call_id, now),
        breakdowns=[
            _by_call(user, call_id),
            _by_phase(user, call_id),
            by_status,
            _by_outcome(user, call_id),
            _by_theme(user, call_id),
        ],
        requests_waiting=_requests_waiting(user, call_id),
        reviews_outstanding=_reviews_outstanding(user, call_id),
        phase_times=phase_times(user, call_id),
    )


def _with_call(filters: dict[str, str | int], call_id: int | None) -> dict[str, str | int]:
    return {**filters, "call": call_id} if call_id is not None else filters


def _by_call(user: User, call_id: int | None) -> Breakdown:
    query = scoped_instances(user, call_id, *count_of(Call)).join(Call, Call.id == Instance.call_id)
    rows = db.session.execute(query.group_by(Call.id).order_by(Call.id))
    counts = [Count(reference_text.call_name(call), n, {"call": call.id}) for call, n in rows]
    return Breakdown("call", _("Applications by call"), _("Call"), counts)


def _by_phase(user: User, call_id: int | None) -> Breakdown:
    """Running applications by the phase they are in (an ended one's phase is its end: see outcome)."""
    query = scoped_instances(user, call_id, *count_of(Instance.phase)).where(Instance.status == "running")
    counts = [
        Count(
            element_text.phase_name(None, phase),
            n,
            _with_call({"phase": phase, "status": "running"}, call_id),
        )
        for phase, n in db.session.execute(query.group_by(Instance.phase).order_by(func.count().desc()))
        if phase
    ]
    return Breakdown("phase", _("Running applications by phase"), _("Phase"), counts)


def _by_status(user: User, call_id: int | None) -> Breakdown:
    names = {"running": _("running"), "completed": _("ended")}
    query = scoped_instances(user, call_id, *count_of(Instance.status)).group_by(Instance.status)
    counts = [
        Count(names.get(status, status), n, _with_call({"status": status}, call_id))
        for status, n in db.session.execute(query.order_by(Instance.status.desc()))
    ]
    return Breakdown("status", _("Applications by status"), _("Status"), counts)


def _by_outcome(user: User, call_id: int | None) -> Breakdown:
    query = scoped_instances(user, call_id, *count_of(Instance.outcome, Instance.outcome_label))
    query = query.where(Instance.status == "completed").group_by(Instance.outcome, Instance.outcome_label)
    counts = [
        Count(element_text.outcome_name(None, label) or outcome, n, _with_call({"outcome": outcome}, call_id))
        for outcome, label, n in db.session.execute(query.order_by(func.count().desc()))
        if outcome
    ]
    return Breakdown("outcome", _("Ended applications by outcome"), _("Result"), counts)


def _by_theme(user: User, call_id: int | None) -> Breakdown:
    """By reference theme (its code) or own theme (its title); applications yet to choose one are left out."""
    theme = func.coalesce(Instance.theme_code, Instance.theme_title)
    query = scoped_instances(user, call_id, *count_of(Instance.theme_code, Instance.theme_title))
    query = query.where(theme.is_not(None)).group_by(Instance.theme_code, Instance.theme_title)
    counts = []
    for code, title, n in db.session.execute(query.order_by(func.count().desc(), theme)):
        reference = find_theme(code) if code else None
        label = reference.title_in(language.english_wanted()) if reference else (title or code)
        counts.append(Count(label, n, _with_call({"theme": code or title}, call_id)))
    return Breakdown("theme", _("Applications by theme"), _("Theme"), counts)


def zones_in_implementation(user: User, call_id: int | None) -> Count:
    """Recognised zones running their experiment: in the phase that holds the annual duties."""
    phases = sorted(work_elements().implementation_phases)
    query = scoped_instances(user, call_id, func.count()).where(
        Instance.status == "running", Instance.phase.in_(phases)
    )
    filters = _with_call({"phase": phases[0], "status": "running"}, call_id) if len(phases) == 1 else {}
    return Count(_("Zones in implementation"), db.session.scalar(query) or 0, filters)


def annual_duties(user: User, call_id: int | None, now: datetime) -> DutyCounts:
    duties = scoped_ready_tasks(user, call_id, func.count()).where(ReadyTask.form.in_(ANNUAL_DUTY_FORMS))
    overdue = db.session.scalar(duties.where(ReadyTask.due_at < now)) or 0
    open_ = db.session.scalar(duties) or 0
    late = sum(late_duties_by_city(user, call_id).values())
    return DutyCounts(due=open_ - overdue, overdue=overdue, late=late)


def _requests_waiting(user: User, call_id: int | None) -> Breakdown:
    """Change and extension requests waiting for a city's opinion or the province's decision (R6, R8)."""
    query = scoped_ready_tasks(user, call_id, *count_of(ReadyTask.phase, ReadyTask.role))
    query = query.where(ReadyTask.form.in_(REQUEST_DECISION_FORMS)).group_by(ReadyTask.phase, ReadyTask.role)
    counts = [
        Count(
            _(
                "%(request)s, with %(who)s",
                request=element_text.phase_name(None, phase),
                who=role_label(role or "", _locale()),
            ),
            n,
        )
        for phase, role, n in db.session.execute(query.order_by(ReadyTask.phase, ReadyTask.role))
    ]
    return Breakdown("requests", _("Requests waiting"), _("Request"), counts)


def _reviews_outstanding(user: User, call_id: int | None) -> Breakdown:
    """Review opinions not yet given, per review expert (the slowest reviewer first)."""
    query = scoped_ready_tasks(user, call_id, *count_of(User.id))
    query = query.join(User, User.id == ReadyTask.assignee_user_id).where(
        ReadyTask.form == REVIEW_OPINION_FORM
    )
    rows = db.session.execute(query.group_by(User.id).order_by(func.count().desc(), User.id)).all()
    experts = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_([r[0] for r in rows])))}
    counts = [Count(reference_text.person_name(experts[id_]), n) for id_, n in rows]
    return Breakdown("reviews", _("Reviews outstanding per expert"), _("Review expert"), counts)


def _locale() -> str:
    return "en" if language.english_wanted() else "zh_CN"
