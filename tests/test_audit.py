"""The auditor's tools: a tamper-evident history chain, signed chain heads, re-execution, read-only rights."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import func, select, update

from app.demo import driver
from app.extensions import db
from app.models import Call, CallAttachment, HistoryEvent, Instance, ReadyTask
from app.services.audit import chain_check, reexecution, replay_view, security_log
from app.services.store.history_chain import event_digest, field_hashes

from .web_helpers import csrf_token, login


@pytest.fixture
def zone(world):
    """A recognised zone with a schedule adjustment approved and a pending extension request."""
    instance = world.recognised_zone("370102", "2026-10-08")
    driver.request_change(instance, "schedule", new_plan_due="2026-12-31")
    driver.city_opinion_on_request(instance, "Task_ChangeCityOpinion")
    driver.decide_request(instance, "Task_ChangeDecision")
    driver.annual_report(instance, "Task_AnnualPlan")
    driver.request_extension(instance, "2029-02-28")
    return world.reload(instance)


def _edit(instance: Instance, at_seq: int, **values) -> None:
    db.session.execute(
        update(HistoryEvent)
        .where(HistoryEvent.instance_id == instance.id, HistoryEvent.seq == at_seq)
        .values(**values)
    )
    db.session.commit()
    db.session.expire_all()


def _event(instance: Instance, seq: int) -> HistoryEvent:
    return db.session.scalar(
        select(HistoryEvent).where(HistoryEvent.instance_id == instance.id, HistoryEvent.seq == seq)
    )


def _problem(instance: Instance):
    report = chain_check.verify_chain(db.session.get(Instance, instance.id))
    assert not report.ok
    return report.problem.seq, report.problem.field, report.problem.message


def _rewrite_consistently(instance: Instance, from_seq: int, data_change: dict) -> None:
    """Edit one event's data and recompute every digest and hash from there on, as a forger would."""
    events = list(
        db.session.scalars(
            select(HistoryEvent).where(HistoryEvent.instance_id == instance.id).order_by(HistoryEvent.seq)
        )
    )
    prev = events[from_seq - 2].event_hash
    for event in events[from_seq - 1 :]:
        if event.seq == from_seq:
            event.data = {**event.data, **data_change}
        content = {name: getattr(event, name) for name in event.field_hashes}
        event.field_hashes = field_hashes(content)
        event.prev_hash = prev
        event.event_hash = prev = event_digest(event.field_hashes, prev)
    db.session.commit()
    db.session.expire_all()


def test_an_untouched_history_verifies_and_re_executes_step_by_step(zone):
    report = chain_check.verify_chain(zone)
    assert report.ok and report.events == len(zone_events(zone))
    replayed = reexecution.reexecute(zone)
    assert replayed.ok, replayed.failure
    assert replayed.verified == replayed.steps > 15


def zone_events(zone):
    return list(db.session.scalars(select(HistoryEvent).where(HistoryEvent.instance_id == zone.id)))


def test_an_edited_field_is_named(zone):
    _edit(zone, 5, data={"city_decision": "return"})
    assert _problem(zone) == (5, "data", "第 5 号事件的 data 在记录后被改动。")


def test_an_edited_time_or_actor_is_named(zone):
    _edit(zone, 7, actor_id=1)
    assert _problem(zone)[:2] == (7, "actor_id")


def test_a_deleted_event_is_named(zone):
    db.session.delete(_event(zone, 6))
    db.session.commit()
    assert _problem(zone) == (6, "seq", "第 6 号事件缺失：已被删除。")


def test_two_swapped_events_are_found(zone):
    _edit(zone, 8, seq=1000)
    _edit(zone, 9, seq=8)
    _edit(zone, 1000, seq=9)
    assert _problem(zone)[:2] == (8, "seq")


def test_one_event_rewritten_with_its_digests_breaks_the_next_link(zone):
    event = _event(zone, 4)
    hashes = dict(event.field_hashes)
    content = {name: getattr(event, name) for name in hashes} | {"data": {"forged": True}}
    hashes = field_hashes(content)
    _edit(
        zone, 4, data={"forged": True}, field_hashes=hashes, event_hash=event_digest(hashes, event.prev_hash)
    )
    assert _problem(zone) == (4, "event_hash", "第 4 号事件被改写：第 5 号事件已无法与之衔接。")


