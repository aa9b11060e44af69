"""A call's page: its notice, contacts and files for everyone; editing for the province."""

from __future__ import annotations

import io

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...clock import now
from ...roles import Role
from ...scope import can_start_application
from ...services.errors import ValidationFailed
from ...services.lifecycle import call_notices
from ...services.lifecycle.attachments import safe_filename
from ..exports import blank_application_form_pdf
from . import bp


def _page(
    call_id: int,
    *,
    typed: dict | None = None,
    errors: dict | None = None,
    chosen_kind: str | None = None,
    status: int = 200,
):
    call = call_notices.call_for(call_id)
    typed = typed or {"notice_text": call.notice_text, "contacts": call.contacts}
    return render_template(
        "calls/detail.html",
        call=call,
        attachments=call_notices.attachments_of(call),
        kinds=call_notices.ATTACHMENT_KINDS,
        is_province=Role.PROVINCE in current_user.roles,
        can_start=can_start_application(current_user) and call.deadline > now(),
        typed=typed,
        errors=errors or {},
        chosen_kind=chosen_kind,
    ), status


@bp.get("/<int:call_id>")
@login_required
def detail(call_id: int):
    return _page(call_id)


@bp.post("/<int:call_id>/notice")
@login_required
def save_notice(call_id: int):
    typed = {"notice_text": request.form.get("notice_text", ""), "contacts": request.form.get("contacts", "")}
    try:
        call_notices.update_notice(current_user, call_id, typed["notice_text"], typed["contacts"])
    except ValidationFailed as exc:
        return _page(call_id, typed=typed, errors={e.field: e.message for e in exc.errors}, status=exc.status)
    flash(_("The notice was saved."), "success")
    return redirect(url_for("calls.detail", call_id=call_id))


@bp.post("/<int:call_id>/files")
@login_required
def upload(call_id: int):
    upload = request.files.get("file")
    filename, stream = (upload.filename, upload.stream) if upload else ("", io.BytesIO())
    try:
        call_notices.add_attachment(current_user, call_id, request.form.get("kind", ""), filename, stream)
    except ValidationFailed as exc:
        flash(exc.message, "error")
        return _page(call_id, chosen_kind=request.form.get("kind"), status=exc.status)
    flash(_("The file was added to the call."), "success")
    return redirect(url_for("calls.detail", call_id=call_id))


@bp.post("/<int:call_id>/files/<int:attachment_id>/delete")
@login_required
def delete_file(call_id: int, attachment_id: int):
    call_notices.remove_attachment(current_user, call_id, attachment_id)
    flash(_("The file was removed from the call."), "success")
    return redirect(url_for("calls.detail", call_id=call_id))


@bp.get("/<int:call_id>/files/<int:attachment_id>")
@login_required
def file(call_id: int, attachment_id: int):
    """A PDF opens in the browser's viewer (in a new tab), other files download."""
    stored = call_notices.attachment_of(call_id, attachment_id)
    return send_file(
        io.BytesIO(stored.content),
        mimetype=stored.content_type,
        as_attachment=not stored.opens_inline,
        download_name=safe_filename(stored.filename),
    )


@bp.get("/<int:call_id>/application-form.pdf")
@login_required
def application_form_template(call_id: int):
    """The blank 申报表 (附件3), printed by the app from the same layout as every application's form."""
    call_notices.call_for(call_id)
    return send_file(
        io.BytesIO(blank_application_form_pdf()),
        mimetype="application/pdf",
        download_name=f"{_('Application form')}.pdf",
    )
