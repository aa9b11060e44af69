"""The reader's language, and the punctuation that differs between Chinese and English text."""

from __future__ import annotations

from flask_babel import get_locale

from app.forms.definition import wants_english


def english_wanted() -> bool:
    """Whether the page (or export) being made is read in English."""
    return wants_english(get_locale())


def colon() -> str:
    """The colon after a label: full-width in Chinese, ``": "`` in English."""
    return ": " if english_wanted() else "："


def parenthesised(text: object) -> str:
    """``（text）`` in Chinese, `` (text)`` in English."""
    return f" ({text})" if english_wanted() else f"（{text}）"


def list_separator() -> str:
    """What separates the items of an inline list: 、 in Chinese, a comma in English."""
    return ", " if english_wanted() else "、"