def test_an_edited_state_is_found(zone):
    db.session.execute(update(Instance).where(Instance.id == zone.id).values(state='{"forged": 1}'))
    db.session.commit()
    assert _problem(zone)[:2] == (None, "state")


def test_a_consistent_rewrite_of_the_whole_chain_fails_against_an_earlier_signed_export(app, clock, zone):
    export = chain_check.export_heads(clock.now())
    assert chain_check.check_heads(export) == []
    _rewrite_consistently(zone, 5, {"city_comments": "篡改"})
    assert chain_check.verify_chain(db.session.get(Instance, zone.id)).ok, "consistent inside the database"
    problems = chain_check.check_heads(export)
    assert len(problems) == 1 and f"申请 {zone.id}" in problems[0] and "被改写" in problems[0]
    # ... and re-execution shows the forged data does not lead to the stored state.
    replayed = reexecution.reexecute(db.session.get(Instance, zone.id))
    assert not replayed.ok


def test_a_forged_export_is_refused(clock, zone):
    export = chain_check.export_heads(clock.now())
    export["heads"][0]["event_hash"] = "0" * 64
    assert chain_check.check_heads(export) == ["导出文件的签名不符：文件被改动，或由其他密钥签名。"]


def test_re_execution_names_the_first_step_that_differs(zone):
    # Change what a recorded decision said, keeping the chain consistent: the replay diverges there.
    seq = next(e.seq for e in zone_events(zone) if e.element_id == "Task_ChangeDecision")
    _rewrite_consistently(zone, seq, {"request_decision": "reject", "request_decision_opinion": "伪造"})
    report = reexecution.reexecute(db.session.get(Instance, zone.id))
    assert not report.ok
    assert report.failure["element_id"] == "Task_ChangeDecision"
    assert report.failure["recorded_state_hash"] != report.failure["replayed_state_hash"]


# Command line, API and web --------------------------------------------------------------------


def test_cli_verifies_re_executes_and_checks_exported_heads(app, zone, tmp_path):
    runner = app.test_cli_runner()
    verified = runner.invoke(args=["audit", "verify", "--all"])
    assert verified.exit_code == 0 and "1 of 1 chains intact" in verified.output
    replayed = runner.invoke(args=["audit", "reexecute", "--all"])
    assert replayed.exit_code == 0 and "verified:" in replayed.output
    heads = tmp_path / "heads.json"
    assert runner.invoke(args=["audit", "export-heads", str(heads)]).exit_code == 0
    assert json.loads(heads.read_text())["signature"]
    assert runner.invoke(args=["audit", "check-heads", str(heads)]).exit_code == 0
    _edit(zone, 3, data={})
    broken = runner.invoke(args=["audit", "verify", str(zone.id)])
    assert broken.exit_code == 1 and "BROKEN at event #3 field data" in broken.output


def test_api_verify_and_reexecution_for_the_auditor_only(api, zone):
    verify = api.get("auditor", f"/api/instances/{zone.id}/verify")
    assert verify.status_code == 200 and verify.json["ok"] is True
    replay = api.get("auditor", f"/api/instances/{zone.id}/reexecution")
    assert replay.status_code == 200 and replay.json["ok"] is True
    assert api.get("370102", f"/api/instances/{zone.id}/verify").status_code == 403
    assert api.get("370202", f"/api/instances/{zone.id}/verify").status_code == 404


def test_web_audit_page_runs_both_checks(client, zone):
    login(client, "auditor")
    page = client.get(f"/applications/{zone.id}").get_data(as_text=True)
    assert f"/audit/instances/{zone.id}" in page
    chain = client.get(f"/audit/instances/{zone.id}?check=chain").get_data(as_text=True)
    assert "完整：共" in chain
    replay = client.get(f"/audit/instances/{zone.id}?check=reexecute").get_data(as_text=True)
    assert "已核验：" in replay


# The auditor is read-only everywhere --------------------------------------------------------------

_AUTH_ENDPOINTS = {"auth.login", "auth.logout", "auth.language", "api.Tokens"}


def _counts() -> tuple:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (HistoryEvent, Instance, Call, CallAttachment, ReadyTask)
    )


