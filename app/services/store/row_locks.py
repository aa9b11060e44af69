"""The application's row lock: every writer of an application takes it first, once per transaction.

A step takes it as it reads the stored state (``locking``: one ``SELECT … FOR UPDATE``); a claim,
or a completion checking its task's claim, takes it before the task's row (``lock_instance``), which
costs nothing more when the step holds it already. Taking the application's row before its tasks'
rows, always, keeps a claim and a step from waiting on each other crosswise, and the history's next
sequence number is read after any writer that went first. SQLite has no row locks: its writes are
serialized whole, so there is nothing to take there.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, event, select
from sqlalchemy.orm import Session, SessionTransaction

from ...extensions import db
from ...models import Instance

_HELD = "locked_instances"  # in ``Session.info``: the instance ids this transaction has locked


def _held() -> set[int]:
    held: set[int] = db.session.info.setdefault(_HELD, set())
    return held


def _takes_row_locks() -> bool:
    return db.session.get_bind().dialect.name != "sqlite"


def lock_instance(instance_id: int) -> None:
    """Lock the application's row for the rest of the transaction, unless it already is."""
    if instance_id not in _held() and _takes_row_locks():
        db.session.execute(locking(select(Instance.id).where(Instance.id == instance_id), instance_id))


def locking(query: Select[Any], instance_id: int) -> Select[Any]:
    """`query`, a read of the application's row, taking the row's lock for the rest of the transaction."""
    _held().add(instance_id)  # should the read fail, the transaction ends and forgets it
    return query.with_for_update() if _takes_row_locks() else query


@event.listens_for(Session, "after_transaction_end")
def _released(session: Session, transaction: SessionTransaction) -> None:
    """A transaction's end (commit or rollback) releases its locks; a savepoint's end does not."""
    if transaction.parent is None:
        session.info.pop(_HELD, None)
