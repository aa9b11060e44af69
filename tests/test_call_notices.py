"""A call carries its notice: text, contacts and files. The province edits it; everyone reads it."""

from __future__ import annotations

import io

import openpyxl
import pytest

from app.extensions import db
from app.models import CallAttachment
from app.services.errors import Forbidden, ValidationFailed
from app.services.lifecycle import call_notices
from app.services.reading.call_documents import notice_pdf, reference_themes_xlsx

from .web_helpers import csrf_token, login

PDF = b"%PDF-1.4\n% a small but genuine start\n"


def _upload(client, call_id: int, content: bytes, name: str, kind: str = "notice"):
    token = csrf_token(client.get(f"/calls/{call_id}").get_data(as_text=True))
    return client.post(
        f"/calls/{call_id}/files",
        data={"csrf_token": token, "kind": kind, "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_the_province_publishes_the_notice_and_a_county_reads_it_before_starting(client, world):
    call = world.open_call()
    login(client, "province")
    token = csrf_token(client.get(f"/calls/{call.id}").get_data(as_text=True))
    saved = client.post(
        f"/calls/{call.id}/notice",
        data={
            "csrf_token": token,
            "notice_text": "各市民政局：\n现就有关事项通知如下。",
            "contacts": "联系人：张蕾",
        },
    )
    assert saved.status_code == 302
    assert _upload(client, call.id, PDF, "通知.pdf").status_code == 302
    client.post("/logout")

    login(client, "370102")
    assert f'href="/calls/{call.id}"' in client.get("/calls").get_data(as_text=True)
    page = client.get(f"/calls/{call.id}").get_data(as_text=True)
    assert "各市民政局：\n现就有关事项通知如下。" in page and "联系人：张蕾" in page
    assert "通知.pdf" in page and 'data-testid="call-start"' in page
    assert 'data-testid="notice-form"' not in page, "only the province edits"
    (stored,) = call_notices.attachments_of(call)
    opened = client.get(f"/calls/{call.id}/files/{stored.id}")
    assert opened.data == PDF and opened.mimetype == "application/pdf"
    assert "attachment" not in opened.headers.get("Content-Disposition", ""), "a PDF opens in the browser"


def test_a_county_cannot_edit_the_notice_or_add_files(client, world):
    call = world.open_call()
    login(client, "370102")
    token = csrf_token(client.get(f"/calls/{call.id}").get_data(as_text=True))
    refused = client.post(
        f"/calls/{call.id}/notice", data={"csrf_token": token, "notice_text": "改", "contacts": ""}
    )
    assert refused.status_code == 403
    assert _upload(client, call.id, PDF, "x.pdf").status_code == 403
    stored = call_notices.add_generated(call, "notice", "通知.pdf", PDF)
    gone = client.post(f"/calls/{call.id}/files/{stored.id}/delete", data={"csrf_token": token})
    assert gone.status_code == 403 and call_notices.attachments_of(call) == [stored]
    db.session.delete(stored)
    db.session.commit()
    db.session.expire_all()
    assert call.notice_text == "" and call_notices.attachments_of(call) == []
    with pytest.raises(Forbidden):
        call_notices.update_notice(world.user("370100"), call.id, "改", "")


def test_too_long_a_notice_is_refused_and_the_typed_text_stays_in_the_form(client, world):
    call = world.open_call()
    login(client, "province")
    token = csrf_token(client.get(f"/calls/{call.id}").get_data(as_text=True))
    typed = "通" * (call_notices.NOTICE_MAX_CHARS + 1)
    refused = client.post(
        f"/calls/{call.id}/notice",
        data={"csrf_token": token, "notice_text": typed, "contacts": "联系人：郭洋"},
    )
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert typed in page and "联系人：郭洋" in page and "field-error" in page
    db.session.expire_all()
    assert call.notice_text == "" and call.contacts == ""


def test_a_file_that_is_not_what_its_name_says_is_refused(client, world):
    call = world.open_call()
    login(client, "province")
    refused = _upload(client, call.id, b"MZ not a pdf", "通知.pdf", kind="reference_themes")
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "不是有效的 pdf 文件" in page
    assert '<option value="reference_themes" selected>' in page, "the chosen kind is kept"
    assert db.session.query(CallAttachment).count() == 0
    assert _upload(client, call.id, b"", "empty.pdf").status_code == 422
    with pytest.raises(ValidationFailed):
        call_notices.add_attachment(world.user("province"), call.id, "menu", "a.pdf", io.BytesIO(PDF))


def test_the_province_removes_a_file_and_other_calls_files_are_not_found(client, world):
    call = world.open_call()
    login(client, "province")
    _upload(client, call.id, PDF, "旧通知.pdf")
    (stored,) = call_notices.attachments_of(call)
    assert client.get(f"/calls/{call.id + 1}/files/{stored.id}").status_code == 404
    assert client.get(f"/calls/{call.id + 1}").status_code == 404
    token = csrf_token(client.get(f"/calls/{call.id}").get_data(as_text=True))
    assert (
        client.post(f"/calls/{call.id}/files/{stored.id}/delete", data={"csrf_token": token}).status_code
        == 302
    )
    assert call_notices.attachments_of(call) == []


def test_every_call_offers_the_blank_application_form_as_pdf(client, world):
    call = world.open_call()
    login(client, "370102")
    template = client.get(f"/calls/{call.id}/application-form.pdf")
    assert template.status_code == 200 and template.mimetype == "application/pdf"
    assert template.data.startswith(b"%PDF-")


def test_the_notice_is_made_into_a_pdf(app):
    with app.test_request_context():
        assert notice_pdf("通知", "各市民政局：\n现就有关事项通知如下。").startswith(b"%PDF-")


def test_the_reference_themes_workbook_lists_attachments_1_and_2(app):
    book = openpyxl.load_workbook(io.BytesIO(reference_themes_xlsx()))
    urban, rural = book.worksheets
    assert urban.title.startswith("附件1") and rural.title.startswith("附件2")
    assert urban.max_row - 2 == 22 and rural.max_row - 2 == 10
    assert urban["B3"].value == "U01"
