"""Phases 3 and 4: level-by-level recommendation with attachments, assessment and recognition."""

from __future__ import annotations

import io
import zipfile

import pytest
from flask import g

from app.demo import driver
from app.services.errors import ValidationFailed
from app.services.lifecycle import tasks


@pytest.fixture
def passed_review(world):
    instance = world.start("370102")
    world.forward(instance)
    world.review_round(instance, "pass", experts=("expert05",))
    return instance


def test_recommended_assessed_and_recognised(world, passed_review):
    driver.submit_formally(passed_review)
    driver.city_recommends(passed_review)
    driver.receive_paper(passed_review)
    driver.assess(passed_review, "pass")
    driver.recognise(passed_review)
    instance = world.reload(passed_review)
    assert instance.status == "running"
    assert instance.phase == "实验实施", "a recognised zone starts its experiment"


def test_the_recognition_date_lies_between_the_assessment_and_today(world, clock, passed_review):
    """A recognition cannot be dated before the assessment it follows, nor in the future."""
    from datetime import timedelta

    driver.submit_formally(passed_review)
    driver.city_recommends(passed_review)
    driver.receive_paper(passed_review)
    driver.assess(passed_review, "pass")  # 2026-05-04
    clock.advance(timedelta(days=3))
    for date, message in [
        ("2026-05-03", "日期不能早于 2026-05-04（“综合评估”办理之日）。"),
        ("2026-05-08", "日期不能晚于今天（2026-05-07）。"),
    ]:
        with pytest.raises(ValidationFailed) as raised:
            driver.recognise(passed_review, date)
        assert {e.field: e.message for e in raised.value.errors} == {"recognition_date": message}
    assert world.task(passed_review, "Task_Recognition") is not None, "nothing was recognised yet"
    driver.recognise(passed_review, "2026-05-04")
    assert world.reload(passed_review).phase == "实验实施"


def test_city_declines_and_the_application_ends(world, passed_review):
    driver.submit_formally(passed_review)
    driver.city_recommends(passed_review, agree=False)
    assert world.reload(passed_review).outcome == "city_declined"


def test_assessment_not_passed_ends_it(world, passed_review):
    driver.submit_formally(passed_review)
    driver.city_recommends(passed_review)
    driver.receive_paper(passed_review)
    driver.assess(passed_review, "fail")
    assert world.reload(passed_review).outcome == "assessment_failed"


def test_a_recommendation_needs_its_document_and_evaluations(world, passed_review):
    driver.submit_formally(passed_review)
    task = world.task(passed_review, "Task_CityRecommendation")
    with pytest.raises(ValidationFailed) as raised:
        tasks.complete_task(world.user("370100"), task.id, {"city_agrees": "agree"})
    fields = {e.field for e in raised.value.errors}
    assert {"city_doc_number", "city_doc_date", "evaluation_foundation", "support_funding"} <= fields


def test_assessment_needs_a_method(world, passed_review):
    driver.submit_formally(passed_review)
    driver.city_recommends(passed_review)
    driver.receive_paper(passed_review)
    task = world.task(passed_review, "Task_Assessment")
    data = {
        **{
            d: "good"
            for d in ("dim_foundation", "dim_theme", "dim_plan", "dim_guarantee", "dim_city_support")
        },
        "assessment_result": "pass",
        "assessment_comments": "同意",
    }
    with pytest.raises(ValidationFailed) as raised:
        tasks.complete_task(world.user("province"), task.id, data)
    assert raised.value.errors[0].message == "请选择评估方式：会议评估、实地评估或两者。"


