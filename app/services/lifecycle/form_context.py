"""What a submission is validated against: the themes an applicant lost (R4), dates, the live schedule."""

from __future__ import annotations

from sqlalchemy import select

from ... import clock
from ...clock import PROGRAMME_TZ
from ...engine import WorkflowRun
from ...extensions import db
from ...forms import FormDefinition
from ...forms.checks import GUIDING_EXPERTS_FIELD, theme_key
from ...models import HistoryEvent, Instance, ReadyTask, User
from ..reading import element_text
from ..reading.people import guiding_experts, people_choices
from ..store.runs import load_run

# The end of the preliminary review that bars the theme (the diagram's End_ReviewFailed outcome):
# "两次评审均未通过的申报单位不得再以原有实验主题参与申报".
BARRING_OUTCOME = "review_failed"


def barred_themes(applicant_org_id: int) -> set[str]:
    """Theme keys with which this applicant failed the preliminary review twice (R4)."""
    rows = db.session.execute(
        select(Instance.theme_code, Instance.theme_title).where(
            Instance.applicant_org_id == applicant_org_id, Instance.outcome == BARRING_OUTCOME
        )
    )
    keys = set()
    for code, title in rows:
        key = theme_key(
            {"theme_source": "reference" if code else "own", "theme_code": code, "theme_title": title}
        )
        if key:
            keys.add(key)
    return keys


def _guiding_experts_of(task: ReadyTask | None, run: WorkflowRun | None) -> dict[str, str]:
    """Accounts named as guiding experts in the declaration the task sees (for the conflict check)."""
    if task is None:
        return {}
    run = run or load_run(task.instance)
    return guiding_experts(run.task_data(task.id).get(GUIDING_EXPERTS_FIELD))


# The implementation diagram keeps the experiment's dates in this data object (see implementation.bpmn).
SCHEDULE_OBJECT = "schedule"


def _step_before(task: ReadyTask) -> tuple[str, str] | None:
    """(Beijing date, step name) of the history event that made ``task`` ready: what it answers."""
    event = db.session.execute(
        select(HistoryEvent.at, HistoryEvent.element_id, HistoryEvent.element_name, HistoryEvent.kind)
        .where(HistoryEvent.instance_id == task.instance_id, HistoryEvent.at <= task.ready_since)
        .order_by(HistoryEvent.seq.desc())
        .limit(1)
    ).first()
    if event is None:
        return None
    name = element_text.element_name(task.instance.version, event.element_id, event.element_name)
    return event.at.astimezone(PROGRAMME_TZ).date().isoformat(), name or event.kind


def validation_context(
    form: FormDefinition,
    instance: Instance,
    user: User,
    run: WorkflowRun | None = None,
    task: ReadyTask | None = None,
) -> dict:
    """What the named checks may read besides the submission.

    ``run`` adds the live schedule; ``task`` the step it answers, which its documents cannot predate,
    and the application's guiding experts as that step sees them, who may not review it.
    """
    schedule = (run.data_objects().get(SCHEDULE_OBJECT) or {}) if run is not None else {}
    not_before = None
    if task is not None and any(f.ui.get("document_date") for f in form.fields()):
        not_before = _step_before(task)
    return {
        "instance": instance,
        "user": user,
        "choices": people_choices(form),
        "barred_themes": barred_themes(instance.applicant_org_id)
        if "theme_not_barred" in form.checks
        else set(),
        "kind": instance.theme_kind,
        "today": clock.now().astimezone(PROGRAMME_TZ).date().isoformat(),
        "period_end_date": schedule.get("period_end_date"),
        "not_before": not_before,
        "guiding_experts": _guiding_experts_of(task, run)
        if "reviewers_not_guiding_experts" in form.checks
        else {},
    }
