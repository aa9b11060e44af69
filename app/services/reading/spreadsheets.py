"""Tables as Excel workbooks people can work with at once: a bold, frozen header row with a filter,
columns wide enough for their text (a Chinese character takes two widths), and an A4 page setup
(landscape, one page wide, the header repeated on every printed page)."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

MIN_WIDTH = 6
MAX_WIDTH = 60
SHEET_TITLE_MAX = 31  # Excel's limit
_FORBIDDEN_IN_TITLES = str.maketrans({c: " " for c in "[]:*?/\\"})


@dataclass(frozen=True)
class Table:
    title: str  # the sheet's name
    headers: Sequence[str]
    rows: Iterable[Sequence[object]]
    widths: Sequence[int] | None = None  # by column, as given; else measured from the text


def display_width(value: object) -> int:
    """How many character widths Excel needs to show ``value``: wide (CJK) characters count two."""
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def workbook_of(tables: Iterable[Table]) -> bytes:
    """One sheet per table, in order, as .xlsx bytes."""
    book = Workbook()
    book.remove(book.active)
    for table in tables:
        _write_sheet(book, table)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_sheet(book: Workbook, table: Table) -> None:
    sheet = book.create_sheet(table.title.translate(_FORBIDDEN_IN_TITLES)[:SHEET_TITLE_MAX])
    sheet.append(list(table.headers))
    widths = [display_width(h) for h in table.headers]
    for row in table.rows:
        sheet.append(list(row))
        widths = [max(w, display_width(v)) for w, v in zip(widths, row, strict=False)]
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    measured = [min(max(width + 2, MIN_WIDTH), MAX_WIDTH) for width in widths]
    for index, width in enumerate(table.widths or measured, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
