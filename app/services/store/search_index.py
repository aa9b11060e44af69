"""The search texts: the words of each step people took, written in the step's own transaction.

A step's submission (with the plan it carried, read back from its documents) becomes one row that
everyone who sees the application may find it by, and, where it holds confidential parts, rows that
only those who may read those parts find it by: an expert's opinion (its author, the province, the
auditors), the experts a picker named (the province, the auditors). What is confidential is read
off the diagrams of the step's version exactly as the history's disclosure reads it
(``submission_roles``), so a city cannot find an application by words only an expert's opinion holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, select

from ...extensions import db
from ...models import HistoryEvent, ProcessVersion, SearchText
from ...visibility import is_confidential
from .documents import with_documents_inline
from .submission_roles import version_reading

# The steps people take whose data holds words worth finding: task submissions and started requests.
INDEXED_KINDS = ("task_completed", "event_started")


def words_in(value: Any) -> list[str]:
    """Every text in a submitted value (nested tables and objects included), in order."""
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, dict):
        return [word for item in value.values() for word in words_in(item)]
    if isinstance(value, list):
        return [word for item in value for word in words_in(item)]
    return []


def index_events(events: Iterable[HistoryEvent]) -> None:
    """Write the search texts of `events` (flushed: they need their ids); the caller commits."""
    for event in events:
        if event.kind not in INDEXED_KINDS or not event.element_id:
            continue
        reading = version_reading(db.session.get_one(ProcessVersion, event.version_id))
        data = with_documents_inline(event.data or {})
        if is_confidential(reading.roles.get(event.element_id)):
            _add(event, data, confidential=True, author_id=event.actor_id)
            continue
        hidden = reading.confidential_keys
        _add(event, {k: v for k, v in data.items() if k not in hidden}, confidential=False)
        # Only the province and the auditors read these, whoever submitted them: no author.
        _add(event, {k: v for k, v in data.items() if k in hidden}, confidential=True)


def _add(
    event: HistoryEvent, data: dict[str, Any], *, confidential: bool, author_id: int | None = None
) -> None:
    body = "\n".join(words_in(data))
    if body:
        db.session.add(
            SearchText(
                instance_id=event.instance_id,
                event_id=event.id,
                confidential=confidential,
                author_id=author_id if confidential else event.actor_id,
                body=body,
            )
        )


def reindex(batch: int = 500) -> int:
    """Rewrite every search text from the history (after the upgrade that added them, or a repair).

    Returns how many steps were read. One transaction: a failure leaves the old texts in place.
    """
    db.session.execute(delete(SearchText))
    query = (
        select(HistoryEvent)
        .where(HistoryEvent.kind.in_(INDEXED_KINDS))
        .order_by(HistoryEvent.id)
        .execution_options(yield_per=batch)
    )
    count = 0
    for event in db.session.scalars(query):
        index_events([event])
        count += 1
    db.session.commit()
    return count


def reindex_if_missing() -> int:
    """Write the search texts once for a database that has steps but none (upgraded from before them)."""
    has_texts = db.session.scalar(select(SearchText.id).limit(1)) is not None
    has_steps = db.session.scalar(
        select(HistoryEvent.id).where(HistoryEvent.kind.in_(INDEXED_KINDS)).limit(1)
    )
    return reindex() if has_steps is not None and not has_texts else 0
