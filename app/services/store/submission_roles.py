"""What one deployed version's diagrams and forms say about who submits what, and what is confidential.

Read by ``reading.disclosure`` (what a viewer is shown) and by ``search_index`` (what a viewer may
find), so both follow the same reading of the diagrams: the role of the lane of each step people take,
and the workflow data that belongs to confidential tasks. No element id or field name is spelled here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ...extensions import db
from ...models import HistoryEvent, ProcessVersion
from ...roles import role_for_lane
from ...visibility import CONFIDENTIAL_ROLES, is_confidential
from .deployment import engine_for, form_for


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
