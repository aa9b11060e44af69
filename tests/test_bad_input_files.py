"""Bad input beyond task data: file names, export filters, form files, migrations (issue 10).

Each request here answered 500 before; each now gets a clear 4xx (or, for a name stored earlier, a
working download) and changes nothing.
"""

from __future__ import annotations

import io

import pytest
from sqlalchemy import update

from app.demo import driver
from app.extensions import db
from app.models import Attachment
from app.services.workbench import drafts as workbench
from app.services.workbench import migration

from .conftest import rows_of
from .web_helpers import csrf_token, login


@pytest.fixture
def formal_submission(world):
    """An application whose applicant now submits formally, with attachments."""
    instance = world.start("370102")
    world.forward(instance)
    world.review_round(instance, "pass", experts=("expert05",))
    return instance


def test_a_file_name_with_a_nul_is_cleaned_when_stored(api, world, formal_submission):
    task_id = world.task(formal_submission, "Task_FormalSubmission").id
    response = api.client.post(
        f"/api/tasks/{task_id}/attachments",
        data={"field": "plan_file", "file": (io.BytesIO(driver.DEMO_PDF), "a\x00b\u202e.pdf")},
        headers={"Authorization": f"Bearer {api.token('370102')}"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201
    assert response.json["name"] == "ab.pdf"


def test_a_file_name_stored_earlier_with_control_characters_still_downloads(client, world, formal_submission):
    driver.submit_formally(formal_submission)
    stored = db.session.query(Attachment).filter_by(instance_id=formal_submission.id).first()
    control = "\x00" if db.engine.dialect.name == "sqlite" else "\x1b"  # PostgreSQL cannot hold a NUL
    db.session.execute(
        update(Attachment).where(Attachment.id == stored.id).values(filename=f"申报{control}表\r\n.pdf")
    )
    db.session.commit()
    login(client, "370102")
    download = client.get(f"/applications/{formal_submission.id}/files/{stored.id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")
    disposition = download.headers["Content-Disposition"]
    assert control not in disposition and "\r" not in disposition
    assert "filename*=UTF-8''%E7%94%B3%E6%8A%A5%E8%A1%A8.pdf" in disposition


@pytest.mark.parametrize(
    "query", ["since=0001-01-01&until=9999-12-31", "since=1999-12-31", "until=2100-01-01"]
)
def test_export_dates_out_of_range_are_refused_clearly(client, world, query):
    world.start()
    login(client, "auditor")
    before = rows_of("security_events")
    response = client.get(f"/audit/events.xlsx?{query}")
    assert response.status_code == 400
    assert "请选择 2000-01-01 至 2099-12-31 之间的日期。" in response.get_data(as_text=True)
    assert rows_of("security_events") == before, "a refused export is not logged as an export"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("[" * 5000, "JSON 内容的嵌套超过 32 层。"),
        ('{"schema": ' + '{"a": ' * 200 + "1" + "}" * 200 + "}", "schema.a.a.a.a.a 的嵌套超过 32 层。"),
        ('{"title": "\ud800"}', "文件含有无效字符"),
    ],
    ids=["5000 brackets", "200 levels", "lone surrogate"],
)
def test_form_files_nested_absurdly_are_refused_naming_the_problem(client, world, content, reason):
    owner = world.user("owner")
    draft = workbench.create_draft(owner, "深层嵌套")
    login(client, "owner")
    token = csrf_token(
        client.get(f"/modeler/drafts/{draft.id}/forms/city_review.json").get_data(as_text=True)
    )
    before = rows_of("process_drafts")
    saved = client.put(
        f"/modeler/drafts/{draft.id}/files/city_review.json",
        json={"content": content},
        headers={"X-CSRFToken": token},
    )
    assert saved.status_code == 422
    assert reason in saved.json["message"]
    assert rows_of("process_drafts") == before
    preview = client.post(
        f"/modeler/drafts/{draft.id}/forms/city_review.json/preview",
        json={"content": content},
        headers={"X-CSRFToken": token},
    )
    assert preview.status_code == 200 and preview.json["error"]


def test_the_migration_dry_run_names_the_element_the_target_lacks(world):
    owner = world.user("owner")
    draft = workbench.create_draft(owner, "改名")
    waiting = world.start("370102")
    world.forward(waiting)  # waits in Task_AssignExperts
    review = draft.bpmn_files["review.bpmn"].replace("Task_AssignExperts", "Task_ChooseExperts")
    workbench.save_file(owner, draft.id, "review.bpmn", review)
    v2 = workbench.deploy_draft(owner, draft.id, "改名")
    (check,) = migration.dry_run(owner, draft.base_version_id, v2.id)
    assert check.problems == [
        "其流程已经过或正停在 Task_AssignExperts（指派评审专家），"
        "而版本 2 中没有该元素（元素须保留原 id 才能迁移）。"
    ]