def _upload(world, instance, name, content, field="application_form_file"):
    task = world.task(instance, "Task_FormalSubmission")
    return tasks.upload_file(world.user("370102"), task.id, field, name, io.BytesIO(content))


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_uploads_must_be_genuine_pdf_or_office_files(world, passed_review):
    assert _upload(world, passed_review, "申报表.pdf", driver.DEMO_PDF)["name"] == "申报表.pdf"
    assert _upload(world, passed_review, "方案.docx", _docx())["size"] > 0
    for name, content, expected in [
        ("evil.exe", b"MZ\x90\x00", "只能上传 PDF、Word 或 Excel 文件"),
        ("fake.pdf", b"<html>not a pdf</html>", "不是有效的 pdf 文件"),
        ("fake.docx", b"PK\x03\x04 but not a package", "不是有效的 docx 文件"),
        ("empty.pdf", b"", "上传的文件为空"),
    ]:
        with pytest.raises(ValidationFailed) as raised:
            _upload(world, passed_review, name, content)
        assert expected in raised.value.message, name


def test_uploads_are_limited_in_size(app, world, passed_review):
    app.config["ATTACHMENT_MAX_BYTES"] = 1024
    with pytest.raises(ValidationFailed) as raised:
        _upload(world, passed_review, "big.pdf", driver.DEMO_PDF + b"0" * 2048)
    assert "文件超过" in raised.value.message


def test_a_reference_to_another_applications_file_is_refused(world, passed_review):
    other = world.start("370203")
    world.forward(other)
    world.review_round(other, "pass", experts=("expert05",))
    theirs = tasks.upload_file(
        world.user("370203"),
        world.task(other, "Task_FormalSubmission").id,
        "plan_file",
        "p.pdf",
        io.BytesIO(driver.DEMO_PDF),
    )
    mine = _upload(world, passed_review, "a.pdf", driver.DEMO_PDF)
    data = {
        "submission_doc_number": "历发〔2026〕1号",
        "submission_date": "2026-05-04",
        "application_form_file": mine,
        "plan_file": theirs,
    }
    with pytest.raises(ValidationFailed) as raised:
        tasks.complete_task(world.user("370102"), world.task(passed_review, "Task_FormalSubmission").id, data)
    assert raised.value.errors[0].field == "plan_file"


def test_api_upload_then_complete(api, world, passed_review):
    task_id = world.task(passed_review, "Task_FormalSubmission").id
    token = api.token("370102")
    refs = {}
    for field in ("application_form_file", "plan_file"):
        response = api.client.post(
            f"/api/tasks/{task_id}/attachments",
            data={"field": field, "file": (io.BytesIO(driver.DEMO_PDF), f"{field}.pdf")},
            headers={"Authorization": f"Bearer {token}"},
            content_type="multipart/form-data",
        )
        assert response.status_code == 201, response.get_json()
        refs[field] = {"id": response.get_json()["id"]}
    data = {"submission_doc_number": "历发〔2026〕1号", "submission_date": "2026-05-04", **refs}
    response = api.post("370102", f"/api/tasks/{task_id}/complete", {"data": data})
    assert response.status_code == 200, response.get_json()
    assert [t["element_id"] for t in response.get_json()["ready_tasks"]] == ["Task_CityRecommendation"]
    bad = api.client.post(
        f"/api/tasks/{world.task(passed_review, 'Task_CityRecommendation').id}/attachments",
        data={"field": "x", "file": (io.BytesIO(b"x"), "x.pdf")},
        headers={"Authorization": f"Bearer {token}"},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 404, "the city's task is not the applicant's"


def test_attachments_download_within_scope_only(client, world, passed_review):
    from .web_helpers import login

    driver.submit_formally(passed_review)
    login(client, "370100")
    page = client.get(f"/applications/{passed_review.id}").get_data(as_text=True)
    assert "application_form_file.pdf" in page
    import re

    link = re.search(r'href="(/applications/\d+/files/\d+)"', page).group(1)
    download = client.get(link)
    assert download.status_code == 200
    assert download.data.startswith(b"%PDF-")
    g.pop("csrf_token", None)  # the test shares one app context; a second browser has its own token
    other = client.application.test_client()
    assert login(other, "370200").status_code == 302
    assert other.get(link).status_code == 404
