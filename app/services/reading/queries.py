"""Read-side queries for the inbox, the application list and the instance page (scope-filtered)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from ...engine import WorkflowRun
from ...extensions import db
from ...models import HistoryEvent, Instance, Organisation, ProcessVersion, ReadyTask, User
from ...scope import can_see_instance, unit_tasks_filter
from ..errors import MAX_ID, NotFound
from ..store.deployment import engine_for
from ..store.runs import load_run
from . import element_text


def ready_tasks_for(user: User) -> list[ReadyTask]:
    """The tasks of `user`'s units and of `user` in person (those another member holds too, shown with
    their holder), the earliest due first, so late duties lead (R7).

    All of them (the API's task list, the demo); the inbox pages through them with ``inbox``.
    """
    query = select(ReadyTask).join(Instance).where(unit_tasks_filter(user))
    order = (ReadyTask.due_at.is_(None), ReadyTask.due_at, ReadyTask.ready_since)
    return list(db.session.scalars(query.order_by(*order)))


def lifecycle_phases() -> list[str]:
    """The phases a list's filter offers: the processes people work in, read from the deployed
    diagrams (newest version first, in the order of their tasks), not from the rows — a DISTINCT over
    every task or application in scope would cost the more the more there are."""
    phases: dict[str, None] = {}
    for version in db.session.scalars(select(ProcessVersion).order_by(ProcessVersion.id.desc())):
        definition = engine_for(version).definition
        names = definition.process_names()
        for task in definition.user_tasks():
            phases.setdefault(names.get(task.process_id, task.process_id), None)
    return list(phases)


def instance_for(user: User, instance_id: int) -> Instance:
    instance = db.session.get(Instance, instance_id) if 0 < instance_id < MAX_ID else None
    if instance is None or not can_see_instance(user, instance):
        raise NotFound(_("Application not found."))
    return instance


def history_of(instance: Instance) -> list[HistoryEvent]:
    return list(
        db.session.scalars(
            select(HistoryEvent).where(HistoryEvent.instance_id == instance.id).order_by(HistoryEvent.seq)
        )
    )


def open_tasks_of(instance: Instance) -> list[ReadyTask]:
    """The instance's ready tasks with their holders; their instance is the one given, not joined again."""
    query = (
        select(ReadyTask).where(ReadyTask.instance_id == instance.id).options(lazyload(ReadyTask.instance))
    )
    return list(db.session.scalars(query))


def diagram_tabs(instance: Instance) -> list[tuple[str, str]]:
    """(file name, process name) of the instance's diagrams, in the order the lifecycle calls them."""
    return version_diagram_tabs(instance.version)


def version_diagram_tabs(version: ProcessVersion) -> list[tuple[str, str]]:
    """(file name, process name in the reader's language) of a version's diagrams, in call order."""
    files = engine_for(version).definition.diagram_files()
    return [(file, element_text.phase_name(version, title)) for file, title in files]


def diagram_file(instance: Instance, filename: str) -> str | None:
    """The XML of a diagram of the instance's pinned version; None if the version has no such file."""
    return instance.version.bpmn_files.get(filename)


def diagram_highlights(instance: Instance, run: WorkflowRun | None = None) -> dict[str, list[str]]:
    """Element ids to colour on the diagram: what has been done, and what is waiting now."""
    run = run or load_run(instance)
    return {
        "completed": run.completed_element_ids(),
        "current": run.active_element_ids(),
    }


def cities() -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation).where(Organisation.level == "city").order_by(Organisation.adcode)
        )
    )


@dataclass(frozen=True)
class ExperimentRecord:
    """The running experiment's dates and approved content changes, as the diagram keeps them now.

    A requested change shows here only once the province approved it (R6): the diagram records it then.
    """

    period_end_date: str | None
    plan_due: str | None
    summary_due: str | None
    content_changes: list[dict]


def experiment_record(instance: Instance, run: WorkflowRun | None = None) -> ExperimentRecord | None:
    """Read from the implementation's data objects (``schedule``, ``content_changes``) while it runs."""
    if instance.status != "running":
        return None
    objects = (run or load_run(instance)).data_objects()
    schedule = objects.get("schedule")
    if not isinstance(schedule, dict):
        return None
    return ExperimentRecord(
        period_end_date=schedule.get("period_end_date"),
        plan_due=(schedule.get("plan_due") or "")[:10] or None,
        summary_due=(schedule.get("summary_due") or "")[:10] or None,
        content_changes=list(objects.get("content_changes") or []),
    )
