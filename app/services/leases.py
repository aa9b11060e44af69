"""Leases: how several timer workers, on one host or several, share one database without doing
any piece of work twice at the same time.

A worker claims rows (applications whose timers are due, mails to send) by writing its holder id
and an expiry into their ``lease_holder`` and ``lease_until`` with one conditional UPDATE: only rows
whose lease is free, expired or already the worker's own are taken, so of two workers reaching for
the same row exactly one gets it. On PostgreSQL the UPDATE picks its rows with ``FOR UPDATE SKIP
LOCKED``, so workers take different rows instead of queueing behind each other's locks; on SQLite
(one host) the writes are serialised and the condition alone decides. A worker killed mid-pass
holds its rows only until the leases expire; another worker then takes them over.

A lease keeps workers from doing the same work at once; it is not what makes the work happen once.
What the work commits carries its own check: a timer's step commits only on the revision it was
computed on, a mail is marked sent. Chores done whole (the stall sweep, the deadline warnings) take
a named lease in ``worker_leases`` instead.

Expiry is measured on the application's clock at the moment of each claim (a long pass must not
claim with its starting time), so tests move it as they move deadlines.
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..extensions import db
from ..models import Instance, OutboxMail, WorkerLease

LeasedModel = type[Instance] | type[OutboxMail]


@cache
def _holder_of(pid: int) -> str:
    return f"{socket.gethostname()}:{pid}:{secrets.token_hex(4)}"


def holder() -> str:
    """This worker's id on leases: host, process and a random part (a process id can be reused)."""
    return _holder_of(os.getpid())  # by pid: a forked process is another worker


def lease_time() -> timedelta:
    return timedelta(seconds=current_app.config["WORKER_LEASE_SECONDS"])


def _free(model: LeasedModel, me: str, now: datetime) -> ColumnElement[bool]:
    return or_(model.lease_until.is_(None), model.lease_until <= now, model.lease_holder == me)


def claim(model: LeasedModel, wanted: ColumnElement[bool], limit: int) -> list[int]:
    """Claim up to ``limit`` rows of ``model`` matching ``wanted`` whose lease is free; their ids, in order.

    Commits the claim, so other workers see it at once.
    """
    me, now = holder(), clock.now()
    picked = select(model.id).where(wanted, _free(model, me, now)).order_by(model.id).limit(limit)
    if db.session.get_bind().dialect.name == "postgresql":
        picked = picked.with_for_update(skip_locked=True)
    claimed = db.session.scalars(
        update(model)
        .where(model.id.in_(picked.scalar_subquery()), _free(model, me, now))
        .values(lease_holder=me, lease_until=now + lease_time())
        .returning(model.id)
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    return sorted(claimed)


def release(model: LeasedModel, ids: list[int]) -> None:
    """Give up this worker's leases on ``ids`` (the work is done), so no one waits for them to expire."""
    if ids:
        db.session.execute(
            update(model)
            .where(model.id.in_(ids), model.lease_holder == holder())
            .values(lease_holder=None, lease_until=None)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()


def _take(name: str, me: str, now: datetime) -> bool:
    until = now + lease_time()
    taken = db.session.execute(
        update(WorkerLease)
        .where(WorkerLease.name == name, or_(WorkerLease.until <= now, WorkerLease.holder == me))
        .values(holder=me, until=until)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount == 1:  # type: ignore[attr-defined]  # an UPDATE's result is a CursorResult
        db.session.commit()
        return True
    if db.session.get(WorkerLease, name) is not None:  # held by another worker
        db.session.rollback()
        return False
    try:
        db.session.add(WorkerLease(name=name, holder=me, until=until))
        db.session.commit()
    except IntegrityError:  # another worker made it first
        db.session.rollback()
        return False
    return True


@contextmanager
def chore(name: str) -> Iterator[bool]:
    """Yields whether this worker holds the chore ``name`` (no other worker does it meanwhile)."""
    me, now = holder(), clock.now()
    mine = _take(name, me, now)
    try:
        yield mine
    finally:
        if mine:
            db.session.rollback()  # whatever the chore left uncommitted
            db.session.execute(
                update(WorkerLease)
                .where(WorkerLease.name == name, WorkerLease.holder == me)
                .values(until=now)
                .execution_options(synchronize_session=False)
            )
            db.session.commit()
