"""Which kinds of work the figures count, told apart by the form a task fills in.

Forms are the contract between the diagrams and the code (a process owner renames and moves tasks,
the form files keep their names); the element ids that carry a form are read from every deployed
version, so a history written under an older diagram still counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import select

from ...extensions import db
from ...models import ProcessVersion
from ..store.deployment import engine_for

ANNUAL_DUTY_FORMS = frozenset({"annual_plan.json", "annual_summary.json"})  # R7
REQUEST_DECISION_FORMS = frozenset({"request_city_opinion.json", "request_decision.json"})  # R6, R8
REVIEW_OPINION_FORM = "expert_opinion.json"
RECOGNITION_FORM = "recognition.json"
ACCEPTANCE_FORM = "acceptance_review.json"

# The acceptance review's field and its value for a zone that passed (acceptance_review.json).
ACCEPTANCE_RESULT, ACCEPTED = "acceptance_result", "accepted"


@dataclass(frozen=True)
class WorkElements:
    """Element ids across every deployed version, by what their task is, and each element's phase."""

    recognitions: frozenset[str]
    acceptances: frozenset[str]
    # The timers that fire when an annual duty passes its due date: one firing per late duty.
    overdue_timers: frozenset[str]
    implementation_phases: frozenset[str]  # the phases holding the annual duties
    phase_of_element: dict[str, str]


def work_elements() -> WorkElements:
    versions = tuple(
        (id_, hash_)
        for id_, hash_ in db.session.execute(select(ProcessVersion.id, ProcessVersion.content_hash))
    )
    return _work_elements(versions)


@cache
def _work_elements(versions: tuple[tuple[int, str], ...]) -> WorkElements:
    by_form: dict[str, set[str]] = {}
    overdue_timers: set[str] = set()
    implementation: set[str] = set()
    phase_of: dict[str, str] = {}
    for version_id, _hash in versions:
        definition = engine_for(db.session.get_one(ProcessVersion, version_id)).definition
        names = definition.process_names()
        for task in definition.user_tasks():
            phase = names.get(task.process_id, task.process_id)
            phase_of.setdefault(task.element_id, phase)
            by_form.setdefault(task.form or "", set()).add(task.element_id)
            if task.form in ANNUAL_DUTY_FORMS:
                implementation.add(phase)
        overdue_timers |= definition.timers_on(
            [task.element_id for task in definition.user_tasks() if task.form in ANNUAL_DUTY_FORMS]
        )
    return WorkElements(
        recognitions=frozenset(by_form.get(RECOGNITION_FORM, ())),
        acceptances=frozenset(by_form.get(ACCEPTANCE_FORM, ())),
        overdue_timers=frozenset(overdue_timers),
        implementation_phases=frozenset(implementation),
        phase_of_element=phase_of,
    )
