"""Documents the app makes for a call: its notice as PDF (from the notice's text) and the reference
themes of 附件1/2 as an Excel workbook (from the reference data the theme picker uses)."""

from __future__ import annotations

import io

from flask import current_app
from markupsafe import escape
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from ...reference import load_themes
from .application_form import form_pdf

_KIND_SHEETS = {"urban": "附件1 城市社区治理实验参考选题", "rural": "附件2 农村社区治理实验参考选题"}


def notice_pdf(title: str, text: str) -> bytes:
    """The notice as an A4 PDF: its text paragraph by paragraph (the text carries its own heading;
    ``title`` is the document's title in the PDF's properties)."""
    paragraphs = "".join(f"<p>{escape(line.strip())}</p>" for line in text.splitlines() if line.strip())
    html = (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        '<link rel="stylesheet" href="/static/css/print.css"></head>'
        f'<body class="notice-document">{paragraphs}</body></html>'
    )
    static_folder, static_url_path = current_app.static_folder, current_app.static_url_path
    assert static_folder is not None and static_url_path is not None, "create_app keeps Flask's static folder"
    return form_pdf(html, static_folder, static_url_path)


def reference_themes_xlsx() -> bytes:
    """One sheet per kind of zone: number, code and title of each reference theme."""
    book = Workbook()
    book.remove(book.active)
    for kind, sheet_title in _KIND_SHEETS.items():
        sheet = book.create_sheet(sheet_title[:31])
        sheet.append([sheet_title])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append(["序号", "编号", "参考选题"])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for theme in (t for t in load_themes() if t.kind == kind):
            sheet.append([theme.number, theme.code, theme.title])
        sheet.column_dimensions["A"].width = 8
        sheet.column_dimensions["B"].width = 8
        sheet.column_dimensions["C"].width = 70
        for row in sheet.iter_rows(min_row=3):
            row[2].alignment = Alignment(wrap_text=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