def test_the_auditor_cannot_write_anywhere(app, client, api, world, zone):
    task = world.task(zone, "Task_ExtensionCityOpinion")
    values = {
        "instance_id": zone.id,
        "task_id": task.id,
        "element_id": "Start_ChangeRequest",
        "call_id": zone.call_id,
        "attachment_id": 1,
        "draft_id": 1,
        "version_id": 1,
        "incident_id": 1,
        "notification_id": 1,
        "delegation_id": 1,
        "session_id": 999_999,  # not the auditor's own (ending it would sign them out, rightly)
        "token_id": 999_999,
        "filename": "review.bpmn",
        "name": "review_decision.json",
    }
    login(client, "auditor")
    token = csrf_token(client.get("/inbox").get_data(as_text=True))
    before = _counts()
    tried = []
    for rule in app.url_map.iter_rules():
        methods = rule.methods & {"POST", "PUT", "PATCH", "DELETE"}
        if not methods or rule.endpoint in _AUTH_ENDPOINTS or rule.endpoint.startswith("api.Tokens"):
            continue
        url = rule.build({k: values.get(k, 1) for k in rule.arguments}, append_unknown=False)[1]
        for method in methods:
            if url.startswith("/api/"):
                response = api.client.open(
                    url, method=method, json={"data": {}}, headers=api._headers("auditor")
                )
            else:
                response = client.open(url, method=method, data={"csrf_token": token})
            tried.append(url)
            assert response.status_code in (400, 403, 404, 405, 409, 422) or (
                response.status_code == 302 and "/login" not in response.headers.get("Location", "")
            ), (method, url, response.status_code)
    assert len(tried) >= 8
    assert _counts() == before, "nothing changed"


# Replay of a lifecycle with loops, sub-processes and event sub-processes --------------------------


def test_replay_of_a_lifecycle_with_two_rounds_a_return_a_change_and_an_extension(world):
    instance = driver.through_every_kind_of_step(world.start("370102"))
    report = reexecution.reexecute(instance)
    assert report.ok and report.verified == report.steps, report.failure
    frames, problem = replay_view.frames_of(instance)
    assert problem is None and all(f.verified for f in frames)
    last = frames[-1]
    assert last.completed["Task_Declare"] == 2, "the city's return is a distinct step"
    assert last.completed["Task_ReviewDecision"] == 2, "two review rounds"
    assert last.completed["Start_Extension"] == 1 and "Task_AnnualPlan" in last.active
    change = next(f for f in frames if f.element_id == "Start_ChangeRequest")
    assert ("变更类型", "内容变更") in change.lines
    assert "市级审核变更申请" in change.newly_waiting
    first_round = next(f for f in frames if f.element_id == "Task_ReviewDecision")
    assert first_round.completed["Task_ReviewDecision"] == 1


def test_replay_page_for_the_auditor(client, world):
    instance = driver.through_every_kind_of_step(world.start("370102"))
    login(client, "auditor")
    page = client.get(f"/audit/instances/{instance.id}/replay")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "replay-frames" in body and "提出延期申请" in body


# Exports and the security log ----------------------------------------------------------------------


