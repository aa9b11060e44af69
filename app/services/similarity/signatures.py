"""Plans' MinHash signatures, stored once per plan, and the LSH that picks a check's candidates.

A signature is computed when a plan is first checked or first compared with, and kept in
``plan_signatures``: a check then reads the other plans' signatures (a kilobyte each) instead of
rehashing their text. Only each application's latest plan counts: an earlier version is superseded.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH
from sqlalchemy import func, select

from ...extensions import db
from ...forms.checks import PLAN_DOCUMENT, PLAN_SECTIONS
from ...models import Document, Instance, PlanSignature
from .text import plan_shingles

NUM_PERM = 128
SEED = 1
# The permutation scheme is pinned: stored signatures compare only with signatures of the same scheme.
SCHEME = "affine64"
# The estimated Jaccard similarity of two plans' shingles above which LSH makes a candidate likely. It
# is low: a plan copying a fifth of another's text shares only about a tenth of the shingles of the two
# together, and the exact alignment that follows (``alignment``) weeds out the plans that copy nothing.
LSH_THRESHOLD = 0.08

_BYTES = np.dtype("<u8")


def signature_of(plan: Mapping[str, str]) -> LeanMinHash:
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    minhash.update_batch([shingle.encode() for shingle in plan_shingles(plan, PLAN_SECTIONS)])
    return LeanMinHash(minhash)


def _stored(signature: LeanMinHash) -> bytes:
    return np.asarray(signature.hashvalues, dtype=_BYTES).tobytes()


def _loaded(hashvalues: bytes) -> LeanMinHash:
    return LeanMinHash(seed=SEED, hashvalues=np.frombuffer(hashvalues, dtype=_BYTES), scheme=SCHEME)


def sign(document: Document, now: datetime) -> LeanMinHash:
    """The plan's signature, computed and stored (in the session) unless stored already."""
    stored = db.session.get(PlanSignature, document.id)
    if stored is not None:
        return _loaded(stored.hashvalues)
    signature = signature_of(document.content)
    db.session.add(
        PlanSignature(
            document_id=document.id,
            instance_id=document.instance_id,
            hashvalues=_stored(signature),
            created_at=now,
        )
    )
    return signature


def latest_plans_of_others(applicant_org_id: int) -> list[int]:
    """The latest plan (document id) of every application of every county but ``applicant_org_id``."""
    latest = (
        select(func.max(Document.id))
        .join(Instance, Instance.id == Document.instance_id)
        .where(Document.name == PLAN_DOCUMENT, Instance.applicant_org_id != applicant_org_id)
        .group_by(Document.instance_id)
    )
    return list(db.session.scalars(latest))


def signatures_of(document_ids: list[int], now: datetime) -> dict[int, LeanMinHash]:
    """The stored signatures of these plans; plans never signed yet are signed (and stored) now."""
    found = {
        document_id: _loaded(hashvalues)
        for document_id, hashvalues in db.session.execute(
            select(PlanSignature.document_id, PlanSignature.hashvalues).where(
                PlanSignature.document_id.in_(document_ids)
            )
        )
    }
    for document_id in sorted(set(document_ids) - found.keys()):
        found[document_id] = sign(db.session.get_one(Document, document_id), now)
    return found


def candidates(signature: LeanMinHash, others: Mapping[int, LeanMinHash]) -> list[int]:
    """The plans among ``others`` whose signatures LSH finds likely similar to ``signature``."""
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    with lsh.insertion_session() as session:
        for document_id, other in others.items():
            session.insert(document_id, other, check_duplication=False)
    return sorted(lsh.query(signature))
