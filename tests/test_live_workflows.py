"""A step takes the live workflow its instance's last step left in this process, and only that one.

The revision check stays the authority: an entry whose instance moved on elsewhere (another worker,
another host) is never used, and a step that failed leaves nothing behind.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from app import create_app
from app.config import TestConfig
from app.demo import driver
from app.extensions import db
from app.models import Instance
from app.services.audit import chain_check, reexecution
from app.services.store import runs, step
from app.services.store.runs import LiveWorkflows, live_workflows


def _key(instance: Instance) -> runs.LiveKey:
    db.session.refresh(instance)
    return (instance.id, instance.revision, instance.state_hash, instance.version_id)


@pytest.fixture
def restores(monkeypatch) -> list[int]:
    """The instances restored from their stored state (not taken live) from here on."""
    restored: list[int] = []
    real = runs.restore_state

    def counted(instance, state, version=None):
        restored.append(instance.id)
        return real(instance, state, version)

    monkeypatch.setattr(runs, "restore_state", counted)
    return restored


def test_the_next_step_takes_the_live_workflow_of_the_last(world, restores):
    instance = world.start()
    assert live_workflows().take(_key(instance)) is not None, "starting keeps the live workflow"

    driver.declare(instance)  # the entry was taken above: this step restores, and keeps its own
    assert restores == [instance.id]
    driver.city_decides(instance, "forward")  # takes what the declaration left
    assert restores == [instance.id]
    assert chain_check.verify_chain(instance).ok
    assert reexecution.reexecute(instance).ok, "the history re-executes from the stored states"


def test_an_instance_moved_on_elsewhere_is_restored(world, database_url, clock, restores):
    instance = world.declare(world.start())
    other = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, CLOCK=clock)
    with other.app_context():  # another process: its own live workflows
        driver.city_decides(db.session.get(Instance, instance.id), "return", "请补充经费保障。")
        db.session.remove()
        db.engine.dispose()
    instance = world.reload(instance)
    restores.clear()
    driver.declare(instance)  # this process's entry is for the revision before the city's step
    assert restores == [instance.id]
    assert chain_check.verify_chain(instance).ok
    assert reexecution.reexecute(instance).ok


def test_a_stale_entry_is_never_committed_on(world, restores):
    """Even if the row read is stale, the revision check refuses the step and it is taken again."""
    instance = world.declare(world.start())
    stale = _key(instance)
    db.session.execute(
        update(Instance).where(Instance.id == instance.id).values(revision=Instance.revision + 1)
    )
    db.session.commit()
    restores.clear()
    driver.city_decides(world.reload(instance), "forward")
    assert restores == [instance.id], "the entry's revision is no longer the instance's"
    assert world.reload(instance).revision == stale[1] + 2, "built on the moved revision"
    assert reexecution.reexecute(instance).ok


def test_a_step_that_does_not_commit_leaves_no_entry(world, clock, restores):
    instance = world.declare(world.start())
    key = _key(instance)
    with pytest.raises(RuntimeError), step.open_step(instance, clock.now()) as broken:
        broken.run.fire_due_timers(clock.now())  # whatever it did to the live workflow is dropped
        raise RuntimeError("the step broke")
    assert live_workflows().take(key) is None
    restores.clear()
    driver.city_decides(world.reload(instance), "forward")
    assert restores == [instance.id]
    assert reexecution.reexecute(instance).ok


def test_the_live_workflows_are_bounded():
    live = LiveWorkflows(capacity=2)
    for n in range(3):
        live.keep((n, 1, "h", 1), object())  # type: ignore[arg-type]
    assert len(live) == 2
    assert live.take((0, 1, "h", 1)) is None, "the oldest went first"
    assert live.take((2, 1, "h", 1)) is not None
    assert live.take((2, 1, "h", 1)) is None, "taken once only"
    none = LiveWorkflows(capacity=0)
    none.keep((1, 1, "h", 1), object())  # type: ignore[arg-type]
    assert len(none) == 0


def test_a_state_written_by_other_means_is_restored_from(world, restores):
    """A state replaced without a step (a restore from a backup, a hand-made repair) is what counts."""
    instance = world.declare(world.start())
    state = db.session.scalar(select(Instance.state).where(Instance.id == instance.id))
    db.session.execute(update(Instance).where(Instance.id == instance.id).values(state=state + " "))
    db.session.commit()
    restores.clear()
    driver.city_decides(world.reload(instance), "forward")
    assert restores == [instance.id], "the live workflow was committed as another state"
