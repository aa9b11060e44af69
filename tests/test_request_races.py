"""Requests started on one application at the same moment: each is taken again on the newer revision."""

from __future__ import annotations

from sqlalchemy import select

from app.demo import driver
from app.extensions import db
from app.models import HistoryEvent

from .conftest import race_each


def test_requests_started_at_the_same_moment_all_get_through(app, world):
    """The zone's change and extension requests and the province's inspection race; none is refused."""
    zone = world.recognised_zone("370102", "2026-10-08")
    db.session.commit()
    starts = [
        lambda: driver.request_change(world.reload(zone), "content"),
        lambda: driver.request_extension(world.reload(zone), "2028-12-31"),
        lambda: driver.record_inspection(world.reload(zone)),
    ]
    results = race_each(app, starts)
    assert results == ["ok"] * len(starts), results
    started = db.session.scalars(
        select(HistoryEvent.element_id).where(
            HistoryEvent.instance_id == zone.id, HistoryEvent.kind == "event_started"
        )
    ).all()
    assert sorted(started) == ["Start_ChangeRequest", "Start_Extension", "Start_Inspection"]
