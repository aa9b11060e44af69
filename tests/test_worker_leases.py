"""Several timer workers on one database: leases on due applications, chores and mails (SQLite).

Each "worker" here is a holder id on leases (``leases.holder`` replaced); the two-process run on
PostgreSQL, with a worker killed mid-run, is ``test_timer_workers_postgres``.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import HistoryEvent, Instance, OutboxMail, WorkerLease
from app.services import leases
from app.services.lifecycle import timers
from app.services.notices import mailer, record
from app.services.notices.texts import NEW_TASK
from app.services.store.step import open_step
from app.services.store.transitions import StaleRevision

from .conftest import DEADLINE, race_each
from .test_notices import smtp  # noqa: F401  (the fixture)

COUNTIES = ("370102", "370103", "370104", "370105", "370112", "370113")


@pytest.fixture
def worker(monkeypatch):
    """Act as the worker named by the returned function's argument."""

    def act_as(name: str) -> None:
        monkeypatch.setattr(leases, "holder", lambda: name)

    return act_as


def _due_applications(world, clock, counties=COUNTIES) -> list[int]:
    """Applications not declared by the call's deadline: each has one timer due, then ends."""
    ids = [world.start(adcode).id for adcode in counties]
    clock.set(DEADLINE + timedelta(minutes=1))
    return ids


def _fired_per_instance() -> dict[int, int]:
    rows = db.session.execute(
        select(HistoryEvent.instance_id, func.count())
        .where(HistoryEvent.kind == "timer_fired")
        .group_by(HistoryEvent.instance_id)
    )
    return {instance_id: count for instance_id, count in rows}


def test_applications_claimed_by_another_worker_wait_for_its_lease_to_expire(world, clock, worker):
    ids = _due_applications(world, clock)
    worker("host-a:1:dead")
    assert leases.claim(Instance, Instance.id.in_(ids[:4]), limit=3) == ids[:3]
    assert leases.claim(Instance, Instance.id.in_(ids[:4]), limit=3) == ids[:3], "its own again"

    worker("host-b:2:alive")
    assert timers.fire_due_timers() == 3, "only the applications nobody holds"
    assert set(_fired_per_instance()) == set(ids[3:])
    clock.advance(leases.lease_time() - timedelta(seconds=1))
    assert timers.fire_due_timers() == 0, "the lease still runs"

    clock.advance(timedelta(seconds=1))
    assert timers.fire_due_timers() == 3, "taken over once expired"
    assert _fired_per_instance() == dict.fromkeys(ids, 1)
    held = db.session.scalars(select(Instance.lease_holder).where(Instance.id.in_(ids))).all()
    assert held == [None] * len(ids), "leases are given back when the work is done"


def test_two_workers_at_once_fire_each_timer_once(app, world, clock, monkeypatch):
    ids = _due_applications(world, clock)
    monkeypatch.setattr(leases, "holder", lambda: f"host:1:thread{threading.get_ident()}")
    monkeypatch.setattr(timers, "BATCH", 2)  # several batches each, interleaved
    assert race_each(app, [timers.fire_due_timers, timers.fire_due_timers]) == ["ok", "ok"]
    assert _fired_per_instance() == dict.fromkeys(ids, 1)
    still_running = select(func.count()).where(Instance.id.in_(ids), Instance.status == "running")
    assert db.session.scalar(still_running) == 0


def test_a_chore_is_done_by_one_worker_at_a_time_and_taken_over_when_its_holder_dies(world, clock, worker):
    world.start("370102")  # its declaration falls due at the call's deadline
    clock.set(DEADLINE - timedelta(days=1))
    worker("host-a:1:x")
    with leases.chore(timers.HOUSEKEEPING) as mine:
        assert mine
        worker("host-b:2:y")
        assert timers.worker_pass().warned == 0, "host-a is sweeping and warning"
    assert timers.worker_pass().warned == 1, "given back when done"

    world.start("370103")
    lease = db.session.get_one(WorkerLease, timers.HOUSEKEEPING)
    lease.holder, lease.until = "host-c:3:killed", clock.now() + leases.lease_time()
    db.session.commit()
    assert timers.worker_pass().warned == 0
    clock.advance(leases.lease_time())
    assert timers.worker_pass().warned == 1, "taken over from the killed worker"


def test_a_mail_claimed_by_another_worker_is_not_sent_twice(world, clock, smtp, worker):  # noqa: F811
    province = world.user("province")
    province.email = "province@example.test"
    record.notify([province], NEW_TASK, clock.now(), instance_id=None, link="/tasks/a", params={})
    db.session.commit()
    worker("host-a:1:killed-while-sending")
    (mail_id,) = leases.claim(OutboxMail, OutboxMail.sent_at.is_(None), limit=10)

    worker("host-b:2:alive")
    assert mailer.send_due_mails(clock.now()) == 0
    clock.advance(leases.lease_time())
    assert mailer.send_due_mails(clock.now()) == 1
    assert mailer.send_due_mails(clock.now()) == 0
    assert len(smtp.messages) == 1
    mail = db.session.get_one(OutboxMail, mail_id)
    assert mail.sent_at is not None and mail.lease_holder is None


def test_a_worker_whose_lease_ran_out_mid_fire_cannot_fire_the_timer_again(world, clock, worker):
    (instance_id,) = _due_applications(world, clock, counties=("370102",))
    worker("host-a:1:slow")
    with open_step(db.session.get_one(Instance, instance_id), clock.now()) as slow:  # computed on revision 1
        worker("host-b:2:after-expiry")
        assert timers.fire_due_timers() == 1
        with pytest.raises(StaleRevision):
            slow.fire_due_timers()
    assert _fired_per_instance() == {instance_id: 1}
