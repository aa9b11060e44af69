"""Uploaded files of an application: size- and type-checked, stored apart from the workflow state."""

from __future__ import annotations

import hashlib
import io
import unicodedata
import zipfile
from pathlib import PurePath

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ... import clock
from ...extensions import db
from ...forms import FieldError, FormDefinition
from ...models import Attachment, User
from ..errors import MAX_ID, NotFound, ValidationFailed

# extension -> (content type, how the file must begin); Office formats are OLE (old) or ZIP (new).
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
ALLOWED_TYPES = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".doc": ("application/msword", _OLE),
    ".xls": ("application/vnd.ms-excel", _OLE),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
}
# what a genuine OOXML package of that kind holds
_OOXML_PART = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}


def safe_filename(name: str | None) -> str:
    """A file name fit for storage and a Content-Disposition header: no folders, no control or
    format characters (NUL, line breaks, right-to-left overrides), at most 200 characters.

    Applied when a file is stored and again when it is downloaded, so a name stored before this
    rule still downloads.
    """
    base = PurePath((name or "").replace("\\", "/")).name
    kept = "".join(c if unicodedata.category(c)[0] != "C" else "" for c in base)
    return " ".join(kept.split())[:200] or "upload"


def file_fields(form: FormDefinition) -> list[str]:
    return [f.name for f in form.fields() if f.widget == "file"]


def _problem(field: str, message: str) -> ValidationFailed:
    return ValidationFailed([FieldError(field, message)], message)


def _check_type(field: str, filename: str, content: bytes) -> str:
    suffix = PurePath(filename).suffix.lower()
    if suffix not in ALLOWED_TYPES:
        raise _problem(
            field, _("Only PDF, Word or Excel files (.pdf .doc .docx .xls .xlsx) can be uploaded.")
        )
    content_type, magic = ALLOWED_TYPES[suffix]
    genuine = content.startswith(magic)
    if genuine and suffix in _OOXML_PART:
        try:
            genuine = _OOXML_PART[suffix] in zipfile.ZipFile(io.BytesIO(content)).namelist()
        except zipfile.BadZipFile:
            genuine = False
    if not genuine:
        raise _problem(
            field, _("The file %(name)s is not a genuine %(kind)s file.", name=filename, kind=suffix[1:])
        )
    return content_type


def checked_file(field: str, filename: str | None, stream) -> tuple[str, str, bytes]:
    """An uploaded file's safe name, content type and bytes, once it passed the checks (not empty,
    within ATTACHMENT_MAX_BYTES, a genuine PDF, Word or Excel file); the refusal names `field`."""
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    content = stream.read(limit + 1)
    if not content:
        raise _problem(field, _("The uploaded file is empty."))
    if len(content) > limit:
        raise _problem(field, _("The file is larger than %(mb)s MB.", mb=limit // (1024 * 1024)))
    name = safe_filename(filename)
    return name, _check_type(field, name, content), content


def store_upload(
    user: User, instance_id: int, form: FormDefinition, field: str, filename: str, stream
) -> dict:
    """Check and keep one uploaded file for a form field; returns the reference the form stores.

    The caller has already checked that `user` may act on the task (and so on the instance).
    """
    if field not in file_fields(form):
        raise _problem(field, _("This form has no file field %(name)s.", name=field))
    name, content_type, content = checked_file(field, filename, stream)
    attachment = Attachment(
        instance_id=instance_id,
        field=field,
        filename=name,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        uploaded_by_id=user.id,
        uploaded_at=clock.now(),
    )
    db.session.add(attachment)
    db.session.commit()
    return attachment.reference()


def settle_references(form: FormDefinition, data: dict, instance_id: int) -> dict:
    """Replace each file reference by the stored one; a reference to another application's file, or
    to none, is refused (a client cannot point at someone else's upload or invent its size)."""
    settled = dict(data)
    for field in file_fields(form):
        ref = settled.get(field)
        if ref is None:
            continue
        attachment_id = ref.get("id") if isinstance(ref, dict) else None
        attachment = (
            db.session.get(Attachment, attachment_id)
            if isinstance(attachment_id, int) and 0 < attachment_id < MAX_ID
            else None
        )
        if attachment is None or attachment.instance_id != instance_id or attachment.field != field:
            raise _problem(field, _("Please upload the file again."))
        settled[field] = attachment.reference()
    return settled


def attachment_of(instance_id: int, attachment_id: int) -> Attachment:
    """An attachment of an instance the caller has already been allowed to see."""
    attachment = (
        db.session.scalar(
            select(Attachment).where(Attachment.id == attachment_id, Attachment.instance_id == instance_id)
        )
        if 0 < attachment_id < MAX_ID
        else None
    )
    if attachment is None:
        raise NotFound(_("File not found."))
    return attachment
