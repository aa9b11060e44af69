"""A plan as the similarity check reads it: its sentences, their normalised characters and shingles.

Chinese has no spaces between words, so the check does not tokenise into words: it compares runs of
characters (shingles). Normalising keeps only letters and digits (of any script), so a copied passage
reflowed, re-punctuated or re-spaced still compares equal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Characters per shingle: long enough that stock phrases (城乡社区治理, 党建引领) do not make two
# different plans look alike on their own, short enough that a lightly edited sentence still shares
# most of its shingles.
SHINGLE = 5

# A sentence: text up to its end mark (and a closing quote or bracket); line breaks end one too.
_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]*[”’」』）)]*")


def normalised(text: str) -> str:
    """Only the letters and digits of ``text``: no white space, no punctuation."""
    return "".join(ch for ch in text if ch.isalnum())


def shingles(key: str, size: int = SHINGLE) -> set[str]:
    """The character runs of ``size`` in the normalised ``key`` (the whole key if it is shorter)."""
    if len(key) <= size:
        return {key} if key else set()
    return {key[i : i + size] for i in range(len(key) - size + 1)}


@dataclass(frozen=True)
class Sentence:
    """One sentence of a plan: where it stands in its section's text, and its normalised characters."""

    section: str
    source: str  # the section's text
    start: int
    end: int
    key: str
    shingles: frozenset[str]


def sentences_of(plan: Mapping[str, str], sections: Iterable[str]) -> list[Sentence]:
    """The plan's sentences in reading order, section by section; sentences without letters left out."""
    found = []
    for section in sections:
        value = plan.get(section)
        if not isinstance(value, str):
            continue
        for match in _SENTENCE.finditer(value):
            key = normalised(match.group())
            if key:
                found.append(
                    Sentence(section, value, match.start(), match.end(), key, frozenset(shingles(key)))
                )
    return found


def text_from(first: Sentence, last: Sentence) -> str:
    """The text as written from ``first`` to ``last`` (of one section), line breaks and all."""
    return first.source[first.start : last.end].strip()


def plan_shingles(plan: Mapping[str, str], sections: Iterable[str]) -> set[str]:
    """Every shingle of the plan's text, for its MinHash signature."""
    return set().union(*(s.shingles for s in sentences_of(plan, sections)))
