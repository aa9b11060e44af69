"""Completions that can go on for as long as wanted on one application: the county declares, its city
returns the declaration with comments, the county declares again, and so on. Each completion makes the
next task, so clients that each hold their own applications complete tasks nobody else completes; the
load test (``scripts/load_test.py``) and the fault test (``tests/test_worker_kill_postgres.py``) drive
them through the API.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..models import Call
from . import driver

DECLARATION = "declaration.json"
CITY_REVIEW = "city_review.json"
RETURN = {"city_decision": "return", "city_comments": "请补充分期目标和经费保障。"}


@dataclass(frozen=True)
class Cycling:
    """An application in the cycle: its ready task, the form that task shows, its county and city."""

    instance_id: int
    task_id: str
    form: str
    county: str
    city: str

    def completion(self, declaration: dict) -> tuple[str, dict, str]:
        """Who completes the ready task (a username), with which data, and the form of the next task."""
        if self.form == DECLARATION:
            return self.county, declaration, CITY_REVIEW
        return self.city, RETURN, DECLARATION

    def at(self, task: dict) -> Cycling:
        """The application once `task` (an API task: ``id`` and ``form``) is its ready task."""
        return replace(self, task_id=task["id"], form=task["form"])


def start_cycling(adcode: str, call: Call) -> Cycling:
    """A new application of the county in `call`, waiting for its declaration."""
    instance = driver.start(adcode, call)
    task = driver.task_with_form(instance, DECLARATION)
    assert task is not None, f"#{instance.id} waits for no declaration"
    return Cycling(instance.id, task.id, DECLARATION, adcode, instance.city.adcode)
