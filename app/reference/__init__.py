"""Reference data shipped with the application: Shandong's administrative divisions and the
reference themes of the notice's attachments 1 (urban) and 2 (rural).

The CSV files in ``data/`` are package data; they are read once and cached. Callers get fresh lists,
so mutating a result never changes what the next caller sees.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["Division", "Theme", "division_name_en", "find_theme", "load_divisions", "load_themes"]


@dataclass(frozen=True)
class Division:
    """An administrative division: the province, a city or a county-level unit."""

    adcode: str
    name: str
    level: str  # "province" | "city" | "county"
    parent_adcode: str | None
    name_en: str  # the pinyin name (Jinan, Lixia District) for pages read in English


@dataclass(frozen=True)
class Theme:
    """A reference theme; ``number`` is the Chinese ordinal used in the notice (一, 二, ...)."""

    code: str  # U01..U22, R01..R10
    kind: str  # "urban" | "rural"
    number: str
    title: str
    title_en: str

    def title_in(self, english: bool) -> str:
        return self.title_en if english and self.title_en else self.title

    def number_in(self, english: bool) -> str:
        """一, 二... in Chinese; 1, 2... (the code's number) in English."""
        return str(int(self.code[1:])) if english else self.number


def _read_csv(filename: str) -> list[dict[str, str]]:
    text = resources.files(__package__).joinpath("data", filename).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@cache
def _divisions() -> tuple[Division, ...]:
    return tuple(
        Division(
            adcode=row["adcode"],
            name=row["name"],
            level=row["level"],
            parent_adcode=row["parent_adcode"] or None,
            name_en=row["name_en"],
        )
        for row in _read_csv("shandong_divisions.csv")
    )


@cache
def _themes() -> tuple[Theme, ...]:
    return tuple(
        Theme(
            code=row["code"],
            kind=row["kind"],
            number=row["number"],
            title=row["title"],
            title_en=row["title_en"],
        )
        for row in _read_csv("reference_topics.csv")
    )


def load_divisions() -> list[Division]:
    """The province, its cities and county-level units, in file order."""
    return list(_divisions())


def load_themes() -> list[Theme]:
    """The 32 reference themes, urban first, in the order of the notice."""
    return list(_themes())


def find_theme(code: str) -> Theme | None:
    """The reference theme with this code, or None."""
    return next((theme for theme in _themes() if theme.code == code), None)


@cache
def _english_names() -> dict[str, str]:
    return {division.adcode: division.name_en for division in _divisions()}


def division_name_en(adcode: str) -> str | None:
    """The English (pinyin) name of a division, or None for a code not in the data."""
    return _english_names().get(adcode)
