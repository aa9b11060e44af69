"""Moving running applications from one process version to another.

An instance can move when its stored state restores under the new version (every element it has
reached or waits in exists there, with the same id) and the values already in the forms it waits
on satisfy the new version's forms. The dry run reports this per instance; the migration itself
re-pins the instance in one transaction with a ``migrated`` history event (who, from, to, the
mapping used), so the hash chain continues and re-execution replays across the move.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from ... import clock
from ...engine import DiagramError, WorkflowRun
from ...extensions import db
from ...models import Instance, ProcessVersion, User
from ..errors import Conflict, RuleViolation
from ..reading import element_text, language, reference_text
from ..store.deployment import engine_for, form_for
from ..store.runs import load_run
from ..store.step import open_step
from ..store.transitions import EventRecord, StaleRevision
from .drafts import require_owner, version

# Element ids are the mapping: an element keeps its id across versions, or the instance cannot move.
MAPPING = "same element ids"


@dataclass
class MigrationCheck:
    instance_id: int
    applicant: str
    phase: str | None
    waiting: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def can_move(self) -> bool:
        return not self.problems


def _elements_missing_in(instance: Instance, target: ProcessVersion) -> list[str]:
    """The elements the instance's state holds (done or under way) that the target lacks, by id and
    name, in the order they were reached; what a failed restore under the target is usually about."""
    run = load_run(instance)
    names = element_text.names_for_reader(engine_for(instance.version).definition)
    present = engine_for(target).definition.element_names()
    held = [*run.completed_element_ids(), *run.active_element_ids()]
    return [
        element + language.parenthesised(names.get(element, element))
        for element in dict.fromkeys(held)
        if element not in present
    ]


def _form_problems(run: WorkflowRun, target: ProcessVersion) -> list[str]:
    problems = []
    names = element_text.names_for_reader(engine_for(target).definition)
    for task in run.ready_user_tasks():
        form = form_for(target, task.form) if task.form else None
        if form is None:
            problems.append(
                _(
                    "%(task)s: version %(n)s has no form %(form)s.",
                    task=names.get(task.element_id) or task.name,
                    n=target.version,
                    form=task.form,
                )
            )
            continue
        data = run.task_data(task.task_id)
        values = {name: data[name] for name in form.field_names() if data.get(name) not in (None, "")}
        for error in form.validator.iter_errors(values):
            if error.validator != "required":  # what is still to be filled in is the participant's task
                field_name = ".".join(str(p) for p in error.absolute_path) or "-"
                problems.append(
                    _(
                        "%(task)s: the value of %(field)s does not fit the new form.",
                        task=names.get(task.element_id) or task.name,
                        field=field_name,
                    )
                )
    return problems


def check_instance(instance: Instance, target: ProcessVersion) -> MigrationCheck:
    check = MigrationCheck(
        instance.id,
        reference_text.organisation_name(instance.applicant),
        element_text.phase_name(instance.version, instance.phase),
    )
    if instance.status != "running":
        check.problems.append(_("The application has ended."))
        return check
    try:
        run = load_run(instance, target)
    except DiagramError as exc:
        missing = _elements_missing_in(instance, target)
        if missing:
            check.problems.append(
                _(
                    "It has reached or waits in %(elements)s, which version %(n)s does not have "
                    "(an element must keep its id to move).",
                    elements=language.list_separator().join(missing),
                    n=target.version,
                )
            )
        else:
            check.problems.append(
                _("Its state does not fit version %(n)s: %(reason)s", n=target.version, reason=exc.message)
            )
        return check
    names = element_text.names_for_reader(engine_for(target).definition)
    check.waiting = [names.get(t.element_id) or t.name for t in run.ready_user_tasks()]
    check.problems += _form_problems(run, target)
    return check


def dry_run(user: User, from_version_id: int, to_version_id: int) -> list[MigrationCheck]:
    """For every running application of one version: can it move to the other, or why not."""
    source, target = version(user, from_version_id), version(user, to_version_id)
    if source.id == target.id:
        raise RuleViolation(_("Choose two different versions."))
    instances = db.session.scalars(
        select(Instance)
        .where(Instance.version_id == source.id, Instance.status == "running")
        .order_by(Instance.id)
    )
    return [check_instance(i, target) for i in instances]


def migrate(user: User, instance_ids: list[int], to_version_id: int) -> list[MigrationCheck]:
    """Move the chosen instances (each in its own transaction); returns the check of each one moved."""
    require_owner(user)
    target = version(user, to_version_id)
    moved = []
    for instance_id in instance_ids:
        instance = db.session.get(Instance, instance_id)
        if instance is None or instance.version.process_key != target.process_key:
            raise RuleViolation(_("Application %(id)s cannot be migrated.", id=instance_id))
        check = check_instance(instance, target)
        if not check.can_move:
            raise RuleViolation(
                _("Application %(id)s cannot move: %(why)s", id=instance_id, why="；".join(check.problems))
            )
        source = instance.version
        try:
            with open_step(instance, clock.now(), move_to=target) as step:
                event = EventRecord(
                    "migrated",
                    step.now,
                    user.id,
                    data={"from_version": source.version, "to_version": target.version, "mapping": MAPPING},
                )
                step.commit([event])
        except StaleRevision:
            raise Conflict(
                _("Application %(id)s changed meanwhile; run the dry run again.", id=instance_id)
            ) from None
        moved.append(check)
    return moved
