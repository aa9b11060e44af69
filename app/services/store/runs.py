"""Loading an instance's live workflow from its stored state, or from this process's live workflows.

Restoring a workflow from its JSON state is the largest single cost of a step (SpiffWorkflow rebuilds
every task object). A step that commits leaves its live workflow here, keyed by what it committed:
(instance, revision, state hash, version). The next step of that instance in the same process takes
it instead of restoring, if the row it reads still has that exact state; otherwise (another worker
or host moved the instance, a migration pinned another version) it restores as before. The revision
check in ``transitions.commit_transition`` stays the authority, so a stale entry can never be
committed on. A step *takes* its entry (no two steps share a workflow object) and gives it back only
by committing: a step that fails or rolls back leaves nothing behind, whatever it did to the object.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import select

from ...engine import WorkflowRun
from ...extensions import db
from ...models import Instance, ProcessVersion
from .deployment import engine_for
from .history_chain import sha256_text
from .row_locks import locking

if TYPE_CHECKING:
    from .transitions import Committed

LiveKey = tuple[int, int, str, int]


class LiveWorkflows:
    """A bounded, thread-safe map of live workflows of one app, least recently kept first out."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._runs: OrderedDict[LiveKey, WorkflowRun] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: LiveKey) -> WorkflowRun | None:
        with self._lock:
            return self._runs.pop(key, None)

    def keep(self, key: LiveKey, run: WorkflowRun) -> None:
        if self.capacity <= 0:
            return
        with self._lock:
            self._runs[key] = run
            while len(self._runs) > self.capacity:
                self._runs.popitem(last=False)

    def __len__(self) -> int:
        return len(self._runs)


def live_workflows() -> LiveWorkflows:
    """This app's live workflows (per app, so two apps in one process never share instance ids)."""
    extensions = current_app.extensions
    if "live_workflows" not in extensions:
        extensions["live_workflows"] = LiveWorkflows(current_app.config["LIVE_WORKFLOWS"])
    live: LiveWorkflows = extensions["live_workflows"]
    return live


def _key(instance_id: int, revision: int, state_hash: str, version_id: int) -> LiveKey:
    return (instance_id, revision, state_hash, version_id)


def _stored_state(instance: Instance, *, locked: bool = False) -> str:
    """The instance's state column (deferred, so read only here); ``locked`` takes the row's lock too."""
    query = select(Instance.state).where(Instance.id == instance.id)
    state: str = db.session.execute(locking(query, instance.id) if locked else query).scalar_one()
    return state


def load_run(instance: Instance, version: ProcessVersion | None = None) -> WorkflowRun:
    """Restore the instance's workflow; the state column is deferred, so it is read only here.

    ``version`` restores the state under another version of the process (a migration's check and
    move); by default the instance's own.
    """
    return restore_state(instance, _stored_state(instance), version)


def restore_state(instance: Instance, state: str, version: ProcessVersion | None = None) -> WorkflowRun:
    """A workflow rebuilt from ``state`` under ``version`` (by default the instance's own)."""
    return engine_for(version or instance.version).restore(state)


def take_run(instance: Instance, revision: int) -> WorkflowRun:
    """The workflow a step builds on at ``revision``: the live one a committed step left, else restored.

    The state is read with the application's row locked until the step ends (``row_locks``: another
    writer of the application waits), and the live workflow taken only if the stored state is the one
    it was committed as (its hash): a state written by any other means (a restore from a backup, a
    hand-made repair, a damaged row) is restored from, and fails as it would without the live
    workflows. Reading the row costs a fraction of restoring it. If the row read is newer than
    ``revision`` (another writer committed since the instance was loaded), the step is computed on it
    and its commit refused by the revision check, so the step is taken again.
    """
    state = _stored_state(instance, locked=True)
    key = _key(instance.id, revision, sha256_text(state), instance.version_id)
    return live_workflows().take(key) or restore_state(instance, state)


def keep_run(committed: Committed, run: WorkflowRun) -> None:
    """Keep a committed step's workflow for the instance's next step in this process."""
    key = _key(committed.instance_id, committed.revision, committed.state_hash, committed.version_id)
    live_workflows().keep(key, run)
