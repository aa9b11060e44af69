"""What one plan similarity check costs against 1,000 plans, and what indexing them costs.

Two corpora of 1,000 plans, each plan on one of the reference themes (quoting its title):

* "independent": each county writes its own sentences, composed of words cut from the reference
  themes' titles, so plans share what they quote and stock words, not sentences (as real plans);
* "template": the demo's plans, whose sentences are all composed from one bank of clauses, so every
  plan shares many runs of characters with every other: the worst case, where LSH keeps every plan.

For each: the indexing cost (the MinHash of every plan, computed once and stored), then one check of a
new plan copying two sections of plan no. 7: LSH over the signatures, then the exact alignment of each
candidate (``checks.flagged_among``, as the worker runs it, without the database). Medians of --runs.

    .venv/bin/python scripts/bench_similarity.py [--plans 1000] [--runs 5]
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.demo.texts import copied_plan, plan_sections  # noqa: E402
from app.forms.checks import PLAN_SECTIONS  # noqa: E402
from app.reference import load_themes  # noqa: E402
from app.services.similarity import signatures  # noqa: E402
from app.services.similarity.checks import flagged_among  # noqa: E402
from app.services.similarity.text import sentences_of  # noqa: E402

Plan = dict[str, str]
SOURCE = 7  # the plan the checked plan copies from


def _words() -> list[str]:
    """Two-character words cut from the reference themes' titles."""
    words = set()
    for theme in load_themes():
        for phrase in re.split(r"[^\u4e00-\u9fff]+", theme.title):
            words.update(phrase[i : i + 2] for i in range(0, len(phrase) - 1, 2))
    return sorted(words)


def _independent_plan(county: str, theme: str, rng: random.Random, words: list[str]) -> Plan:
    def sentence() -> str:
        half = rng.randint(5, 8)
        return "".join(rng.choices(words, k=half)) + "，" + "".join(rng.choices(words, k=half)) + "。"

    plan = {}
    for section in PLAN_SECTIONS:
        paragraphs = [f"{county}围绕“{theme}”开展实验。"]
        paragraphs += ["".join(sentence() for _ in range(8)) for _ in range(6)]
        plan[section] = "\n\n".join(paragraphs)
    return plan


def _template_plan(county: str, theme: str, rng: random.Random, _words: list[str]) -> Plan:
    values = {"theme": theme, "streets": 9, "communities": 70, "people": 50, "pilot": 6, "funds": 400}
    return plan_sections(county, values, rng)


def _timed(action: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def _bench(name: str, make: Callable[..., Plan], count: int, runs: int) -> None:
    themes, words, rng = load_themes(), _words(), random.Random(2026)
    plans = [make(f"第{n}县", themes[n % len(themes)].title, rng, words) for n in range(count)]
    indexing, stored = _timed(lambda: {n: signatures.signature_of(p) for n, p in enumerate(plans)})
    own = make("新县", themes[SOURCE % len(themes)].title, random.Random("new"), words)
    checked = copied_plan("新县", own, f"第{SOURCE}县", plans[SOURCE])
    sentences = [sentences_of(p, PLAN_SECTIONS) for p in plans]
    lsh = [
        _timed(lambda: signatures.candidates(signatures.signature_of(checked), stored)) for _ in range(runs)
    ]
    checks = [_timed(lambda: flagged_among(checked, stored, sentences.__getitem__)) for _ in range(runs)]
    candidates, flagged = lsh[0][1], checks[0][1]
    assert isinstance(candidates, list) and isinstance(flagged, dict)
    shares = {n: f"{a.similarity:.0%}" for n, a in flagged.items()}
    per_plan = indexing / count * 1000
    lsh_ms = statistics.median(t for t, _ in lsh) * 1000
    check_ms = statistics.median(t for t, _ in checks) * 1000
    print(f"{name}: {count} plans")
    print(
        f"  indexing (MinHash, {signatures.NUM_PERM} permutations): {indexing:.2f} s, {per_plan:.1f} ms each"
    )
    print(f"  LSH (signature, index, query): {lsh_ms:.0f} ms, {len(candidates)} candidates")
    print(f"  one whole check: {check_ms:.0f} ms median of {runs}, flagged {shares}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    _bench("independent", _independent_plan, args.plans, args.runs)
    _bench("template", _template_plan, args.plans, args.runs)


if __name__ == "__main__":
    main()
