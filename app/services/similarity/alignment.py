"""The exact comparison of a checked plan with one candidate: which passages it largely copies.

MinHash only says two plans share many shingles. Here each sentence of the checked plan is matched
with the candidate's sentence sharing most of its shingles, and counts as copied when most of its
characters lie in runs both sentences hold (``difflib``'s matching blocks). Copied sentences that
follow each other in both plans make a passage; a passage shorter than ``MIN_PASSAGE`` characters
(one stock sentence two counties both wrote) is not counted. The similarity figure is the share of
the checked plan's characters lying in counted passages.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher

from .text import Sentence, text_from

# Sentences shorter than this (headings such as （一）, 总体目标) are not compared.
MIN_SENTENCE = 8
# A candidate sentence must share this share of the sentence's shingles to be compared at all: a
# sentence with 80% of its characters in runs of 4 or more shares about 60% of its 5-character shingles.
SHINGLES_SHARED = 0.6
# A sentence is copied when this share of its characters lies in runs the candidate's holds too.
SENTENCE_COPIED = 0.8
# Runs both sentences hold that are shorter than this are coincidence (a word such as 社区 or 资金).
MIN_RUN = 4
# Copied sentences at most this far apart (in both plans) stay in one passage: a sentence left out
# or added in between does not cut a copied paragraph in two.
GAP = 2
# A passage counts when it holds at least this many copied characters (white space and marks aside).
MIN_PASSAGE = 60

Segments = list[tuple[str, bool]]  # a text cut into runs, each marked (copied) or not


@dataclass(frozen=True)
class Passage:
    """A copied passage: the checked plan's sentences and the candidate's, each marked where equal."""

    mine: Segments
    theirs: Segments
    characters: int  # the checked plan's copied characters in it


@dataclass(frozen=True)
class Alignment:
    passages: list[Passage]
    similarity: float  # 0..1: the checked plan's characters in counted passages


@dataclass(frozen=True)
class _Pair:
    mine: int  # index of the checked plan's sentence
    theirs: int  # index of the candidate's sentence it copies
    copied: int


def _matching_runs(a: str, b: str) -> list[tuple[int, int, int]]:
    """(start in a, start in b, length) of the runs ``a`` and ``b`` share, the short ones left out."""
    blocks = SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
    return [(m.a, m.b, m.size) for m in blocks if m.size >= MIN_RUN]


def _copied_pairs(mine: list[Sentence], theirs: list[Sentence]) -> list[_Pair]:
    where: dict[str, list[int]] = defaultdict(list)
    for index, sentence in enumerate(theirs):
        for shingle in sentence.shingles:
            where[shingle].append(index)
    pairs = []
    for index, sentence in enumerate(mine):
        needed = SHINGLES_SHARED * len(sentence.shingles)
        found = [shingle for shingle in sentence.shingles if shingle in where]
        if len(sentence.key) < MIN_SENTENCE or len(found) < needed:
            continue  # most of it is nowhere in the other plan: not copied, no need to count
        best, shared = Counter(j for shingle in found for j in where[shingle]).most_common(1)[0]
        if shared < needed:
            continue
        copied = sum(size for _a, _b, size in _matching_runs(sentence.key, theirs[best].key))
        if copied >= SENTENCE_COPIED * len(sentence.key):
            pairs.append(_Pair(index, best, copied))
    return pairs


def _runs_of(pairs: list[_Pair], mine: list[Sentence], theirs: list[Sentence]) -> list[list[_Pair]]:
    """The copied pairs grouped into passages: near each other, in order, in the same sections."""
    runs: list[list[_Pair]] = []
    for pair in pairs:
        last = runs[-1][-1] if runs else None
        follows = (
            last is not None
            and 0 < pair.mine - last.mine <= GAP
            and 0 < pair.theirs - last.theirs <= GAP
            and mine[pair.mine].section == mine[last.mine].section
            and theirs[pair.theirs].section == theirs[last.theirs].section
        )
        if follows:
            runs[-1].append(pair)
        else:
            runs.append([pair])
    return runs


def marked(text: str, spans: list[tuple[int, int]]) -> Segments:
    """``text`` cut at ``spans`` (start, length; in order, not overlapping), the spans marked."""
    segments: Segments = []
    at = 0
    for start, length in spans:
        if start > at:
            segments.append((text[at:start], False))
        segments.append((text[start : start + length], True))
        at = start + length
    if at < len(text):
        segments.append((text[at:], False))
    return segments


def _passage(run: list[_Pair], mine: list[Sentence], theirs: list[Sentence]) -> Passage:
    left = text_from(mine[run[0].mine], mine[run[-1].mine])
    right = text_from(theirs[run[0].theirs], theirs[run[-1].theirs])
    runs = _matching_runs(left, right)
    return Passage(
        mine=marked(left, [(a, size) for a, _b, size in runs]),
        theirs=marked(right, [(b, size) for _a, b, size in runs]),
        characters=sum(pair.copied for pair in run),
    )


def copied_at_most(mine: list[Sentence], theirs: list[Sentence]) -> float:
    """An upper bound of the share of ``mine`` copied from ``theirs``, from set operations alone (far
    cheaper than ``align``): sentences with enough of their shingles anywhere in ``theirs`` may be
    copied, the others cannot be."""
    everywhere = frozenset().union(*(s.shingles for s in theirs))
    total = sum(len(s.key) for s in mine)
    possible = sum(
        len(s.key) for s in mine if len(s.shingles & everywhere) >= SHINGLES_SHARED * len(s.shingles)
    )
    return possible / total if total else 0.0


def align(mine: list[Sentence], theirs: list[Sentence]) -> Alignment:
    """The passages of ``mine`` (the checked plan's sentences) largely copied from ``theirs``."""
    runs = _runs_of(_copied_pairs(mine, theirs), mine, theirs)
    passages = [
        _passage(run, mine, theirs) for run in runs if sum(pair.copied for pair in run) >= MIN_PASSAGE
    ]
    total = sum(len(s.key) for s in mine)
    copied = sum(p.characters for p in passages)
    return Alignment(passages, copied / total if total else 0.0)
