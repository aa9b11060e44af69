"""What the application and review pages show of an application's plan similarity check."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ...extensions import db
from ...models import Call, Instance, Organisation, SimilarityCheck, User
from ...scope import can_see_instance, can_see_plan_similarity
from .alignment import Passage, Segments
from .checks import PENDING


@dataclass(frozen=True)
class SimilarPlan:
    county: Organisation
    call: Call
    instance_id: int
    linked: bool  # whether the reader may open the other application
    percent: int
    passages: list[Passage]


@dataclass(frozen=True)
class SimilarityFindings:
    """The check of the application's latest plan: still running, or done with the plans it copies."""

    checking: bool
    compared: int | None
    similar: list[SimilarPlan]


def _segments(stored: list) -> Segments:
    return [(str(text), bool(copied)) for text, copied in stored]


def _passage(stored: dict) -> Passage:
    """A passage as ``checks`` stored it (JSON: its segments are lists) back as a ``Passage``."""
    return Passage(_segments(stored["mine"]), _segments(stored["theirs"]), int(stored["characters"]))


def similarity_findings(user: User, instance: Instance) -> SimilarityFindings | None:
    """The findings for ``user``, or None: no plan checked yet, or ``user`` may not see them."""
    if not can_see_plan_similarity(user, instance):
        return None
    check = db.session.scalar(
        select(SimilarityCheck)
        .where(SimilarityCheck.instance_id == instance.id)
        .order_by(SimilarityCheck.id.desc())
        .limit(1)
    )
    if check is None:
        return None
    similar = [
        SimilarPlan(
            county=match.other_county,
            call=match.other_instance.call,
            instance_id=match.other_instance_id,
            linked=can_see_instance(user, match.other_instance),
            percent=round(match.similarity * 100),
            passages=[_passage(stored) for stored in match.passages],
        )
        for match in check.matches
    ]
    return SimilarityFindings(check.status == PENDING, check.compared, similar)
