"""Reading what the service layer needs from diagrams: user tasks, lanes, forms, names."""

from __future__ import annotations

import pytest

from app.engine import DiagramError, ProcessDefinition, UserTaskSpec
from tests.engine.builders import fixture_bytes, lifecycle_files


def test_user_tasks_carry_lane_and_form_from_the_diagram(lifecycle: ProcessDefinition) -> None:
    assert lifecycle.user_tasks() == [
        UserTaskSpec("Task_Declare", "填写申报材料", "申报单位", "declaration.json", "sub"),
        UserTaskSpec("Task_CityReview", "市级审核", "市级民政部门", "city_review.json", "sub"),
    ]


def test_element_names_cover_flow_nodes_of_called_processes(lifecycle: ProcessDefinition) -> None:
    names = lifecycle.element_names()
    assert names["Call_Sub"] == "自主申报"
    assert names["Timer_Deadline"] == "申报截止"
    assert names["Gateway_CityDecision"] == "审核结论?"
    assert names["Gateway_Merge"] == "Gateway_Merge"  # unnamed nodes fall back to their id
    assert "Flow_1" not in names


def test_unnamed_elements_are_known_by_their_kind(lifecycle: ProcessDefinition) -> None:
    kinds = lifecycle.unnamed_element_kinds()
    assert kinds["Gateway_Merge"] == "ExclusiveGateway"
    assert "Gateway_CityDecision" not in kinds and "Call_Sub" not in kinds  # named ones keep their name


def test_process_names_give_the_phase_labels(lifecycle: ProcessDefinition) -> None:
    assert lifecycle.process_names() == {"main": "测试生命周期", "sub": "自主申报"}
    assert lifecycle.main_process_id == "main"


def test_unknown_main_process_is_a_diagram_error() -> None:
    with pytest.raises(DiagramError, match="'nope' not found"):
        ProcessDefinition.from_files(lifecycle_files(), "nope")


def test_missing_called_process_is_a_diagram_error() -> None:
    with pytest.raises(DiagramError) as caught:
        ProcessDefinition.from_files({"main.bpmn": fixture_bytes("main.bpmn")}, "main")
    assert "sub" in caught.value.message


def test_schema_invalid_diagram_is_a_diagram_error() -> None:
    bad = fixture_bytes("sub.bpmn").replace(b"<bpmn:startEvent id", b'<bpmn:startEvent bogus="1" id', 1)
    with pytest.raises(DiagramError) as caught:
        ProcessDefinition.from_files({"sub.bpmn": bad}, "sub")
    assert caught.value.filename == "sub.bpmn"


def test_not_well_formed_xml_is_a_diagram_error() -> None:
    with pytest.raises(DiagramError, match="not well-formed"):
        ProcessDefinition.from_files({"broken.bpmn": b"<bpmn:definitions"}, "x")


def test_element_ids_reserved_by_the_engine_are_refused() -> None:
    content = fixture_bytes("sub.bpmn").replace(b"Start_Sub", b"Start")
    with pytest.raises(DiagramError, match="reserved") as caught:
        ProcessDefinition.from_files({"sub.bpmn": content}, "sub")
    assert caught.value.element_id == "Start"


def test_diagram_files_list_the_main_process_first_with_their_names() -> None:
    from pathlib import Path

    bpmn = Path(__file__).resolve().parents[2] / "bpmn"
    definition = ProcessDefinition.from_files(
        {p.name: p.read_bytes() for p in bpmn.glob("*.bpmn")}, "zone_lifecycle"
    )
    files = definition.diagram_files()
    assert files[0] == ("lifecycle.bpmn", "城乡社区治理实验区全生命周期")
    assert ("declaration.bpmn", "自主申报") in files
    assert len(files) == len(list(bpmn.glob("*.bpmn")))
