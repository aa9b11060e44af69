"""Accounts from an Excel sheet (.xlsx): all rows or none, with a row-by-row report of refusals.

Every row is checked by the same rules as the administrator's form (``users.problems_of``) plus the
password policy and duplicates within the sheet. One problem anywhere and nothing is written; else
every account is created in one transaction, each with its change-log row, each with a password its
owner must change at the first sign-in. ``template`` is the sheet to fill in.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from ...extensions import db
from ...forms import FieldError
from ...models import User
from ...roles import ROLE_LABELS, role_named
from ..errors import ValidationFailed
from . import changes
from .access import require_admin
from .users import UserFields, label, new_account_problems, new_user, snapshot


def N_(msgid: str) -> str:
    """Marks a msgid for the catalog; it is translated where it is shown (``headings``)."""
    return msgid


# The sheet's columns, in order: the field each fills and its heading (as a msgid). A sheet is read
# with its headings in Chinese or in English, whichever language the template was downloaded in.
COLUMNS = (
    ("username", N_("Username")),
    ("display_name", N_("Full name")),
    ("unit", N_("Unit code")),
    ("roles", N_("Roles")),
    ("committee", N_("Committee")),
    ("title", N_("Title")),
    ("email", N_("E-mail")),
    ("phone", N_("Phone")),
    ("password", N_("Initial password")),
)
MAX_ROWS = 2000
_SEPARATORS = re.compile(r"[,，、;；\s]+")
_COMMITTEES = {"national": "national", "provincial": "provincial", "全国": "national", "省级": "provincial"}


def headings() -> list[str]:
    """The columns' headings in the user's language."""
    return [_(msgid) for _name, msgid in COLUMNS]


@dataclass(frozen=True)
class RowProblem:
    row: int  # the sheet's row number, as Excel shows it
    column: str  # the column's heading
    message: str


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def template(admin: User) -> bytes:
    """An empty sheet with the headings, and a second sheet explaining each column."""
    require_admin(admin)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Users")
    sheet.append(headings())
    notes = book.create_sheet(_("Notes"))
    notes.append([_("Fill in one account per row of the first sheet; leave the headings as they are.")])
    notes.append([_("Unit code: the administrative code of a county, a city or the province (e.g. 370102).")])
    notes.append(
        [_("Roles, separated by commas:")] + [f"{code}（{label}）" for code, label in ROLE_LABELS.items()]
    )
    notes.append([_("Committee, for experts: national (全国) or provincial (省级).")])
    notes.append([_("The initial password must be changed at the first sign-in.")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value: object) -> str:
    """A cell as text: 370102 typed as a number reads as "370102", not "370102.0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows(content: bytes) -> list[tuple[int, list[str]]]:
    """(row number, cells as text) of every non-empty row below the headings."""
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        message = _("The file is not an Excel workbook (.xlsx). Please start from the template.")
        raise ValidationFailed([FieldError("file", message)], message) from None
    sheet = book.worksheets[0]
    rows = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = [_text(v) for v in values][: len(COLUMNS)]
        if number == 1:
            typed = [c.casefold() for c in cells]
            if typed not in ([h.casefold() for h in headings()], [m.casefold() for _n, m in COLUMNS]):
                message = _("The first row must hold the template's headings.")
                raise ValidationFailed([FieldError("file", message)], message)
            continue
        if any(cells):
            rows.append((number, cells + [""] * (len(COLUMNS) - len(cells))))
        if len(rows) > MAX_ROWS:
            message = _("A sheet holds at most %(count)d accounts.", count=MAX_ROWS)
            raise ValidationFailed([FieldError("file", message)], message)
    book.close()
    return rows


def _fields(cells: list[str]) -> tuple[UserFields, str]:
    values = dict(zip((name for name, _h in COLUMNS), cells, strict=True))
    roles = []
    for word in filter(None, _SEPARATORS.split(values["roles"])):
        role = role_named(word)
        roles.append(str(role) if role else word)
    committee = _COMMITTEES.get(values["committee"].casefold(), values["committee"])
    fields = UserFields(
        values["username"],
        values["display_name"],
        values["unit"],
        roles,
        committee,
        values["title"],
        values["email"],
        values["phone"],
    ).stripped()
    return fields, values["password"]


def import_users(admin: User, content: bytes) -> ImportReport:
    """Create every account of the sheet, or none: the report lists each refused row and why."""
    require_admin(admin)
    heading_of = dict(zip((name for name, _msgid in COLUMNS), headings(), strict=True))
    report = ImportReport()
    checked: list[tuple[UserFields, str]] = []
    seen: dict[str, int] = {}
    rows = _rows(content)
    if not rows:
        message = _("The sheet holds no accounts.")
        raise ValidationFailed([FieldError("file", message)], message)
    for number, cells in rows:
        fields, password = _fields(cells)
        problems = new_account_problems(fields, password)
        if fields.username in seen:
            problems.append(
                FieldError("username", _("The same username is on row %(row)d.", row=seen[fields.username]))
            )
        seen.setdefault(fields.username, number)
        report.problems += [RowProblem(number, heading_of.get(p.field, p.field), p.message) for p in problems]
        checked.append((fields, password))
    if report.problems:
        return report
    try:
        for fields, password in checked:
            user = new_user(fields, password)
            db.session.flush()
            changes.record(admin, "user_created", "user", user.id, label(user), after=snapshot(user))
            report.created.append(user.username)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return report
