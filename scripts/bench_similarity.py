"""What one plan similarity check costs against 1,000 plans, and what indexing them costs.

Builds 1,000 plans (the demo's composed sentences, each on one of the reference themes, for made-up
counties), signs them (the indexing cost: MinHash of every plan, done once and stored), then times one
check of a new plan, which copies part of one of them, against all: LSH over the stored signatures,
then the exact alignment of each candidate. Prints medians of several runs; no database involved.

    .venv/bin/python scripts/bench_similarity.py [--plans 1000] [--runs 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.demo.texts import copied_plan, plan_sections  # noqa: E402
from app.forms.checks import PLAN_SECTIONS  # noqa: E402
from app.reference import load_themes  # noqa: E402
from app.services.similarity import signatures  # noqa: E402
from app.services.similarity.alignment import align  # noqa: E402
from app.services.similarity.checks import FLAG_SHARE  # noqa: E402
from app.services.similarity.text import sentences_of  # noqa: E402


def _plans(count: int) -> list[dict[str, str]]:
    themes = load_themes()
    rng = random.Random(2026)
    plans = []
    for number in range(count):
        values = {
            "theme": themes[number % len(themes)].title,
            "streets": rng.randint(5, 20),
            "communities": rng.randint(40, 200),
            "people": rng.randint(20, 120),
            "pilot": rng.randint(3, 12),
            "funds": rng.randint(100, 900),
        }
        plans.append(plan_sections(f"第{number}县", values, rng))
    return plans


def _timed(action) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    plans = _plans(args.plans)
    indexing, stored = _timed(lambda: {i: signatures.signature_of(p) for i, p in enumerate(plans)})
    print(f"indexing {args.plans} plans (MinHash, {signatures.NUM_PERM} permutations): {indexing:.2f} s")
    own = plan_sections(
        "新县",
        {"theme": "新", "streets": 9, "communities": 70, "people": 50, "pilot": 6, "funds": 400},
        random.Random("new"),
    )
    new = copied_plan("新县", own, "第7县", plans[7])
    mine = sentences_of(new, PLAN_SECTIONS)

    def check() -> tuple[int, list[int]]:
        found = signatures.candidates(signatures.signature_of(new), stored)
        flagged = [
            i for i in found if align(mine, sentences_of(plans[i], PLAN_SECTIONS)).similarity >= FLAG_SHARE
        ]
        return len(found), flagged

    lsh_times = [
        _timed(lambda: signatures.candidates(signatures.signature_of(new), stored))[0]
        for _ in range(args.runs)
    ]
    runs = [_timed(check) for _ in range(args.runs)]
    candidates, flagged = runs[0][1]
    one_alignment = statistics.median(
        _timed(lambda: align(mine, sentences_of(plans[7], PLAN_SECTIONS)))[0] for _ in range(args.runs)
    )
    print(
        "LSH candidates of one check (signature + index + query):",
        f"{statistics.median(lsh_times) * 1000:.0f} ms median",
    )
    print(f"one alignment with a candidate: {one_alignment * 1000:.1f} ms median")
    print(
        f"one whole check against {args.plans} plans:",
        f"{statistics.median(t for t, _ in runs) * 1000:.0f} ms median of {args.runs}",
        f"({candidates} LSH candidates, flagged {flagged})",
    )


if __name__ == "__main__":
    main()
