"""What changed between two versions of a submission (the plan before and after 待完善), marked for a reader.

Chinese puts no spaces between words, so a word diff means nothing, and a bare character diff
scatters single matching characters (的, 和, 社区) through sentences that were rewritten. The text is
therefore compared sentence by sentence first (a sentence ends at 。！？； or a line break); where
sentences were edited rather than rewritten, they are compared character by character, so a changed
figure or an added clause shows as exactly that. Long unchanged stretches fold away, keeping some
context around each change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from ...forms import count_characters
from .submission import LONG_TEXT, Entry, Submission

SAME, INSERTED, DELETED, FOLDED = "same", "inserted", "deleted", "folded"

# A sentence: text up to its end mark (and a closing quote or bracket), or a run of line breaks.
_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]*[”’」』）)]*|[。！？；!?;]+[”’」』）)]*|\n+")
# Below this similarity replaced sentences count as rewritten: marking them character by character
# would leave a confetti of matching single characters.
_EDITED_RATIO = 0.5
# Character comparison is quadratic: above this product of lengths, replaced text is shown whole.
_CHARACTER_BUDGET = 4_000_000
# Unchanged runs shorter than this between two changes (a word such as 资金 that both versions happen
# to hold) join the change: marked apart they cut one rewritten clause into pieces.
_CRUMB = 4
# Unchanged context kept on each side of a change; longer unchanged text folds.
CONTEXT = 60


@dataclass(frozen=True)
class Segment:
    kind: str  # same | inserted | deleted | folded (unchanged text a reader may unfold)
    text: str

    @property
    def characters(self) -> int:
        return count_characters(self.text)


@dataclass(frozen=True)
class TextDiff:
    segments: list[Segment]

    @property
    def inserted(self) -> int:
        """Characters added, white space not counted."""
        return sum(s.characters for s in self.segments if s.kind == INSERTED)

    @property
    def deleted(self) -> int:
        return sum(s.characters for s in self.segments if s.kind == DELETED)

    @property
    def changed(self) -> bool:
        return any(s.kind in (INSERTED, DELETED) for s in self.segments)

    def folded(self, context: int = CONTEXT) -> list[Segment]:
        """The segments with long unchanged stretches folded, ``context`` characters kept beside changes."""
        shown: list[Segment] = []
        last = len(self.segments) - 1
        for index, segment in enumerate(self.segments):
            keep_head = context if index > 0 else 0
            keep_tail = context if index < last else 0
            if segment.kind != SAME or len(segment.text) <= keep_head + keep_tail + context:
                shown.append(segment)
                continue
            text = segment.text
            middle_end = len(text) - keep_tail
            shown += [
                *([Segment(SAME, text[:keep_head])] if keep_head else []),
                Segment(FOLDED, text[keep_head:middle_end]),
                *([Segment(SAME, text[middle_end:])] if keep_tail else []),
            ]
        return shown


@dataclass(frozen=True)
class SectionChange:
    """A long text of the submission (a section of the plan) before and after, as marked text."""

    name: str
    heading: str
    anchor: str
    diff: TextDiff


@dataclass(frozen=True)
class FieldChange:
    """A short field of the form (the period, the business lead) with its value before and after."""

    name: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class Comparison:
    sections: list[SectionChange]
    fields: list[FieldChange]

    @property
    def changed(self) -> bool:
        return bool(self.fields) or any(s.diff.changed for s in self.sections)


def sentences(text: str) -> list[str]:
    """``text`` cut after each sentence's end mark and around line breaks; joined, they give it back."""
    return _SENTENCE.findall(text)


def diff_text(before: str, after: str) -> TextDiff:
    old, new = sentences(before), sentences(after)
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        removed, added = "".join(old[i1:i2]), "".join(new[j1:j2])
        if tag == "equal":
            segments.append(Segment(SAME, removed))
        elif tag == "replace":
            segments += _edited(removed, added)
        else:
            segments.append(Segment(DELETED, removed) if removed else Segment(INSERTED, added))
    return TextDiff(_merged(segments))


def compare(earlier: Submission, later: Submission) -> Comparison:
    """Every section and field of ``later`` (and those ``earlier`` had) against ``earlier``."""
    earlier_texts = {(d.name, s.name): s.text for d in earlier.documents for s in d.sections}
    sections = [
        SectionChange(
            section.name,
            section.heading,
            section.anchor,
            diff_text(earlier_texts.get((document.name, section.name), ""), section.text),
        )
        for document in later.documents
        for section in document.sections
    ]
    before = {entry.name: entry for entry in earlier.entries}
    after = {entry.name: entry for entry in later.entries}
    fields = []
    for name in [*after, *(n for n in before if n not in after)]:
        old_entry, new_entry = before.get(name), after.get(name)
        shown = new_entry or old_entry
        if shown is None or (old_entry and new_entry and old_entry.text == new_entry.text):
            continue
        if shown.kind == LONG_TEXT:
            anchor = f"change-{later.seq}-{name}"
            diff = diff_text(_text(old_entry), _text(new_entry))
            sections.append(SectionChange(name, shown.label, anchor, diff))
        else:
            fields.append(FieldChange(name, shown.label, _text(old_entry), _text(new_entry)))
    return Comparison(sections, fields)


def _text(entry: Entry | None) -> str:
    return entry.text if entry is not None else ""


def _edited(removed: str, added: str) -> list[Segment]:
    """Sentences replaced by others: marked character by character when edited, whole when rewritten."""
    whole = [Segment(DELETED, removed), Segment(INSERTED, added)]
    if len(removed) * len(added) > _CHARACTER_BUDGET:
        return whole
    matcher = SequenceMatcher(None, removed, added, autojunk=False)
    if matcher.ratio() < _EDITED_RATIO:
        return whole
    segments = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(Segment(SAME, removed[i1:i2]))
            continue
        if i2 > i1:
            segments.append(Segment(DELETED, removed[i1:i2]))
        if j2 > j1:
            segments.append(Segment(INSERTED, added[j1:j2]))
    return _without_crumbs(segments)


def _without_crumbs(segments: list[Segment]) -> list[Segment]:
    """A word or two left unchanged between two changes reads as noise: it joins both sides of the change."""
    cleaned = []
    for index, segment in enumerate(segments):
        between = 0 < index < len(segments) - 1
        if segment.kind == SAME and between and len(segment.text) < _CRUMB:
            cleaned += [Segment(DELETED, segment.text), Segment(INSERTED, segment.text)]
        else:
            cleaned.append(segment)
    return cleaned


def _merged(segments: list[Segment]) -> list[Segment]:
    """Neighbouring changes as one deletion followed by one insertion; neighbouring same text joined."""
    merged: list[Segment] = []
    removed: list[str] = []
    added: list[str] = []

    def flush() -> None:
        if removed:
            merged.append(Segment(DELETED, "".join(removed)))
        if added:
            merged.append(Segment(INSERTED, "".join(added)))
        removed.clear()
        added.clear()

    for segment in segments:
        if not segment.text:
            continue
        if segment.kind == DELETED:
            removed.append(segment.text)
        elif segment.kind == INSERTED:
            added.append(segment.text)
        else:
            flush()
            if merged and merged[-1].kind == SAME:
                merged[-1] = Segment(SAME, merged[-1].text + segment.text)
            else:
                merged.append(segment)
    flush()
    return merged
