"""What one completion says to the database: a bounded number of statements, the application's row
locked once (as the step reads its state), and no lock left behind when the transaction ends.

Each statement is a round trip to a database server: they, not the engine, were most of a
completion's cost on PostgreSQL (scripts/bench_completion.py).
"""

from __future__ import annotations

import re
from contextlib import contextmanager

from sqlalchemy import event, select

from app.demo import driver
from app.extensions import db
from app.models import Instance
from app.services.store import row_locks

# A city's decision through the API: the token with its user and roles (1), the task (1), the state
# read with the row lock (1), the claim checked and locked (1); the step's writes and reads: the
# instance, the ready tasks read, added and removed, the new task's unit, the experts named and the
# participants, the history's last event and the new one, its search text, the incidents, the
# people told and their notification (13); the answer's application and tasks (2).
MOST_STATEMENTS = 19


@contextmanager
def statements():
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_completion_takes_a_bounded_number_of_statements_and_locks_its_application_once(world, api):
    instance = world.declare(world.start())
    task_id = driver.task_with_form(instance, "city_review.json").id
    api.token("370100")  # signed in before counting
    db.session.remove()

    with statements() as seen:
        response = api.post(
            "370100", f"/api/tasks/{task_id}/complete", {"data": {"city_decision": "forward"}}
        )
    assert response.status_code == 200, response.get_json()

    assert len(seen) <= MOST_STATEMENTS, "\n".join(seen)
    locks = [s for s in seen if re.search(r"\bFOR UPDATE\b", s)]
    if db.engine.dialect.name == "sqlite":
        assert locks == [], "SQLite serializes writers whole: no row locks"
    else:
        assert len(locks) == 1 and "instances.state" in locks[0], locks


def test_a_lock_is_taken_once_per_transaction_and_released_with_it(world):
    instance = world.start()
    instance_id = instance.id  # loaded before counting
    with statements() as seen:
        read = select(Instance.state).where(Instance.id == instance_id)
        state = db.session.execute(row_locks.locking(read, instance_id)).scalar_one()
        row_locks.lock_instance(instance_id)  # held already: nothing said
    assert len(seen) == 1 and "instances.state" in seen[0]
    assert state == instance.state

    db.session.rollback()
    with statements() as seen:
        row_locks.lock_instance(instance_id)  # a new transaction takes it again
        db.session.commit()
        row_locks.lock_instance(instance_id)  # and the next one too
    expected = 0 if db.engine.dialect.name == "sqlite" else 2
    assert len([s for s in seen if "FOR UPDATE" in s]) == expected, seen
    db.session.rollback()
