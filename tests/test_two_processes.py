"""One review across two server processes: the expert tasks created in one, the opinions given in another.

Each process parses the diagrams for itself, as each gunicorn worker and the timer worker do; what one
process learned while running a workflow must not be needed by another.
"""

from __future__ import annotations

import multiprocessing

from sqlalchemy import select

from app import create_app
from app.clock import FrozenClock
from app.config import TestConfig
from app.demo import driver
from app.extensions import db
from app.models import Instance, ReadyTask
from app.services.audit import chain_check, reexecution
from app.services.lifecycle import calls
from app.services.store.runs import load_run

from .conftest import DEADLINE, START

EXPERTS = ("expert05", "expert07", "expert08")


def _in_a_process_of_its_own(database_url: str, step: str) -> None:
    """Run one step of the scenario in this (spawned) process, against the shared database."""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, CLOCK=FrozenClock(START))
    with app.app_context():
        if step == "assign":
            call = calls.open_call(
                driver.user("province"), "2026年度全省城乡社区治理实验区申报", 2026, DEADLINE
            )
            instance = driver.forward(driver.start("370102", call))
            driver.assign(instance, *EXPERTS)
        else:
            instance = db.session.scalar(select(Instance))
            driver.opine(instance, step, "pass")
        db.session.remove()
        db.engine.dispose()


def _run(database_url: str, step: str) -> None:
    process = multiprocessing.get_context("spawn").Process(
        target=_in_a_process_of_its_own, args=(database_url, step)
    )
    process.start()
    process.join(timeout=120)
    assert process.exitcode == 0, f"the process for {step!r} failed"


def test_opinions_given_in_other_processes_are_all_collected(database_url):
    _run(database_url, "assign")
    for expert in EXPERTS:  # each opinion in a process that has never seen the review's tasks created
        _run(database_url, expert)

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, CLOCK=FrozenClock(START))
    with app.app_context():
        instance = db.session.scalar(select(Instance))
        ready = db.session.scalars(select(ReadyTask).where(ReadyTask.instance_id == instance.id)).all()
        assert [t.element_id for t in ready] == ["Task_ReviewDecision"], "the province decides next"
        assert load_run(instance).task_data(ready[0].id)["opinions"] == ["pass"] * len(EXPERTS)
        assert chain_check.verify_chain(instance).ok
        assert reexecution.reexecute(instance).ok
        db.session.remove()
        db.engine.dispose()
