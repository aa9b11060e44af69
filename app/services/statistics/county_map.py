"""The map of Shandong: every county with the standing of its application(s), in one state each.

A county's state comes from its applications' summary columns (status, phase, outcome), never from
their workflow states. A running application is in the phase the diagram names (自主申报, 方案初审,
…, 实验实施): the phases are the deployed diagrams' own, in their lifecycle order, so a phase a
process owner adds shows on the map without a change here. An ended one is grouped by the
``outcome`` property of the end event it reached (accepted, not accepted, terminated, not
recognised, …).

With a call chosen, a county shows its applications in that call; without one, all of them, so the
map reads as the zones' standing across calls. Where a county has several, the state furthest along
wins, in the order of the legend (a zone recommended to the national programme, accepted, then the
running phases from the last to the first, then the ends that stopped short).

The counties whose state a user may see are ``scope.overseen_counties_filter``'s; the others are
drawn grey, without their applications, and only applications the user may see are counted.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import aliased

from ...extensions import db
from ...models import Call, Instance, Organisation, User
from ...scope import overseen_counties_filter, visible_instances_filter
from ..errors import MAX_ID, NotFound
from ..reading.element_text import phase_name
from ..reading.queries import lifecycle_phases
from ..reading.reference_text import call_name, organisation_name, theme_title
from .access import require_overseer


@dataclass(frozen=True)
class State:
    """A colour of the map: a key for the page, its name in the legend, its colour."""

    key: str
    label: str
    colour: str


# Ends by the ``outcome`` their end event declares (lifecycle.bpmn), in the legend's order:
# (outcomes, key, label, colour).
_EndGroups = tuple[tuple[tuple[str, ...], str, object, str], ...]
_LEADING_ENDS: _EndGroups = (
    (("nationally_recommended",), "national", _l("Recommended to the national programme"), "#1b5e20"),
    (("accepted",), "accepted", _l("Accepted"), "#43a047"),
)
_TRAILING_ENDS: _EndGroups = (
    (("not_accepted",), "not_accepted", _l("Not accepted"), "#c62828"),
    (("terminated",), "terminated", _l("Terminated"), "#6d4c41"),
    (
        ("late", "review_failed", "city_declined", "assessment_failed"),
        "not_recognised",
        _l("Not recognised"),
        "#f4a6a6",
    ),
)
# The running phases, from the first to the last; a diagram with more phases reuses the colours.
_PHASE_COLOURS = (
    "#fdd835",
    "#fb8c00",
    "#ab47bc",
    "#5c6bc0",
    "#1e88e5",
    "#00acc1",
    "#4fc3f7",
    "#26a69a",
    "#c0ca33",
    "#ec407a",
)
# A running application outside the phases of the deployed diagrams (a phase renamed since it began).
_RUNNING_ELSEWHERE = ("running", _l("In progress"), "#90caf9")
_ENDED = ("ended", _l("Ended otherwise"), "#9e9e9e")
_NOT_APPLIED = ("not_applied", _l("Not applied"), "#fbfbf6")
_HIDDEN = ("hidden", _l("Outside your city"), "#d0d0d0")


def _state(key: str, label: object, colour: str) -> State:
    return State(key, str(label), colour)


def _end_states(groups: _EndGroups, by_outcome: dict[str, State]) -> list[State]:
    """The states of `groups`, each also entered in `by_outcome` under the outcomes it stands for."""
    states = []
    for outcomes, key, label, colour in groups:
        states.append(_state(key, label, colour))
        by_outcome.update(dict.fromkeys(outcomes, states[-1]))
    return states


@dataclass(frozen=True)
class Legend:
    """The states in the legend's order, which is also their rank: the first applies where several do."""

    states: list[State]
    by_outcome: dict[str, State]
    by_phase: dict[str, State]  # by the phase's stored (Chinese) name

    @classmethod
    def current(cls, phases: list[str]) -> Legend:
        """The legend for the deployed diagrams' ``phases`` (``reading.queries.lifecycle_phases``)."""
        by_outcome: dict[str, State] = {}
        leading = _end_states(_LEADING_ENDS, by_outcome)
        running = [
            _state(f"phase-{index}", phase_name(None, phase), _PHASE_COLOURS[index % len(_PHASE_COLOURS)])
            for index, phase in enumerate(phases)
        ]
        trailing = _end_states(_TRAILING_ENDS, by_outcome)
        states = [
            *leading,
            *reversed(running),
            _state(*_RUNNING_ELSEWHERE),
            *trailing,
            _state(*_ENDED),
            _state(*_NOT_APPLIED),
            _state(*_HIDDEN),
        ]
        return cls(states, by_outcome, dict(zip(phases, running, strict=True)))

    def state_of(self, instance: Instance) -> State:
        """The state an application gives its county, from its summary columns alone."""
        if instance.status == "completed":
            return self.by_outcome.get(instance.outcome or "") or self.named(_ENDED[0])
        return self.by_phase.get(instance.phase or "") or self.named(_RUNNING_ELSEWHERE[0])

    def named(self, key: str) -> State:
        return next(state for state in self.states if state.key == key)

    def rank(self, state: State) -> int:
        return next(index for index, known in enumerate(self.states) if known.key == state.key)


