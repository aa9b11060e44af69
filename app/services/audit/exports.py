"""What auditors take away: one application's audit package (zip), and events of many as Excel."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import select

from ...clock import PROGRAMME_TZ
from ...extensions import db
from ...models import Document, HistoryEvent, Instance, Organisation, User
from ...scope import visible_instances_filter
from ..reading.history_view import acted_by
from ..reading.spreadsheets import Table, workbook_of
from ..store.deployment import write_version_files
from ..store.history_chain import CHAINED_FIELDS
from .chain_check import verify_chain
from .reexecution import reexecute

_PACKAGE_README = """Audit package of application {id} ({applicant}), exported {at} by {by}.

events.jsonl          every history event in order: its fields, the digest of each field, the hash
                      of the previous event and its own hash (see history_chain.py of the system)
versions/vN/bpmn/     the BPMN diagrams of each version the events name
versions/vN/forms/    the forms of that version
documents.json        bulky submissions (plans, annual reports) the events refer to by id and sha256
verification.json     the chain check at export time
reexecution.json      the re-execution at export time: each step replayed against its state hash
application-form.pdf  the printable 申报表 as it stood at export time
"""


def _event_record(event: HistoryEvent) -> dict:
    record = {name: getattr(event, name) for name in CHAINED_FIELDS}
    record["at"] = event.at.isoformat()
    if event.on_behalf_of is not None:  # chained only when set (history_chain.OPTIONAL_CHAINED_FIELDS)
        record.update(on_behalf_of_id=event.on_behalf_of_id, on_behalf_of=event.on_behalf_of.username)
    record.update(
        actor=event.actor.username if event.actor else None,
        field_hashes=event.field_hashes,
        prev_hash=event.prev_hash,
        event_hash=event.event_hash,
    )
    return record


def audit_package(instance: Instance, form_pdf: bytes, by: User, now: datetime) -> bytes:
    """The zip of everything an auditor needs to check the application away from the system."""
    events = list(
        db.session.scalars(
            select(HistoryEvent).where(HistoryEvent.instance_id == instance.id).order_by(HistoryEvent.seq)
        )
    )
    documents = db.session.scalars(
        select(Document).where(Document.instance_id == instance.id).order_by(Document.id)
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            "README.txt",
            _PACKAGE_README.format(
                id=instance.id, applicant=instance.applicant.full_name, at=now.isoformat(), by=by.username
            ),
        )
        package.writestr(
            "events.jsonl",
            "".join(json.dumps(_event_record(e), ensure_ascii=False, default=str) + "\n" for e in events),
        )
        for version in {e.version for e in events}:
            write_version_files(package, version, f"versions/v{version.version}/")
        package.writestr(
            "documents.json",
            json.dumps(
                [{"id": d.id, "name": d.name, "sha256": d.sha256, "content": d.content} for d in documents],
                ensure_ascii=False,
                indent=1,
            ),
        )
        chain = verify_chain(instance)
        package.writestr(
            "verification.json", json.dumps(asdict(chain) | {"ok": chain.ok}, ensure_ascii=False, indent=1)
        )
        replayed = reexecute(instance)
        package.writestr(
            "reexecution.json",
            json.dumps(asdict(replayed) | {"ok": replayed.ok}, ensure_ascii=False, indent=1),
        )
        package.writestr("application-form.pdf", form_pdf)
    return buffer.getvalue()


@dataclass(frozen=True)
class EventFilters:
    city: str | None = None  # city adcode
    phase: str | None = None  # the application's current phase
    since: datetime | None = None
    until: datetime | None = None
    actor: str | None = None  # username


_COLUMNS = (
    "申报编号",
    "申报单位",
    "所属市",
    "序号",
    "时间",
    "事件",
    "步骤",
    "办理人",
    "数据",
    "流程版本",
    "事件哈希",
)


def events_workbook(user: User, filters: EventFilters) -> tuple[bytes, int]:
    """Events of the applications `user` may see, filtered, as an .xlsx; returns (bytes, rows)."""
    city = Organisation.__table__.alias("city")
    query = (
        select(HistoryEvent, Instance)
        .join(Instance, Instance.id == HistoryEvent.instance_id)
        .join(city, city.c.id == Instance.city_org_id)
        .where(visible_instances_filter(user))
        .order_by(HistoryEvent.instance_id, HistoryEvent.seq)
    )
    if filters.city:
        query = query.where(city.c.adcode == filters.city)
    if filters.phase:
        query = query.where(Instance.phase == filters.phase)
    if filters.since:
        query = query.where(HistoryEvent.at >= filters.since)
    if filters.until:
        query = query.where(HistoryEvent.at <= filters.until)
    if filters.actor:
        query = query.join(User, User.id == HistoryEvent.actor_id).where(User.username == filters.actor)
    rows = [
        [
            instance.id,
            instance.applicant.full_name,
            instance.city.name,
            event.seq,
            event.at.astimezone(PROGRAMME_TZ).strftime("%Y-%m-%d %H:%M:%S"),
            event.kind,
            event.element_name or event.element_id or "",
            acted_by(event),
            json.dumps(event.data, ensure_ascii=False)[:32000],
            event.version.version,
            event.event_hash,
        ]
        for event, instance in db.session.execute(query)
    ]
    table = Table("history events", _COLUMNS, rows, widths=(8, 22, 10, 6, 20, 16, 24, 16, 60, 8, 66))
    return workbook_of([table]), len(rows)
