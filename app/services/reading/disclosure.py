"""What a viewer is shown of an application's history and workflow data, as ``app.visibility`` decides.

The policy speaks of roles and authors; this module reads them off the diagrams of the version each
step was taken on: the role of the lane of the task an event completed, and which workflow data
belongs to confidential tasks — their forms' fields, the people pickers that choose who does them,
and the variables a multi-instance task loops over and collects into (the experts of a round, each
expert's verdict). No element id or field name is spelled here, so a redrawn diagram keeps its
opinions confidential. The reading of a version lives in ``store.submission_roles``, shared with
the search index (what a viewer may find follows what a viewer is shown).
"""

from __future__ import annotations

from dataclasses import dataclass

from ...models import HistoryEvent, ProcessVersion, User
from ...visibility import is_confidential, may_see_submission, sees_every_submission
from ..store.submission_roles import step_role, version_reading


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