def test_audit_package_holds_events_versions_reports_and_the_form(client, zone):
    login(client, "auditor")
    response = client.get(f"/audit/instances/{zone.id}/package.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as package:
        names = set(package.namelist())
        assert {
            "README.txt",
            "events.jsonl",
            "documents.json",
            "verification.json",
            "reexecution.json",
        } <= names
        assert "application-form.pdf" in names and package.read("application-form.pdf").startswith(b"%PDF")
        assert any(n.startswith("versions/v1/bpmn/implementation.bpmn") for n in names)
        assert any(n.startswith("versions/v1/forms/change_request.json") for n in names)
        events = [json.loads(line) for line in package.read("events.jsonl").decode().splitlines()]
        assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
        assert events[1]["prev_hash"] == events[0]["event_hash"]
        assert json.loads(package.read("verification.json"))["ok"] is True
        assert json.loads(package.read("reexecution.json"))["ok"] is True
    assert security_log.recent("export")[0].detail["instance_id"] == zone.id


@pytest.fixture
def qingdao_application(world):
    """An application of 青岛市, started while the call is open (before `zone` moves the clock on)."""
    return world.start("370202")


def test_events_as_excel_filtered_by_city_and_actor(client, world, qingdao_application, zone):
    login(client, "auditor")
    response = client.get("/audit/events.xlsx?city=370100&actor=province")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert (
        rows and {r[2] for r in rows} == {"济南市"} and {r[7] for r in rows} == {"山东省民政厅"}
    )  # not 青岛市
    bad = client.get("/audit/events.xlsx?since=25/11/2026")
    assert bad.status_code == 400 and "日期格式为 YYYY-MM-DD" in bad.get_data(as_text=True)


def test_security_log_records_sign_ins_refusals_and_exports(client, api, zone):
    login(client, "370202", "wrong")
    login(client, "370202")
    assert client.get(f"/applications/{zone.id}").status_code == 404  # 青岛 probing 济南's application
    client.post("/logout")
    login(client, "370102")
    assert client.get(f"/audit/instances/{zone.id}").status_code == 403
    client.post(f"/tasks/{'0' * 36}", data={})  # no CSRF token
    client.post("/logout")
    login(client, "auditor")
    page = client.get("/audit/security").get_data(as_text=True)
    kinds = [e.kind for e in security_log.recent()]
    for kind in ("sign_in", "sign_in_failed", "refused_not_found", "refused_forbidden", "refused_csrf"):
        assert kind in kinds, kind
    assert "登录失败" in page and "370202" in page
    client.post("/logout")
    login(client, "province")
    assert client.get("/audit/security").status_code == 403, "the security log is the auditor's"


def test_a_thousand_refused_requests_from_one_client_make_one_row_with_their_count(client, clock):
    login(client, "370102")
    for _ in range(1000):
        assert client.post(f"/tasks/{'0' * 36}", data={}).status_code == 400  # no CSRF token
    refusals = security_log.recent("refused_csrf")
    assert len(refusals) == 1 and refusals[0].count == 1000
    assert refusals[0].username == "370102" and refusals[0].ip == "127.0.0.1"

    clock.advance(timedelta(minutes=11))  # a pause longer than the window starts a new row
    client.post(f"/tasks/{'0' * 36}", data={})
    other_address = client.post(f"/tasks/{'0' * 36}", data={}, environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert other_address.status_code == 400
    assert [e.count for e in security_log.recent("refused_csrf")] == [1, 1, 1000]


def test_a_refusal_is_logged_alone_without_what_the_refused_request_left_pending(world):
    call = world.open_call()
    call.name = "changed by a request that was then refused"
    security_log.record_refusal("refused_not_found", message="Application not found.")
    db.session.expire_all()
    assert db.session.get(Call, call.id).name == "2026年度全省城乡社区治理实验区申报"
    logged = security_log.recent("refused_not_found")
    assert [e.detail for e in logged] == [{"message": "Application not found."}]


def test_sign_ins_and_failed_sign_ins_are_never_aggregated(client):
    login(client, "370102", "wrong")
    login(client, "370102", "wrong")
    login(client, "370102")
    assert [e.count for e in security_log.recent("sign_in_failed")] == [1, 1]
    assert len(security_log.recent("sign_in")) == 1


def test_the_security_log_page_shows_fifty_rows_a_page_with_a_next_link_that_keeps_the_filter(client):
    for n in range(120):
        security_log.record("sign_in_failed", username=f"guess-{n}")
        security_log.record("export", what="noise between the failures")
    login(client, "auditor")
    first = client.get("/audit/security?kind=sign_in_failed").get_data(as_text=True)
    assert first.count('data-testid="security-event"') == 50 and "guess-119" in first and "guess-70" in first
    next_url = re.search(r'href="([^"]+)" data-testid="next-page"', first).group(1).replace("&amp;", "&")
    assert "kind=sign_in_failed" in next_url
    second = client.get(next_url).get_data(as_text=True)
    assert second.count('data-testid="security-event"') == 50 and "guess-69" in second
    assert "guess-70" not in second and "guess-20" in second
    third = client.get(
        re.search(r'href="([^"]+)" data-testid="next-page"', second).group(1).replace("&amp;", "&")
    )
    rows = third.get_data(as_text=True)
    assert rows.count('data-testid="security-event"') == 20 and 'data-testid="next-page"' not in rows
    assert client.get("/audit/security?after=99999999999999999999999").status_code == 200
