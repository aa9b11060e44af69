"""The process owner's workbench: drafts, server checks, deploy, versions, regression replay, migration."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from app.extensions import db
from app.models import HistoryEvent, Instance
from app.services.audit import chain_check, reexecution
from app.services.errors import Forbidden, RuleViolation, ValidationFailed
from app.services.workbench import drafts as workbench
from app.services.workbench import migration, regression

from .web_helpers import csrf_token, login

XXE = """<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&xxe;</bpmn:definitions>"""
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&lol3;</bpmn:definitions>"""


@pytest.fixture
def owner(world):
    return world.user("owner")


@pytest.fixture
def draft(owner):
    return workbench.create_draft(owner, "三轮评审")


def _three_rounds(text: str) -> str:
    return text.replace("review_round &lt; 2", "review_round &lt; 3").replace(
        "review_round &gt;= 2", "review_round &gt;= 3"
    )


def _rules(problems, file=None) -> set[tuple[str, str | None]]:
    return {(p.rule, p.element_id) for p in problems if file is None or p.file == file}


def test_a_draft_copies_the_current_version_and_passes_every_check(draft):
    assert "review.bpmn" in draft.bpmn_files and "declaration.json" in draft.form_files
    assert [p for p in workbench.check(draft) if p.severity == "error"] == []


@pytest.mark.parametrize("content", [XXE, BILLION_LAUGHS, "<not-closed", "x" * (2 * 1024 * 1024 + 1)])
def test_unsafe_or_malformed_diagrams_are_refused_and_nothing_changes(owner, draft, content):
    before = dict(draft.bpmn_files)
    with pytest.raises(workbench.FileRefused) as refused:
        workbench.save_file(owner, draft.id, "review.bpmn", content)
    assert refused.value.problems[0].rule in ("xml", "file-size")
    db.session.expire_all()
    assert workbench.draft(owner, draft.id).bpmn_files == before


def test_file_names_and_forms_are_checked(owner, draft):
    with pytest.raises(workbench.FileRefused):
        workbench.save_file(owner, draft.id, "../etc/passwd.bpmn", "<x/>")
    with pytest.raises(workbench.FileRefused) as not_json:
        workbench.save_file(owner, draft.id, "new.json", "{oops")
    assert "JSON" in not_json.value.message


def test_server_rules_name_the_element(owner, draft):
    review = draft.bpmn_files["review.bpmn"]
    broken = (
        review.replace('value="review_decision.json"', 'value="missing.json"')
        .replace('review_result == "improve" and review_round &lt; 2', "")
        .replace("review_round = 0", "import os")
    )
    problems = workbench.save_file(owner, draft.id, "review.bpmn", broken)
    rules = _rules(problems, "review.bpmn")
    assert ("form-exists", "Task_ReviewDecision") in rules
    assert any(rule == "gateway-conditions" for rule, _ in rules)
    assert any(rule == "script-parses" for rule, _ in rules)
    assert "review_decision.json" in {p.file for p in problems if p.rule == "form-used"}, (
        "now unused: a warning"
    )


def test_a_user_task_outside_a_role_lane_and_a_form_without_chinese_are_flagged(owner, draft):
    declaration = draft.bpmn_files["declaration.bpmn"].replace('name="市级民政部门"', 'name="Somebody"')
    problems = workbench.save_file(owner, draft.id, "declaration.bpmn", declaration)
    assert ("lane-role", "Task_CityReview") in _rules(problems)
    form = json.loads(draft.form_files["city_review.json"])
    form["title"] = "City review"
    problems = workbench.save_file(owner, draft.id, "city_review.json", json.dumps(form, ensure_ascii=False))
    assert ("form-chinese-labels", None) in _rules(problems, "city_review.json")


def test_deploy_needs_a_note_and_no_errors(owner, draft):
    with pytest.raises(ValidationFailed):
        workbench.deploy_draft(owner, draft.id, "")
    broken = draft.bpmn_files["review.bpmn"].replace('value="review_decision.json"', 'value="missing.json"')
    workbench.save_file(owner, draft.id, "review.bpmn", broken)
    with pytest.raises(RuleViolation) as refused:
        workbench.deploy_draft(owner, draft.id, "试试")
    assert "错误" in refused.value.message


