"""Queueing a plan's similarity check at its submission, and doing it in the worker.

The submitting step only adds a pending check (in the step's own transaction, so a failed step
queues nothing); the timer worker does the comparison (``run_pending_checks``), off the request
path. ``scripts/bench_similarity.py`` measures what one check costs against 1,000 plans.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from datasketch import LeanMinHash
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from ... import clock
from ...extensions import db
from ...forms.checks import PLAN_DOCUMENT, PLAN_SECTIONS
from ...models import Document, Instance, SimilarityCheck, SimilarityMatch
from ..store.documents import reference_key
from . import signatures
from .alignment import Alignment, Passage, align, copied_at_most
from .text import Sentence, sentences_of

log = logging.getLogger(__name__)

PENDING, DONE = "pending", "done"
# A plan is flagged as highly similar to another when at least this share of its text lies in
# passages copied from it.
FLAG_SHARE = 0.15
# Checks one worker pass does at most: the timers and the mail of the pass must not wait long.
BATCH = 10


def queue_check(engine_data: dict[str, Any], instance_id: int, now: datetime) -> None:
    """Queue the check of the plan a submission carries (if it carries one), in the step's transaction."""
    reference = engine_data.get(reference_key(PLAN_DOCUMENT))
    if isinstance(reference, dict) and isinstance(reference.get("id"), int):
        db.session.add(
            SimilarityCheck(
                document_id=reference["id"], instance_id=instance_id, status=PENDING, queued_at=now
            )
        )


def flagged_among(
    plan: Mapping[str, str],
    others: Mapping[int, LeanMinHash],
    sentences_of_other: Callable[[int], list[Sentence]],
) -> dict[int, Alignment]:
    """The plans among ``others`` (signatures by id) that ``plan`` largely copies, with their alignments.

    LSH picks the candidates; each is aligned exactly (its sentences from ``sentences_of_other``),
    unless set operations show it cannot hold ``FLAG_SHARE`` of the plan.
    """
    mine = sentences_of(plan, PLAN_SECTIONS)
    flagged = {}
    for other_id in signatures.candidates(signatures.signature_of(plan), others):
        theirs = sentences_of_other(other_id)
        if copied_at_most(mine, theirs) < FLAG_SHARE:
            continue
        alignment = align(mine, theirs)
        if alignment.similarity >= FLAG_SHARE:
            flagged[other_id] = alignment
    return flagged


def _plan_sentences(document_id: int) -> list[Sentence]:
    return sentences_of(db.session.get_one(Document, document_id).content, PLAN_SECTIONS)


def compare_plan(
    plan: dict[str, str], applicant_org_id: int, now: datetime
) -> tuple[int, dict[int, Alignment]]:
    """Compare ``plan`` with the latest plan of every other county's application.

    Returns how many plans it was compared with and, for each plan it copies largely, its alignment.
    Signatures of plans never signed are stored in the session as a side effect.
    """
    others = signatures.signatures_of(signatures.latest_plans_of_others(applicant_org_id), now)
    return len(others), flagged_among(plan, others, _plan_sentences)


def _stored(passage: Passage) -> dict[str, Any]:
    return {"mine": passage.mine, "theirs": passage.theirs, "characters": passage.characters}


def run_check(check: SimilarityCheck) -> None:
    """Do one pending check and commit it done, with its matches."""
    document = db.session.get_one(Document, check.document_id)
    instance = db.session.get_one(Instance, check.instance_id)
    now = clock.now()
    signatures.sign(document, now)
    compared, flagged = compare_plan(document.content, instance.applicant_org_id, now)
    for document_id, alignment in flagged.items():
        other = db.session.get_one(Document, document_id)
        check.matches.append(
            SimilarityMatch(
                other_document_id=document_id,
                other_instance_id=other.instance_id,
                similarity=alignment.similarity,
                passages=[
                    {"mine": p.mine, "theirs": p.theirs, "characters": p.characters}
                    for p in alignment.passages
                ],
            )
        )
    check.status, check.done_at, check.compared = DONE, now, compared
    db.session.commit()


def run_pending_checks() -> int:
    """Do up to ``BATCH`` pending checks, oldest first, each in its own transaction; how many were done.

    A check that fails on the database is rolled back and stays pending for the next pass.
    """
    pending = db.session.scalars(
        select(SimilarityCheck)
        .where(SimilarityCheck.status == PENDING)
        .order_by(SimilarityCheck.id)
        .limit(BATCH)
    ).all()
    done = 0
    for check in pending:
        try:
            run_check(check)
        except SQLAlchemyError:
            db.session.rollback()
            log.exception("similarity check %s failed; trying again on the next pass", check.id)
        else:
            done += 1
    return done
