"""What a viewer is shown of an application's history and workflow data, as ``app.visibility`` decides.

The policy speaks of roles and authors; this module reads them off the diagrams of the version each
step was taken on: the role of the lane of the task an event completed, and which workflow data
belongs to confidential tasks — their forms' fields, the people pickers that choose who does them,
and the variables a multi-instance task loops over and collects into (the experts of a round, each
expert's verdict). No element id or field name is spelled here, so a redrawn diagram keeps its
opinions confidential.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ...extensions import db
from ...models import HistoryEvent, ProcessVersion, User
from ...roles import role_for_lane
from ...visibility import CONFIDENTIAL_ROLES, is_confidential, may_see_submission, sees_every_submission
from ..store.deployment import engine_for, form_for


@dataclass(frozen=True)
class VersionReading:
    """What one deployed version's diagrams and forms say about roles and confidential data."""

    roles: dict[str, str | None]  # user task element id -> the role of its lane
    confidential_keys: frozenset[str]  # workflow data only those who see every opinion may read


@lru_cache(maxsize=32)
def _reading(version_id: int, content_hash: str) -> VersionReading:
    version = db.session.get_one(ProcessVersion, version_id)
    definition = engine_for(version).definition
    # The lane of each step people fill in: user tasks, and the requests they start.
    roles: dict[str, str | None] = {t.element_id: role_for_lane(t.lane) for t in definition.user_tasks()}
    roles.update((start.element_id, role_for_lane(start.lane)) for start in definition.message_starts())
    keys: set[str] = set()
    for task in definition.user_tasks():
        if is_confidential(roles[task.element_id]):
            if task.form and task.form in version.form_files:
                keys.update(form_for(version, task.form).field_names())
            keys.update(definition.loop_variables().get(task.element_id, ()))
    for name in version.form_files:
        keys.update(
            field.name
            for field in form_for(version, name).fields()
            if field.widget == "people" and field.ui.get("role") in CONFIDENTIAL_ROLES
        )
    return VersionReading(roles, frozenset(keys))


def version_reading(version: ProcessVersion) -> VersionReading:
    """Read once per version: versions are immutable."""
    return _reading(version.id, version.content_hash)


def step_role(event: HistoryEvent) -> str | None:
    """The role of the lane of the step `event` records (a task or a request people started)."""
    return version_reading(event.version).roles.get(event.element_id or "") if event.element_id else None


def role_of(event: HistoryEvent) -> str | None:
    """The role of the lane whose task `event` completed, as the event's own version draws it."""
    return step_role(event) if event.kind == "task_completed" else None


@dataclass(frozen=True)
class ShownEvent:
    """A history event as one viewer may see it."""

    event: HistoryEvent
    role: str | None  # the role of the lane whose task the event completed (None: not a task)
    withheld: bool  # a confidential submission: who and what are not shown
    actor: User | None  # None when withheld, or when the system took the step
    data: dict  # what the viewer may read of the submitted data ({} when withheld)


def shown_event(viewer: User, event: HistoryEvent) -> ShownEvent:
    role = role_of(event)
    if not may_see_submission(viewer, role, event.actor_id):
        return ShownEvent(event, role, True, None, {})
    if is_confidential(role):  # the viewer's own opinion, or the province or an auditor reading it
        return ShownEvent(event, role, False, event.actor, dict(event.data))
    return ShownEvent(event, role, False, event.actor, shown_data(viewer, event.version, event.data))


def shown_data(viewer: User, version: ProcessVersion, data: dict) -> dict:
    """`data` (a submission, or a task's workflow data) without what only the province and the
    auditors may read: the experts assigned and their verdicts, carried beyond their own tasks."""
    if sees_every_submission(viewer):
        return dict(data)
    hidden = version_reading(version).confidential_keys
    return {key: value for key, value in data.items() if key not in hidden}
