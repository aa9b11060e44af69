"""What the application page shows of the live workflow, read from one restore of its state."""

from __future__ import annotations

from dataclasses import dataclass

from ...engine import MessageStart
from ...models import Incident, Instance, User
from ..reading.queries import ExperimentRecord, diagram_highlights, experiment_record
from ..store.incidents import open_incidents_of
from ..store.runs import load_run
from .instance_actions import available_actions


@dataclass(frozen=True)
class LiveView:
    highlights: dict[str, list[str]]
    actions: list[MessageStart]  # what `user` may start now (a change request, an inspection...)
    record: ExperimentRecord | None  # the running experiment's dates and approved changes
    incidents: list[Incident]  # why the application cannot go on by itself, if it cannot


def live_view(user: User, instance: Instance) -> LiveView:
    run = load_run(instance)
    return LiveView(
        highlights=diagram_highlights(instance, run),
        actions=available_actions(user, instance, run),
        record=experiment_record(instance, run),
        incidents=open_incidents_of(instance),
    )
