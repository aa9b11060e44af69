"""The web pages: sign-in, CSRF, the inbox, the task form round trip, the language switch."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import HistoryEvent

from .web_helpers import csrf_token, login


def test_wrong_password_is_refused_with_a_chinese_message(client):
    response = login(client, "370102", "wrong")
    assert response.status_code == 401
    assert "用户名或密码错误。" in response.get_data(as_text=True)


def test_pages_need_a_signed_in_user(client):
    response = client.get("/inbox")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_form_posted_without_csrf_token_is_refused_and_changes_nothing(client, world):
    instance = world.start()
    world.declare(instance)
    assert login(client, "370100").status_code == 302
    task_id = world.task(instance, "Task_CityReview").id
    before = db.session.scalar(select(func.count(HistoryEvent.id)))
    response = client.post(f"/tasks/{task_id}", data={"action": "submit", "city_decision": "forward"})
    assert response.status_code == 400
    assert "表单已过期或并非从本站提交" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(HistoryEvent.id))) == before
    assert world.task(instance, "Task_CityReview") is not None


def test_login_form_without_csrf_token_is_refused(client):
    response = client.post("/login", data={"username": "370102", "password": "test-pass"})
    assert response.status_code != 302


def test_invalid_submission_keeps_what_was_typed_and_shows_the_error(client, world):
    instance = world.start()
    world.declare(instance)
    assert login(client, "370100").status_code == 302
    task_id = world.task(instance, "Task_CityReview").id
    page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    response = client.post(
        f"/tasks/{task_id}",
        data={"csrf_token": csrf_token(page), "action": "submit", "city_decision": "return"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请修改标出的内容后再提交" in html or "审核意见" in html
    assert 'value="return" checked' in html or 'value="return"  checked' in html or "checked" in html
    assert world.task(instance, "Task_CityReview") is not None


def test_draft_is_kept_and_shown_again_without_validation(client, world):
    instance = world.start()
    assert login(client, "370102").status_code == 302
    task_id = world.task(instance, "Task_Declare").id
    page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    response = client.post(
        f"/tasks/{task_id}",
        data={"csrf_token": csrf_token(page), "action": "draft", "plan_background": "只写了一句背景。"},
    )
    assert response.status_code == 302
    again = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "只写了一句背景。" in again
    assert "草稿已于" in again


def test_inbox_marks_overdue_tasks(client, world, clock):
    instance = world.start()
    world.declare(instance)
    assert login(client, "370100").status_code == 302
    assert "已逾期" not in client.get("/inbox").get_data(as_text=True)
    world.task(instance, "Task_CityReview").due_at = clock.now() - timedelta(
        hours=1
    )  # a task past its due date
    db.session.commit()
    html = client.get("/inbox").get_data(as_text=True)
    assert 'class="overdue"' in html
    assert "已逾期" in html


def test_language_switch_to_english_and_back(client):
    login(client, "370102")
    inbox = client.get("/inbox").get_data(as_text=True)
    assert "我的待办" in inbox
    client.post("/language/en", data={"csrf_token": csrf_token(inbox), "next": "/inbox"})
    english = client.get("/inbox").get_data(as_text=True)
    assert "My tasks" in english
    client.post("/language/zh_CN", data={"csrf_token": csrf_token(english), "next": "/inbox"})
    assert "我的待办" in client.get("/inbox").get_data(as_text=True)


def test_province_opens_a_call_and_a_past_deadline_is_refused(client, clock):
    login(client, "province")
    page = client.get("/calls").get_data(as_text=True)
    past = client.post(
        "/calls",
        data={
            "csrf_token": csrf_token(page),
            "name": "旧批次",
            "year": "2026",
            "deadline": "2026-01-01T00:00",
        },
    )
    assert "截止时间必须晚于当前时间。" in past.get_data(as_text=True)
    assert 'value="旧批次"' in past.get_data(as_text=True)
    ok = client.post(
        "/calls",
        data={
            "csrf_token": csrf_token(page),
            "name": "2027年度申报",
            "year": "2027",
            "deadline": "2027-06-30T23:59",
        },
    )
    assert ok.status_code == 302
    assert "2027年度申报" in client.get("/calls").get_data(as_text=True)


def test_only_the_province_opens_calls(client):
    login(client, "370100")
    page = client.get("/calls").get_data(as_text=True)
    response = client.post(
        "/calls",
        data={"csrf_token": csrf_token(page), "name": "x", "year": "2027", "deadline": "2027-06-30T23:59"},
    )
    assert "只有省民政厅可以开放申报批次。" in response.get_data(as_text=True)


def test_formal_submission_uploads_files_and_keeps_them_across_a_failed_submit(client, world):
    import io

    from app.demo import driver

    instance = world.start()
    world.forward(instance)
    world.review_round(instance, "pass", experts=("expert05",))
    task_id = world.task(instance, "Task_FormalSubmission").id
    assert login(client, "370102").status_code == 302
    page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    first = client.post(
        f"/tasks/{task_id}",
        data={
            "csrf_token": csrf_token(page),
            "action": "submit",
            "submission_date": "2026-05-04",
            "application_form_file__upload": (io.BytesIO(driver.DEMO_PDF), "申报表.pdf"),
            "plan_file__upload": (io.BytesIO(b"not a pdf"), "方案.pdf"),
        },
        content_type="multipart/form-data",
    )
    html = first.get_data(as_text=True)
    assert first.status_code == 422
    assert "不是有效的 pdf 文件" in html
    assert world.task(instance, "Task_FormalSubmission") is not None
    second_page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    kept = client.post(
        f"/tasks/{task_id}",
        data={
            "csrf_token": csrf_token(second_page),
            "action": "submit",
            "submission_date": "2026-05-04",
            "application_form_file__upload": (io.BytesIO(driver.DEMO_PDF), "申报表.pdf"),
            "plan_file__upload": (io.BytesIO(driver.DEMO_PDF), "方案.pdf"),
        },
        content_type="multipart/form-data",
    )
    html = kept.get_data(as_text=True)
    assert kept.status_code == 422, "the document number is missing"
    assert "已上传：申报表.pdf" in html and "已上传：方案.pdf" in html
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+_file)" value="([^"]+)"', html))
    done = client.post(
        f"/tasks/{task_id}",
        data={
            "csrf_token": csrf_token(html),
            "action": "submit",
            "submission_doc_number": "历发〔2026〕12号",
            "submission_date": "2026-05-04",
            **{name: value.replace("&#34;", '"').replace("&quot;", '"') for name, value in hidden.items()},
        },
        content_type="multipart/form-data",
    )
    assert done.status_code == 302, done.get_data(as_text=True)[:500]
    assert world.task(instance, "Task_CityRecommendation") is not None
