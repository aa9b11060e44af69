"""Where the English texts come from: the diagrams' name_en, the forms' *_en hints, the reference data
and a call's English name; what the workbench says when one is missing; Chinese where none is given."""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from pathlib import Path

import flask_babel
from flask import current_app

from app.config import PROJECT_ROOT
from app.engine import ProcessDefinition
from app.models import Organisation
from app.reference import load_divisions, load_themes
from app.services.notices.texts import NEW_TASK, headline
from app.services.reading import element_text, reference_text
from app.services.store.deployment import read_directory
from app.services.workbench.draft_checks import check_files

from .web_helpers import csrf_token, login

BPMN = read_directory(Path(PROJECT_ROOT) / "bpmn", ".bpmn")
FORMS = read_directory(Path(PROJECT_ROOT) / "forms", ".json")
CJK = re.compile(r"[\u3400-\u9fff]")

POOL_ONLY = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="D" targetNamespace="t">
  <bpmn:collaboration id="C">
    <bpmn:participant id="Pool" name="试点" processRef="pilot">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="name_en" value="Pilot" />
      </spiffworkflow:properties></bpmn:extensionElements>
    </bpmn:participant>
  </bpmn:collaboration>
  <bpmn:process id="pilot" name="试点" isExecutable="true">
    <bpmn:startEvent id="Start_Pilot" name="开始"><bpmn:outgoing>F</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="F" sourceRef="Start_Pilot" targetRef="End_Pilot" />
    <bpmn:endEvent id="End_Pilot" name="结束"><bpmn:incoming>F</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""


@contextmanager
def _reading(url: str):
    """A request for ``url`` with its own locale (the test's app context caches the last one)."""
    with current_app.test_request_context(url):
        flask_babel.refresh()
        yield


def _problems(rule, bpmn=BPMN, forms=FORMS):
    return [p for p in check_files(bpmn, forms, "zone_lifecycle") if p.rule == rule]


def test_the_engine_reads_english_names_of_tasks_processes_lanes_and_flows():
    definition = ProcessDefinition.from_files({k: v.encode() for k, v in BPMN.items()}, "zone_lifecycle")
    english = definition.english_names()
    assert english["Task_AssignExperts"] == "Assign review experts"
    assert english["preliminary_review"] == "Preliminary review", "a phase: the process's name"
    assert english["Lane_ReviewExpert"] == "Review expert"
    assert english["Flow_ReviewFailed"] == "Failed twice"
    assert definition.english_by_name()["逾期未报"] == "Not submitted in time"


def test_a_pools_english_name_names_its_process_and_unnamed_elements_have_none():
    definition = ProcessDefinition.from_files({"pilot.bpmn": POOL_ONLY.encode()}, "pilot")
    assert definition.english_names() == {"Pool": "Pilot", "pilot": "Pilot"}


def test_every_named_element_and_every_form_label_has_english(app):
    with app.test_request_context():
        assert _problems("name-english") == []
        assert _problems("form-english") == []


def test_the_workbench_warns_of_a_missing_english_name_and_label_without_blocking(app):
    review = re.sub(
        r'(<bpmn:userTask id="Task_AssignExperts".*?)\s*'
        r'<spiffworkflow:property name="name_en" value="[^"]*" />',
        r"\1",
        BPMN["review.bpmn"],
        count=1,
        flags=re.S,
    )
    form = json.loads(FORMS["assessment.json"])
    del form["ui"]["fields"]["dim_plan"]["title_en"]
    del form["ui"]["fields"]["dim_plan"]["enum_labels_en"]["poor"]
    with app.test_request_context():
        names = _problems("name-english", bpmn={**BPMN, "review.bpmn": review})
        labels = _problems("form-english", forms={**FORMS, "assessment.json": json.dumps(form)})
    assert [(p.file, p.element_id, p.severity) for p in names] == [
        ("review.bpmn", "Task_AssignExperts", "warning")
    ]
    assert [(p.file, p.severity) for p in labels] == [("assessment.json", "warning")]
    assert "dim_plan, dim_plan: poor" in labels[0].message


