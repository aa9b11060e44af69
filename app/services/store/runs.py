"""Loading an instance's live workflow from its stored state."""

from __future__ import annotations

from sqlalchemy import select

from ...engine import WorkflowRun
from ...extensions import db
from ...models import Instance, ProcessVersion
from .deployment import engine_for


def load_run(instance: Instance, version: ProcessVersion | None = None) -> WorkflowRun:
    """Restore the instance's workflow; the state column is deferred, so it is read only here.

    ``version`` restores the state under another version of the process (a migration's check and
    move); by default the instance's own.
    """
    state = db.session.execute(select(Instance.state).where(Instance.id == instance.id)).scalar_one()
    return engine_for(version or instance.version).restore(state)
