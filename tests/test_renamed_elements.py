"""A process owner renames or replaces elements: what the diagrams declare still binds the code.

The printed 申报表 finds the tasks that fill its blocks by their ``applicationFormBlock`` property,
and the demo driver finds tasks and requests by the form they show, so neither depends on an element
id a process owner may change in the workbench.
"""

from __future__ import annotations

import pytest

from app.demo import driver
from app.services.reading import queries
from app.services.store import deployment

REQUEST_ELEMENTS = ("Start_ChangeRequest", "Task_ChangeCityOpinion", "Task_ChangeDecision")


def _deploy(app, change) -> None:
    """Deploy the current files with `change(file name, text) -> text` applied to every diagram."""
    current = deployment.latest_version(app.config["PROCESS_KEY"])
    files = {name: change(name, text) for name, text in current.bpmn_files.items()}
    deployment.deploy(current.process_key, current.main_process_id, files, current.form_files, note="owner")


def _renamed(*element_ids: str):
    def change(_name: str, text: str) -> str:
        for element_id in element_ids:
            text = text.replace(f'"{element_id}"', f'"{element_id}_Renamed"')
            text = text.replace(f">{element_id}<", f">{element_id}_Renamed<")
        return text

    return change


def test_the_driver_starts_and_answers_a_renamed_request_by_its_forms(app, world):
    _deploy(app, _renamed(*REQUEST_ELEMENTS))
    zone = world.recognised_zone()

    driver.request_change(zone, "content")
    assert driver.ready_task(zone, "Task_ChangeCityOpinion_Renamed") is not None
    driver.city_opinion_on_request(zone)
    driver.decide_request(zone, approve=False)

    assert driver.task_with_form(zone, "request_decision.json") is None
    history = queries.history_of(world.reload(zone))
    assert [e.element_id for e in history if e.kind == "event_started"] == ["Start_ChangeRequest_Renamed"]
    decisions = [e.data["request_decision"] for e in history if e.element_id == "Task_ChangeDecision_Renamed"]
    assert decisions == ["reject"]


def test_two_waiting_requests_with_one_form_make_the_driver_ask_for_the_element(world):
    zone = world.recognised_zone()
    driver.request_change(zone, "content")
    driver.request_extension(zone, "2028-12-31")

    with pytest.raises(LookupError, match="name the element"):
        driver.city_opinion_on_request(zone)
    driver.city_opinion_on_request(zone, "Task_ExtensionCityOpinion")
    driver.city_opinion_on_request(zone)  # only the change request's is left