def test_units_and_reference_themes_ship_with_english_names():
    assert all(d.name_en and not CJK.search(d.name_en) for d in load_divisions())
    assert all(t.title_en and not CJK.search(t.title_en) for t in load_themes())


def test_a_reader_of_english_gets_english_names_and_chinese_where_none_is_given(app, world):
    instance = world.start("370102")
    version = instance.version
    with _reading("/?lang=en"):
        assert element_text.element_name(version, "Task_Declare", "填写申报材料") == "Fill in the application"
        assert element_text.element_name(version, "Gateway_Unnamed", "网关") == "网关", "no English: Chinese"
        assert element_text.phase_name(version, "自主申报") == "Self-declaration"
        for stored, english in [
            ("推荐申报全国实验区", "Recommended to the national programme"),  # the lifecycle's end
            ("通过验收并推荐至全国实验区", "Accepted and recommended to the national programme"),
        ]:  # two ends, in two processes, share the id End_NationallyRecommended
            assert element_text.element_name(version, "End_NationallyRecommended", stored) == english
        assert reference_text.organisation_name(instance.applicant) == "Lixia District, Jinan"
        applicant_account = world.user("370102")
        assert reference_text.person_name(applicant_account) == "Lixia District, Jinan Civil Affairs Bureau"
        assert reference_text.person_name(world.user("expert05")) == "陈志强", "a person's name as given"
        assert reference_text.person_name(world.user("auditor")) == "Auditor", "named after its role"
    with _reading("/"):
        assert element_text.element_name(version, "Task_Declare", "填写申报材料") == "填写申报材料"
        assert element_text.phase_name(version, "自主申报") == "自主申报"
        assert reference_text.organisation_name(instance.applicant) == "济南市历下区"


def test_a_notification_reads_in_the_language_of_whoever_reads_it(app, world):
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Notification

    world.declare(world.start("370102"))  # the city's review is its new task (the newest)
    newest = select(Notification).where(Notification.kind == NEW_TASK).order_by(Notification.id.desc())
    note = db.session.scalars(newest).first()
    assert note is not None
    with _reading("/?lang=en"):
        assert (
            headline(note.kind, note.params)
            == f"New task: City review (#{note.instance_id} Lixia District, Jinan)"
        )
    with _reading("/"):
        assert headline(note.kind, note.params) == f"新任务：市级审核（#{note.instance_id} 济南市历下区）"


def test_a_call_has_an_english_name_for_readers_of_english(client):
    login(client, "province")
    page = client.get("/calls").get_data(as_text=True)
    too_long = client.post(
        "/calls",
        data={
            "csrf_token": csrf_token(page),
            "name": "2027年度申报",
            "name_en": "x" * 129,
            "year": "2027",
            "deadline": "2027-06-30T23:59",
        },
    )
    assert too_long.status_code == 200 and "最多 128 个字符。" in too_long.get_data(as_text=True)
    assert "2027年度申报" not in client.get("/calls").get_data(as_text=True).split("<form")[0]
    ok = client.post(
        "/calls",
        data={
            "csrf_token": csrf_token(page),
            "name": "2027年度申报",
            "name_en": "2027 provincial call",
            "year": "2027",
            "deadline": "2027-06-30T23:59",
        },
    )
    assert ok.status_code == 302
    assert "2027年度申报" in client.get("/calls").get_data(as_text=True)
    client.post("/language/en", data={"csrf_token": csrf_token(page), "next": "/calls"})
    english = client.get("/calls").get_data(as_text=True)
    assert "2027 provincial call" in english and "2027年度申报" not in english


def test_units_are_named_from_the_reference_data(app):
    from sqlalchemy import select

    from app.extensions import db

    org = db.session.scalar(select(Organisation).where(Organisation.adcode == "370783"))
    assert (org.full_name, org.full_name_en) == ("潍坊市寿光市", "Shouguang City, Weifang")
