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
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError

from ... import clock
from ...extensions import db
from ...forms.checks import PLAN_DOCUMENT, PLAN_SECTIONS
from ...models import Document, SimilarityCheck, SimilarityMatch
from ..store.documents import reference_key
from . import signatures
from .alignment import Alignment, Passage, align, copied_at_most
from .text import Sentence, sentences_of

log = logging.getLogger(__name__)

PENDING, DONE = "pending", "done"
# A plan is flagged as highly similar to another when at least this share of its text lies in
# passages copied from it.
FLAG_SHARE = 0.15
# Checks one worker pass does at most: the timers of the next pass must not wait long. A check took
# 0.1-0.3 s against 1,000 plans, 3.5-9 s in the worst case (every plan a candidate), measured by
# scripts/bench_similarity.py: three stay well inside the chore's lease (WORKER_LEASE_SECONDS).
BATCH = 3


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


def _match(check_id: int, document_id: int, alignment: Alignment) -> SimilarityMatch:
    return SimilarityMatch(
        check_id=check_id,
        other_document_id=document_id,
        other_instance_id=db.session.get_one(Document, document_id).instance_id,
        similarity=alignment.similarity,
        passages=[_stored(passage) for passage in alignment.passages],
    )


def run_check(check_id: int) -> bool:
    """Do one pending check and commit it done, with its matches; False if it was not pending (any more).

    The check is marked done by a compare-and-set on its status, in the transaction that stores its
    matches: a second worker that did the same check meanwhile (its chore lease ran out) stores nothing.
    """
    check = db.session.get_one(SimilarityCheck, check_id)
    document = db.session.get_one(Document, check.document_id)
    now = clock.now()
    signatures.sign(document, now)
    compared, flagged = compare_plan(document.content, check.instance.applicant_org_id, now)
    db.session.add_all(
        [_match(check_id, document_id, alignment) for document_id, alignment in flagged.items()]
    )
    marked = db.session.execute(
        update(SimilarityCheck)
        .where(SimilarityCheck.id == check_id, SimilarityCheck.status == PENDING)
        .values(status=DONE, done_at=now, compared=compared)
        .execution_options(synchronize_session=False)
    )
    if marked.rowcount != 1:  # type: ignore[attr-defined]  # an UPDATE's result is a CursorResult
        db.session.rollback()
        return False
    db.session.commit()
    return True


def run_pending_checks() -> int:
    """Do up to ``BATCH`` pending checks, oldest first, each in its own transaction; how many were done.

    A check that fails on the database is rolled back and stays pending for the next pass.
    """
    pending = db.session.scalars(
        select(SimilarityCheck.id)
        .where(SimilarityCheck.status == PENDING)
        .order_by(SimilarityCheck.id)
        .limit(BATCH)
    ).all()
    done = 0
    for check_id in pending:
        try:
            done += run_check(check_id)
        except SQLAlchemyError:
            db.session.rollback()
            log.exception("similarity check %s failed; trying again on the next pass", check_id)
    return done