@dataclass(frozen=True)
class CountyStanding:
    """A county on the map and in the table under it."""

    adcode: str
    name: str  # the county with its city
    city_adcode: str
    city: str
    state: State
    application_id: int | None  # the application the state comes from, when the user may open it
    application: str  # its call and theme
    phase: str  # its phase (or the end it reached), in the reader's language


@dataclass(frozen=True)
class CountyMap:
    call: Call | None
    legend: list[State]  # the states on the map, in the legend's order
    counties: list[CountyStanding]


def county_map(user: User, call_id: int | None = None) -> CountyMap:
    """Every county of Shandong with its state for `user`, in adcode order."""
    require_overseer(user)
    call = _chosen_call(call_id)
    legend = Legend.current(lifecycle_phases())
    counties = _counties()
    overseen = set(
        db.session.scalars(
            select(Organisation.id).where(Organisation.level == "county", overseen_counties_filter(user))
        )
    )
    best: dict[int, tuple[State, Instance]] = {}
    for instance in _visible_applications(user, overseen, call):
        state = legend.state_of(instance)
        held = best.get(instance.applicant_org_id)
        if held is None or (legend.rank(state), -instance.id) < (legend.rank(held[0]), -held[1].id):
            best[instance.applicant_org_id] = (state, instance)
    standings = []
    for county in counties:
        if county.id not in overseen:
            standings.append(_standing(county, legend.named(_HIDDEN[0])))
        elif county.id in best:
            standings.append(_standing(county, *best[county.id]))
        else:
            standings.append(_standing(county, legend.named(_NOT_APPLIED[0])))
    shown = {standing.state.key for standing in standings}
    return CountyMap(call, [state for state in legend.states if state.key in shown], standings)


def _chosen_call(call_id: int | None) -> Call | None:
    if call_id is None:
        return None
    call = db.session.get(Call, call_id) if 0 < call_id < MAX_ID else None
    if call is None:
        raise NotFound(_("Call not found."))
    return call


def _counties() -> list[Organisation]:
    city = aliased(Organisation)
    query = (
        select(Organisation)
        .join(city, Organisation.parent_id == city.id)
        .where(
            Organisation.level == "county", Organisation.abolished_at.is_(None), city.abolished_at.is_(None)
        )
        .order_by(Organisation.adcode)
    )
    return list(db.session.scalars(query))


def _visible_applications(user: User, overseen: set[int], call: Call | None) -> list[Instance]:
    query = select(Instance).where(visible_instances_filter(user), Instance.applicant_org_id.in_(overseen))
    if call is not None:
        query = query.where(Instance.call_id == call.id)
    return list(db.session.scalars(query))


def _standing(county: Organisation, state: State, instance: Instance | None = None) -> CountyStanding:
    city = county.parent
    return CountyStanding(
        adcode=county.adcode,
        name=organisation_name(county),
        city_adcode=city.adcode if city else "",
        city=organisation_name(city, short=True),
        state=state,
        application_id=instance.id if instance else None,
        application=_(
            "%(call)s: %(theme)s", call=call_name(instance.call), theme=theme_title(instance) or "—"
        )
        if instance
        else "",
        phase=phase_name(instance.version, instance.phase) if instance else "",
    )


def _application_label(instance: Instance) -> str:
    return _("%(call)s: %(theme)s", call=call_name(instance.call), theme=theme_title(instance) or "—")
