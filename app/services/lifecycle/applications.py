"""Starting an application: a county's instance of the lifecycle, pinned to the newest version."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ... import clock
from ...clock import PROGRAMME_TZ
from ...extensions import db
from ...models import Call, Instance, User
from ...scope import can_start_application
from ..errors import MAX_ID, Forbidden, RuleViolation
from ..store.deployment import current_version
from ..store.step import first_step
from ..store.transitions import EventRecord
from .calls import open_calls


def _choose_call(call_id: int | None) -> Call:
    calls = open_calls()
    if call_id is None:
        if not calls:
            raise RuleViolation(_("No call for applications is open at the moment."))
        return calls[0]
    call = db.session.get(Call, call_id) if 0 < call_id < MAX_ID else None
    if call is None or call not in calls:
        raise RuleViolation(_("This call is not open for applications (its deadline has passed)."))
    return call


def start_application(user: User, call_id: int | None = None) -> Instance:
    county = user.organisation
    if county is not None and county.abolished:
        raise RuleViolation(
            _("%(unit)s has been abolished: it cannot start new applications.", unit=county.full_name)
        )
    if county is None or not can_start_application(user):
        raise Forbidden(_("Only a county-level applicant can start an application."))
    call = _choose_call(call_id)
    running = db.session.scalar(
        select(Instance.id).where(
            Instance.applicant_org_id == county.id, Instance.call_id == call.id, Instance.status == "running"
        )
    )
    if running is not None:
        raise RuleViolation(
            _(
                "%(county)s already has an application in this call (no. %(id)s).",
                county=county.full_name,
                id=running,
            )
        )
    version = current_version(current_app.config["PROCESS_KEY"])
    now = clock.now()
    city = county.parent
    assert city is not None, "every county-level unit of the divisions data belongs to a city"
    start_data = {
        "call_id": call.id,
        "call_name": call.name,
        "call_deadline": call.deadline.astimezone(PROGRAMME_TZ).isoformat(),
        "applicant_adcode": county.adcode,
        "applicant_name": county.full_name,
        "city_adcode": city.adcode,
        "city_name": city.name,
    }
    already = _("%(county)s already has an application in this call.", county=county.full_name)
    instance = Instance(
        version_id=version.id,
        call_id=call.id,
        applicant_org_id=county.id,
        city_org_id=city.id,
        created_at=now,
        created_by_id=user.id,
        revision=0,
    )
    try:
        with first_step(instance, version, start_data, now) as step:
            # The id seed makes the task ids of a re-execution equal to the recorded ones.
            started = EventRecord(
                "started", now, user.id, data={"start_data": start_data, "id_seed": step.run.id_seed}
            )
            step.commit([started])
    except IntegrityError:
        raise RuleViolation(already) from None  # a simultaneous start won the race
    return instance


@dataclass(frozen=True)
class OpenCall:
    """An open call as a county sees it: its own running application in it, if it has one."""

    call: Call
    application_id: int | None


def open_calls_for(user: User) -> list[OpenCall]:
    """The open calls a county-level applicant may apply to; nothing for anyone else."""
    if not can_start_application(user):
        return []
    rows = db.session.execute(
        select(Instance.call_id, Instance.id).where(
            Instance.applicant_org_id == user.org_id, Instance.status == "running"
        )
    )
    running = {call_id: instance_id for call_id, instance_id in rows}
    return [OpenCall(call, running.get(call.id)) for call in open_calls()]
