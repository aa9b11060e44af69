"""Turning models into the plain dicts the API schemas describe."""

from __future__ import annotations

from datetime import datetime

from ...models import HistoryEvent, Instance, ReadyTask


def task_dict(task: ReadyTask, now: datetime) -> dict:
    return {
        "id": task.id,
        "instance_id": task.instance_id,
        "element_id": task.element_id,
        "name": task.name,
        "phase": task.phase,
        "role": task.role,
        "form": task.form,
        "due_at": task.due_at,
        "overdue": bool(task.due_at and task.due_at < now),
        "applicant": task.instance.applicant.full_name,
    }


def event_dict(event: HistoryEvent) -> dict:
    return {
        "seq": event.seq,
        "kind": event.kind,
        "at": event.at,
        "actor": event.actor.username if event.actor else None,
        "element_id": event.element_id,
        "element_name": event.element_name,
        "task_id": event.task_id,
        "data": event.data,
        "revision_before": event.revision_before,
        "revision_after": event.revision_after,
        "state_hash": event.state_hash,
        "prev_hash": event.prev_hash,
        "event_hash": event.event_hash,
    }


def instance_dict(instance: Instance) -> dict:
    return {
        "id": instance.id,
        "status": instance.status,
        "phase": instance.phase,
        "outcome": instance.outcome,
        "outcome_label": instance.outcome_label,
        "applicant": instance.applicant.full_name,
        "applicant_adcode": instance.applicant.adcode,
        "city": instance.city.name,
        "city_adcode": instance.city.adcode,
        "call_id": instance.call_id,
        "theme_code": instance.theme_code,
        "theme_title": instance.theme_title,
        "theme_kind": instance.theme_kind,
        "version": instance.version.version,
        "revision": instance.revision,
        "created_at": instance.created_at,
        "updated_at": instance.updated_at,
    }
