"""Builders for engine tests: inline diagrams, fixture files and times."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from app.engine import Engine, ProcessDefinition

FIXTURES = Path(__file__).parent / "fixtures"

BPMN_HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'id="Definitions_x" targetNamespace="http://bpmn.io/schema/bpmn">'
)


def at(iso: str) -> datetime:
    """An aware datetime from an ISO string (offset required)."""
    moment = datetime.fromisoformat(iso)
    assert moment.tzinfo is not None
    return moment


T0 = at("2026-01-01T09:00:00+08:00")


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def lifecycle_files() -> dict[str, bytes]:
    return {"main.bpmn": fixture_bytes("main.bpmn"), "sub.bpmn": fixture_bytes("sub.bpmn")}


def script_process(script: str, process_id: str = "scripted") -> bytes:
    """A one-script-task process: start -> Script_Under_Test -> user task -> end."""
    body = script.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (
        BPMN_HEADER + f'<bpmn:process id="{process_id}" name="脚本" isExecutable="true">'
        '<bpmn:startEvent id="StartEvent_1"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>'
        '<bpmn:sequenceFlow id="F1" sourceRef="StartEvent_1" targetRef="Script_Under_Test"/>'
        '<bpmn:scriptTask id="Script_Under_Test" name="被测脚本"><bpmn:incoming>F1</bpmn:incoming>'
        f"<bpmn:outgoing>F2</bpmn:outgoing><bpmn:script>{body}</bpmn:script></bpmn:scriptTask>"
        '<bpmn:sequenceFlow id="F2" sourceRef="Script_Under_Test" targetRef="Task_After"/>'
        '<bpmn:userTask id="Task_After" name="之后"><bpmn:incoming>F2</bpmn:incoming>'
        "<bpmn:outgoing>F3</bpmn:outgoing></bpmn:userTask>"
        '<bpmn:sequenceFlow id="F3" sourceRef="Task_After" targetRef="EndEvent_1"/>'
        '<bpmn:endEvent id="EndEvent_1"><bpmn:incoming>F3</bpmn:incoming></bpmn:endEvent>'
        "</bpmn:process></bpmn:definitions>"
    ).encode()


def timer_process(expression: str) -> bytes:
    """start -> user task with an interrupting timeDate boundary timer -> two ends."""
    return (
        BPMN_HEADER + '<bpmn:process id="timed" name="计时" isExecutable="true">'
        '<bpmn:startEvent id="StartEvent_1"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>'
        '<bpmn:sequenceFlow id="F1" sourceRef="StartEvent_1" targetRef="Task_Wait"/>'
        '<bpmn:userTask id="Task_Wait" name="等待"><bpmn:incoming>F1</bpmn:incoming>'
        "<bpmn:outgoing>F2</bpmn:outgoing></bpmn:userTask>"
        '<bpmn:boundaryEvent id="Timer_Due" name="到期" attachedToRef="Task_Wait" cancelActivity="true">'
        '<bpmn:outgoing>F3</bpmn:outgoing><bpmn:timerEventDefinition id="TD">'
        f'<bpmn:timeDate xsi:type="bpmn:tFormalExpression">{expression}</bpmn:timeDate>'
        "</bpmn:timerEventDefinition></bpmn:boundaryEvent>"
        '<bpmn:sequenceFlow id="F2" sourceRef="Task_Wait" targetRef="End_Done"/>'
        '<bpmn:sequenceFlow id="F3" sourceRef="Timer_Due" targetRef="End_Late"/>'
        '<bpmn:endEvent id="End_Done" name="完成"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>'
        '<bpmn:endEvent id="End_Late" name="逾期"><bpmn:incoming>F3</bpmn:incoming></bpmn:endEvent>'
        "</bpmn:process></bpmn:definitions>"
    ).encode()


def script_engine(script: str) -> Engine:
    return Engine(ProcessDefinition.from_files({"scripted.bpmn": script_process(script)}, "scripted"))


def timer_engine(expression: str) -> Engine:
    return Engine(ProcessDefinition.from_files({"timed.bpmn": timer_process(expression)}, "timed"))


def wall_clock_now() -> datetime:
    return datetime.now(UTC)


def review_process() -> bytes:
    """start -> an opinion per reviewer (parallel multi-instance, into ``opinions``) -> decide -> end."""
    return (
        BPMN_HEADER + '<bpmn:process id="reviewed" name="评审" isExecutable="true">'
        '<bpmn:startEvent id="StartEvent_1"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>'
        '<bpmn:sequenceFlow id="F1" sourceRef="StartEvent_1" targetRef="Task_Opinion"/>'
        '<bpmn:userTask id="Task_Opinion" name="专家意见"><bpmn:incoming>F1</bpmn:incoming>'
        "<bpmn:outgoing>F2</bpmn:outgoing><bpmn:multiInstanceLoopCharacteristics>"
        "<bpmn:loopDataInputRef>reviewers</bpmn:loopDataInputRef>"
        "<bpmn:loopDataOutputRef>opinions</bpmn:loopDataOutputRef>"
        '<bpmn:inputDataItem id="reviewer" name="reviewer"/>'
        '<bpmn:outputDataItem id="opinion" name="opinion"/>'
        "</bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>"
        '<bpmn:sequenceFlow id="F2" sourceRef="Task_Opinion" targetRef="Task_Decide"/>'
        '<bpmn:userTask id="Task_Decide" name="汇总"><bpmn:incoming>F2</bpmn:incoming>'
        "<bpmn:outgoing>F3</bpmn:outgoing></bpmn:userTask>"
        '<bpmn:sequenceFlow id="F3" sourceRef="Task_Decide" targetRef="EndEvent_1"/>'
        '<bpmn:endEvent id="EndEvent_1"><bpmn:incoming>F3</bpmn:incoming></bpmn:endEvent>'
        "</bpmn:process></bpmn:definitions>"
    ).encode()
