"""The programme the command centre's tests read: a fixture shared by its test modules."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.clock import PROGRAMME_TZ
from app.demo import driver
from app.services.lifecycle import timers

RECOGNITION = datetime(2026, 10, 8, 9, 0, tzinfo=PROGRAMME_TZ)


@pytest.fixture
def programme(world, clock):
    """Four applications of the 2026 call in three cities' counties:

    济南市历下区 a recognised zone (its first annual plan due 2026-11-07); 青岛市市南区 in the
    preliminary review, two experts' opinions outstanding; 青岛市市北区 never declared and 淄博市张店区
    declared but never forwarded by its city: both closed as 逾期未报 by the deadline timer.
    """
    late = world.start("370203")
    reviewing = driver.forward(world.start("370202"))
    driver.assign(reviewing, "expert05", "expert06")
    unforwarded = world.start("370303")
    driver.declare(unforwarded)
    zone = world.recognised_zone("370102", RECOGNITION.date().isoformat())
    assert timers.fire_due_timers() == 2, "the call's deadline closes what has not reached the province"
    return {"zone": zone, "reviewing": reviewing, "late": late, "unforwarded": unforwarded}
