"""What a call publishes besides its name and dates: the notice's text, whom to ask, and its files
(the notice itself, the reference themes of 附件1/2, other documents). The province edits them; every
signed-in participant reads them, a county before it starts an application.

Files are checked like an application's uploads (`attachments.checked_file`). The 申报表 template is
not stored: the app prints it blank from the same template as every application's form.
"""

from __future__ import annotations

import hashlib
import io

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ... import clock
from ...extensions import db
from ...forms import FieldError
from ...forms.messages import too_long_message
from ...models import Call, CallAttachment, User
from ...roles import Role
from ..errors import MAX_ID, Forbidden, NotFound, ValidationFailed
from .attachments import checked_file

ATTACHMENT_KINDS = {
    "notice": _l("The notice"),
    "reference_themes": _l("Reference themes (attachments 1 and 2)"),
    "application_form": _l("Application form template (attachment 3)"),
    "other": _l("Other document"),
}
NOTICE_MAX_CHARS = 50_000
CONTACTS_MAX_CHARS = 2_000


def _require_province(user: User) -> None:
    if Role.PROVINCE not in user.roles:
        raise Forbidden(_("Only the provincial department can edit a call's notice."))


def call_for(call_id: int) -> Call:
    call = db.session.get(Call, call_id) if 0 < call_id < MAX_ID else None
    if call is None:
        raise NotFound(_("Call not found."))
    return call


def update_notice(user: User, call_id: int, notice_text: str, contacts: str) -> Call:
    """Replace the notice's text and contacts; too long a text is refused with nothing changed."""
    _require_province(user)
    call = call_for(call_id)
    notice_text, contacts = (notice_text or "").strip(), (contacts or "").strip()
    errors = [
        FieldError(name, too_long_message(limit, len(value)))
        for name, value, limit in (
            ("notice_text", notice_text, NOTICE_MAX_CHARS),
            ("contacts", contacts, CONTACTS_MAX_CHARS),
        )
        if len(value) > limit
    ]
    if errors:
        raise ValidationFailed(errors, errors[0].message)
    call.notice_text, call.contacts = notice_text, contacts
    db.session.commit()
    return call


def add_attachment(
    user: User | None, call_id: int, kind: str, filename: str | None, stream
) -> CallAttachment:
    """Check and keep one file of the call. ``user`` None is the system (the demo's generated files)."""
    if user is not None:
        _require_province(user)
    call = call_for(call_id)
    if kind not in ATTACHMENT_KINDS:
        raise ValidationFailed(
            [FieldError("kind", _("Choose what the file is."))], _("Choose what the file is.")
        )
    name, content_type, content = checked_file("file", filename, stream)
    attachment = CallAttachment(
        call_id=call.id,
        kind=kind,
        filename=name,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        uploaded_by_id=user.id if user else None,
        uploaded_at=clock.now(),
    )
    db.session.add(attachment)
    db.session.commit()
    return attachment


def add_generated(call: Call, kind: str, filename: str, content: bytes) -> CallAttachment:
    """A file the app made (the demo's notice as PDF, the themes as Excel), checked like an upload."""
    return add_attachment(None, call.id, kind, filename, io.BytesIO(content))


def remove_attachment(user: User, call_id: int, attachment_id: int) -> None:
    _require_province(user)
    db.session.delete(attachment_of(call_id, attachment_id))
    db.session.commit()


def attachments_of(call: Call) -> list[CallAttachment]:
    """The call's files, the notice first, then by kind as listed in ATTACHMENT_KINDS and upload."""
    order = list(ATTACHMENT_KINDS)
    found = db.session.scalars(select(CallAttachment).where(CallAttachment.call_id == call.id))
    return sorted(found, key=lambda a: (order.index(a.kind), a.id))


def attachment_of(call_id: int, attachment_id: int) -> CallAttachment:
    attachment = (
        db.session.scalar(
            select(CallAttachment).where(
                CallAttachment.id == attachment_id, CallAttachment.call_id == call_id
            )
        )
        if 0 < attachment_id < MAX_ID
        else None
    )
    if attachment is None:
        raise NotFound(_("File not found."))
    return attachment
