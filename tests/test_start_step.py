"""Starting an application is a workflow's first step: one that breaks in the diagram stores nothing."""

from __future__ import annotations

import pytest
from flask import current_app
from sqlalchemy import func, select

from app.extensions import db
from app.models import HistoryEvent, Incident, Instance
from app.services.errors import ServiceError
from app.services.store import deployment

FIRST_FLOW = (
    '<bpmn:sequenceFlow id="Flow_Start_To_Declaration" sourceRef="Start_Lifecycle" '
    'targetRef="Call_Declaration" />'
)
# The same path through a script task that fails on a name nothing defines.
BROKEN = (
    '<bpmn:sequenceFlow id="Flow_Start_To_Broken" sourceRef="Start_Lifecycle" targetRef="Script_Broken" />'
    '<bpmn:scriptTask id="Script_Broken" name="登记">'
    "<bpmn:script>count = undefined_name + 1</bpmn:script></bpmn:scriptTask>"
    '<bpmn:sequenceFlow id="Flow_Broken_To_Declaration" sourceRef="Script_Broken" '
    'targetRef="Call_Declaration" />'
)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_script_failing_as_an_application_starts_stores_nothing_and_says_where(world):
    key = current_app.config["PROCESS_KEY"]
    current = deployment.current_version(key)
    files = dict(current.bpmn_files)
    assert FIRST_FLOW in files["lifecycle.bpmn"]
    files["lifecycle.bpmn"] = files["lifecycle.bpmn"].replace(FIRST_FLOW, BROKEN)
    deployment.deploy(key, current.main_process_id, files, dict(current.form_files), note="broken start")
    before = (_count(Instance), _count(HistoryEvent), _count(Incident))
    with pytest.raises(ServiceError) as refused:
        world.start("370102")
    assert refused.value.message == "流程在环节 Script_Broken 无法继续，请联系流程管理员。"
    db.session.expire_all()
    assert (_count(Instance), _count(HistoryEvent), _count(Incident)) == before