def test_regression_replay_shows_which_past_applications_would_have_gone_differently(owner, world, draft):
    failed = world.start("370102")
    world.forward(failed)
    world.review_round(failed, "improve")
    world.guide_and_revise(failed)
    world.review_round(failed, "improve")  # failed twice: review_failed under the 2-round rule
    passed = world.start("370203")
    world.forward(passed)
    world.review_round(passed, "pass")
    workbench.save_file(owner, draft.id, "review.bpmn", _three_rounds(draft.bpmn_files["review.bpmn"]))
    report = regression.regression_report(workbench.draft(owner, draft.id))
    rows = {r.instance_id: r for r in report.rows}
    assert rows[passed.id].status == regression.SAME
    row = rows[failed.id]
    assert row.status == regression.DIFFERENT
    assert row.element == "汇总专家意见并作出初审结论"
    assert any("两次评审" in r or "未通过" in r for r in row.recorded) and "指导申报单位修改" in row.draft
    assert "review_round < 3" in row.reason and "草稿" in row.reason, row.reason  # why: the changed condition
    assert not report.all_same


def test_deployed_draft_applies_to_new_applications_old_ones_keep_their_version(owner, world, draft):
    running = world.start("370102")
    workbench.save_file(owner, draft.id, "review.bpmn", _three_rounds(draft.bpmn_files["review.bpmn"]))
    deployed = workbench.deploy_draft(owner, draft.id, "初审可进行三轮")
    fresh = world.start("370203")
    assert (world.reload(running).version_id, fresh.version_id) == (draft.base_version_id, deployed.id)
    rows = {r.version.version: r for r in workbench.versions(owner)}
    assert rows[deployed.version].version.note == "初审可进行三轮"
    assert (rows[1].running, rows[2].running) == (1, 1)
    assert workbench.drafts(owner) == [], "a deployed draft leaves the list"


def test_migration_dry_run_then_move_keeps_the_history_verifiable(owner, world, draft):
    waiting = world.start("370102")
    world.forward(waiting)  # waits for the province to assign experts
    workbench.save_file(owner, draft.id, "review.bpmn", _three_rounds(draft.bpmn_files["review.bpmn"]))
    v2 = workbench.deploy_draft(owner, draft.id, "三轮")
    checks = migration.dry_run(owner, draft.base_version_id, v2.id)
    assert [(c.instance_id, c.can_move) for c in checks] == [(waiting.id, True)]
    migration.migrate(owner, [waiting.id], v2.id)
    moved = world.reload(waiting)
    assert moved.version_id == v2.id
    event = db.session.query(HistoryEvent).filter_by(instance_id=moved.id, kind="migrated").one()
    assert event.data == {"from_version": 1, "to_version": 2, "mapping": "same element ids"}
    assert event.actor.username == "owner"
    assert chain_check.verify_chain(moved).ok
    # It now runs on the new rules: a third review round after two failures.
    world.review_round(moved, "improve")
    world.guide_and_revise(moved)
    world.review_round(moved, "improve")
    assert world.task(world.reload(moved), "Task_CityGuidance") is not None
    report = reexecution.reexecute(world.reload(moved))
    assert report.ok, report.failure


def test_an_instance_waiting_in_a_removed_element_cannot_move(owner, world, draft):
    waiting = world.start("370102")
    world.forward(waiting)
    review = draft.bpmn_files["review.bpmn"].replace("Task_AssignExperts", "Task_ChooseExperts")
    workbench.save_file(owner, draft.id, "review.bpmn", review)
    v2 = workbench.deploy_draft(owner, draft.id, "改名")
    (check,) = migration.dry_run(owner, draft.base_version_id, v2.id)
    assert not check.can_move and "版本 2" in check.problems[0]
    with pytest.raises(RuleViolation):
        migration.migrate(owner, [waiting.id], v2.id)
    assert world.reload(waiting).version_id == draft.base_version_id


