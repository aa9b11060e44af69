"""Loading an instance's live workflow from its stored state."""

from __future__ import annotations

from sqlalchemy import select

from ...engine import WorkflowRun
from ...extensions import db
from ...models import Instance
from .deployment import engine_for


def load_run(instance: Instance) -> WorkflowRun:
    """Restore the instance's workflow; the state column is deferred, so it is read only here."""
    state = db.session.scalar(select(Instance.state).where(Instance.id == instance.id))
    return engine_for(instance.version).restore(state)
