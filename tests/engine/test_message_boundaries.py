"""A message boundary event with a form is offered while its task waits, and triggering it interrupts."""

from __future__ import annotations

import pytest

from app.engine import Engine, ProcessDefinition, TaskNotReady
from tests.engine.builders import BPMN_HEADER, T0

WITHDRAWABLE = (
    BPMN_HEADER + '<bpmn:message id="M" name="withdraw" />'
    '<bpmn:process id="withdrawable" name="撤回" isExecutable="true">'
    '<bpmn:laneSet id="LS"><bpmn:lane id="L1" name="申报单位">'
    "<bpmn:flowNodeRef>StartEvent_1</bpmn:flowNodeRef><bpmn:flowNodeRef>Task_Submit</bpmn:flowNodeRef>"
    "<bpmn:flowNodeRef>Boundary_Withdraw</bpmn:flowNodeRef></bpmn:lane>"
    '<bpmn:lane id="L2" name="市级民政部门"><bpmn:flowNodeRef>Task_Review</bpmn:flowNodeRef>'
    "<bpmn:flowNodeRef>End_1</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>"
    '<bpmn:startEvent id="StartEvent_1"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>'
    '<bpmn:sequenceFlow id="F1" sourceRef="StartEvent_1" targetRef="Task_Submit"/>'
    '<bpmn:userTask id="Task_Submit" name="提交"><bpmn:incoming>F1</bpmn:incoming>'
    "<bpmn:incoming>F4</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:userTask>"
    '<bpmn:sequenceFlow id="F2" sourceRef="Task_Submit" targetRef="Task_Review"/>'
    '<bpmn:userTask id="Task_Review" name="审核"><bpmn:incoming>F2</bpmn:incoming>'
    "<bpmn:outgoing>F3</bpmn:outgoing></bpmn:userTask>"
    '<bpmn:boundaryEvent id="Boundary_Withdraw" name="撤回申报" attachedToRef="Task_Review" '
    'cancelActivity="true"><bpmn:extensionElements><spiffworkflow:properties>'
    '<spiffworkflow:property name="formJsonSchemaFilename" value="withdrawal.json" />'
    "</spiffworkflow:properties></bpmn:extensionElements><bpmn:outgoing>F4</bpmn:outgoing>"
    '<bpmn:messageEventDefinition id="MD" messageRef="M"><bpmn:extensionElements>'
    "<spiffworkflow:messageVariable>withdrawal</spiffworkflow:messageVariable>"
    "</bpmn:extensionElements></bpmn:messageEventDefinition></bpmn:boundaryEvent>"
    '<bpmn:sequenceFlow id="F3" sourceRef="Task_Review" targetRef="End_1"/>'
    '<bpmn:sequenceFlow id="F4" sourceRef="Boundary_Withdraw" targetRef="Task_Submit"/>'
    '<bpmn:endEvent id="End_1"><bpmn:incoming>F3</bpmn:incoming></bpmn:endEvent>'
    "</bpmn:process></bpmn:definitions>"
).encode()


@pytest.fixture
def engine() -> Engine:
    return Engine(ProcessDefinition.from_files({"w.bpmn": WITHDRAWABLE}, "withdrawable"))


def _ready(run) -> list[str]:
    return [task.element_id for task in run.ready_user_tasks()]


def test_the_definition_declares_it_with_its_lane_and_form(engine: Engine) -> None:
    (declared,) = engine.definition.message_starts()
    assert (declared.element_id, declared.name, declared.lane, declared.form) == (
        "Boundary_Withdraw",
        "撤回申报",
        "申报单位",
        "withdrawal.json",
    )
    assert engine.definition.forms_by_element()["Boundary_Withdraw"] == "withdrawal.json"


def test_offered_only_while_its_task_waits_and_it_interrupts_the_task(engine: Engine) -> None:
    run = engine.start({}, T0)
    assert run.message_starts() == []
    with pytest.raises(TaskNotReady):
        run.start_event_subprocess("Boundary_Withdraw", {"withdrawal_comments": "早"}, T0)
    run.complete_task(run.ready_user_tasks()[0].task_id, {}, T0)
    assert [start.element_id for start in run.message_starts()] == ["Boundary_Withdraw"]
    run.start_event_subprocess("Boundary_Withdraw", {"withdrawal_comments": "重报"}, T0)
    assert _ready(run) == ["Task_Submit"], "the review is cancelled, the submission is back"
    resubmit = run.ready_user_tasks()[0].task_id
    assert run.task_data(resubmit)["withdrawal"] == {"withdrawal_comments": "重报"}
    assert run.message_starts() == []
    run.complete_task(run.ready_user_tasks()[0].task_id, {}, T0)
    run.complete_task(run.ready_user_tasks()[0].task_id, {}, T0)
    assert run.is_completed and run.message_starts() == []