def test_rollback_and_download(owner, draft):
    workbench.save_file(owner, draft.id, "review.bpmn", _three_rounds(draft.bpmn_files["review.bpmn"]))
    workbench.deploy_draft(owner, draft.id, "三轮")
    again = workbench.roll_back(owner, draft.base_version_id)
    assert again.version == 3 and again.note == "回退到版本 1。"
    assert again.bpmn_files == workbench.version(owner, draft.base_version_id).bpmn_files
    name, content = workbench.version_zip(owner, again.id)
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        assert (
            "bpmn/review.bpmn" in package.namelist()
            and json.loads(package.read("version.json"))["version"] == 3
        )


@pytest.mark.parametrize("username", ["370102", "370100", "province", "expert01", "expert05", "auditor"])
def test_only_process_owners_and_administrators(client, world, username):
    with pytest.raises(Forbidden):
        workbench.versions(world.user(username))
    login(client, username)
    assert client.get("/modeler").status_code == 403
    token = csrf_token(client.get("/inbox").get_data(as_text=True))
    assert client.post("/modeler/drafts", data={"name": "x", "csrf_token": token}).status_code == 403
    assert db.session.query(Instance).count() == 0


def test_web_form_preview_and_save(client, owner, draft):
    login(client, "owner")
    page = client.get(f"/modeler/drafts/{draft.id}/forms/city_review.json")
    assert page.status_code == 200 and "审核结论" in page.get_data(as_text=True)
    token = csrf_token(page.get_data(as_text=True))
    form = json.loads(draft.form_files["city_review.json"])
    form["schema"]["properties"]["city_comments"]["title"] = "退回意见（新）"
    content = json.dumps(form, ensure_ascii=False)
    preview = client.post(
        f"/modeler/drafts/{draft.id}/forms/city_review.json/preview",
        json={"content": content},
        headers={"X-CSRFToken": token},
    )
    assert "退回意见（新）" in preview.json["html"]
    broken = client.post(
        f"/modeler/drafts/{draft.id}/forms/city_review.json/preview",
        json={"content": "{"},
        headers={"X-CSRFToken": token},
    )
    assert broken.json["error"]
    saved = client.put(
        f"/modeler/drafts/{draft.id}/files/city_review.json",
        json={"content": content},
        headers={"X-CSRFToken": token},
    )
    assert saved.status_code == 200
    refused = client.put(
        f"/modeler/drafts/{draft.id}/files/review.bpmn", json={"content": XXE}, headers={"X-CSRFToken": token}
    )
    assert refused.status_code == 422 and refused.json["problems"][0]["rule"] == "xml"


def test_web_deploy_page_asks_for_confirmation_when_paths_differ(client, owner, world, draft):
    failed = world.start("370102")
    world.forward(failed)
    world.review_round(failed, "improve")
    world.guide_and_revise(failed)
    world.review_round(failed, "improve")
    workbench.save_file(owner, draft.id, "review.bpmn", _three_rounds(draft.bpmn_files["review.bpmn"]))
    login(client, "owner")
    page = client.get(f"/modeler/drafts/{draft.id}/deploy")
    body = page.get_data(as_text=True)
    assert "1 个不同" in body or "different" in body.lower() or "路径不同" in body
    token = csrf_token(body)
    unconfirmed = client.post(
        f"/modeler/drafts/{draft.id}/deploy", data={"note": "三轮", "csrf_token": token}
    )
    assert unconfirmed.status_code == 422
    confirmed = client.post(
        f"/modeler/drafts/{draft.id}/deploy", data={"note": "三轮", "confirm": "yes", "csrf_token": token}
    )
    assert confirmed.status_code == 302


def test_web_diff_lists_the_diagrams_and_the_form_changes(client, owner, draft):
    form = json.loads(draft.form_files["city_review.json"])
    form["title"] = "市级审核（新）"
    workbench.save_file(owner, draft.id, "city_review.json", json.dumps(form, ensure_ascii=False))
    workbench.save_file(owner, draft.id, "review.bpmn", _three_rounds(draft.bpmn_files["review.bpmn"]))
    login(client, "owner")
    page = client.get(f"/modeler/diff?from={draft.base_version_id}&draft={draft.id}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"/modeler/drafts/{draft.id}/files/review.bpmn" in body, "the draft's diagram is drawn"
    assert "city_review.json" in body and "市级审核（新）" in body, "the form's change is listed"
