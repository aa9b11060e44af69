"""Responses the web pages and the API share: the audit package, the 申报表 as PDF, application files,
Excel workbooks."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from flask import current_app, render_template, send_file

from .. import clock
from ..services.audit import access, security_log
from ..services.audit import exports as audit_exports
from ..services.lifecycle import attachments
from ..services.reading import queries
from ..services.reading.application_form import (
    ApplicationForm,
    application_form_for,
    blank_application_form,
    form_pdf,
)

if TYPE_CHECKING:
    from ..models import User


def application_form_pdf(user: User, instance_id: int, locale: str = "zh_CN") -> bytes:
    """The printable 申报表 of an application as `user` may see it, as PDF, styled from the static folder."""
    return _pdf_of(application_form_for(user, instance_id, locale))


def blank_application_form_pdf() -> bytes:
    """The 申报表 template a call publishes: the same form, blank."""
    return _pdf_of(blank_application_form())


def _pdf_of(form: ApplicationForm) -> bytes:
    html = render_template("instances/application_form.html", form=form)
    static_folder, static_url_path = current_app.static_folder, current_app.static_url_path
    assert static_folder is not None and static_url_path is not None, "create_app keeps Flask's static folder"
    return form_pdf(html, static_folder, static_url_path)


def audit_package_response(user: User, instance_id: int):
    """The zip for `user` (checked: scope and auditor rights), recorded in the security log."""
    instance = access.audited_instance(user, instance_id)
    pdf = application_form_pdf(user, instance_id)
    content = audit_exports.audit_package(instance, pdf, user, clock.now())
    security_log.record(
        "export", user=user, what="audit_package", instance_id=instance.id, bytes=len(content)
    )
    return send_file(
        io.BytesIO(content),
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"audit-package-{instance.id}.zip",
    )


def attachment_response(user: User, instance_id: int, attachment_id: int):
    """A file of an application `user` may see: a PDF opens in the browser's own viewer (inline, so
    a link opens it in a new tab), other files download; NotFound outside the user's scope."""
    instance = queries.instance_for(user, instance_id)
    stored = attachments.attachment_of(instance.id, attachment_id)
    return send_file(
        io.BytesIO(stored.content),
        mimetype=stored.content_type,
        as_attachment=not stored.opens_inline,
        download_name=attachments.safe_filename(stored.filename),
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_download(content: bytes, filename: str, what: str, **details):
    """An Excel export as a download, recorded in the security log like every export of programme data."""
    security_log.record("export", what=what, **details)
    return send_file(io.BytesIO(content), mimetype=XLSX, as_attachment=True, download_name=filename)
