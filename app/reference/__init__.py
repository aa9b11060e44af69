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

__all__ = ["Division", "Theme", "find_theme", "load_divisions", "load_themes"]


@dataclass(frozen=True)
class Division:
    """An administrative division: the province, a city or a county-level unit."""

    adcode: str
    name: str
    level: str  # "province" | "city" | "county"
    parent_adcode: str | None


@dataclass(frozen=True)
class Theme:
    """A reference theme; ``number`` is the Chinese ordinal used in the notice (一, 二, ...)."""

    code: str  # U01..U22, R01..R10
    kind: str  # "urban" | "rural"
    number: str
    title: str


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
        )
        for row in _read_csv("shandong_divisions.csv")
    )


@cache
def _themes() -> tuple[Theme, ...]:
    return tuple(
        Theme(code=row["code"], kind=row["kind"], number=row["number"], title=row["title"])
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
