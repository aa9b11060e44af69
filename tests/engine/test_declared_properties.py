"""Elements found by what the diagram declares about them, not by their ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.engine import ProcessDefinition

BPMN = Path(__file__).resolve().parents[2] / "bpmn"


@pytest.fixture(scope="module")
def repository() -> ProcessDefinition:
    return ProcessDefinition.from_files(
        {p.name: p.read_bytes() for p in BPMN.glob("*.bpmn")}, "zone_lifecycle"
    )


def test_the_repository_declares_which_task_fills_which_block_of_the_application_form(repository) -> None:
    assert repository.application_form_blocks() == {
        "Task_Declare": "declaration",
        "Task_Revise": "declaration",
        "Task_CityReview": "city_opinion",
        "Task_CityRecommendation": "city_opinion",
        "Task_ExpertOpinion": "review_opinion",
        "Task_ReviewDecision": "review_opinion",
        "Task_Assessment": "province_opinion",
        "Task_Recognition": "province_opinion",
    }


def test_elements_by_property_reads_every_called_process(repository) -> None:
    outcomes = repository.elements_by_property("outcome")
    assert outcomes["End_ReviewFailed"] == "review_failed"  # in review.bpmn, a called process
    assert outcomes["End_Late"] == "late"  # in lifecycle.bpmn, the main process
    assert "Task_Declare" not in outcomes


def test_a_diagram_that_declares_no_blocks_has_none(lifecycle: ProcessDefinition) -> None:
    assert lifecycle.application_form_blocks() == {}
    assert lifecycle.elements_by_property("formJsonSchemaFilename")["Task_Declare"] == "declaration.json"
