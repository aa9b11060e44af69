"""An .xlsx of accounts with the import's headings, as an administrator would fill the template."""

from __future__ import annotations

import io

from openpyxl import Workbook

from app.services.administration import user_import

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def accounts_sheet(*rows) -> bytes:
    """The headings in the current locale, then the rows (call within a request or app context)."""
    book = Workbook()
    sheet = book.active
    sheet.append(user_import.headings())
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
