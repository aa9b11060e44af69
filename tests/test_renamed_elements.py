"""A process owner renames or replaces elements: what the diagrams declare still binds the code.

The printed 申报表 finds the tasks that fill its blocks by their ``applicationFormBlock`` property,
and the demo driver finds tasks and requests by the form they show, so neither depends on an element
id a process owner may change in the workbench.
"""

from __future__ import annotations

import re

import pytest

from app.demo import driver
from app.services.reading import queries
from app.services.reading.application_form import application_form_for
from app.services.store import deployment

BLOCK_TASKS = (
    "Task_Declare",
    "Task_Revise",
    "Task_CityReview",
    "Task_CityRecommendation",
    "Task_ExpertOpinion",
    "Task_ReviewDecision",
    "Task_Assessment",
    "Task_Recognition",
)
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


def _without_block(*element_ids: str):
    """Drop the applicationFormBlock property of the given elements (of every element when none given)."""

    def change(_name: str, text: str) -> str:
        ids = "|".join(map(re.escape, element_ids)) if element_ids else r"[^\"]+"
        task = re.compile(rf'(<bpmn:userTask id="(?:{ids})".*?</bpmn:userTask>)', re.S)
        prop = re.compile(r'\s*<spiffworkflow:property name="applicationFormBlock" value="[^"]*" />')
        return task.sub(lambda m: prop.sub("", m.group(1)), text)

    return change


def _filled(form) -> dict[str, bool]:
    return {
        "declaration": bool(form.lead_name),
        "city": form.city_opinion.filled,
        "review": form.review_opinion.filled,
        "province": form.province_opinion.filled,
    }


def test_every_block_of_the_form_fills_in_on_a_version_whose_tasks_were_renamed(app, world):
    _deploy(app, _renamed(*BLOCK_TASKS))
    zone = world.recognised_zone()
    assert driver.ready_task(zone, "Task_AnnualPlan") is not None, "the driver found every renamed task"

    form = application_form_for(world.user("province"), zone.id)

    assert _filled(form) == {"declaration": True, "city": True, "review": True, "province": True}
    assert form.city_opinion.doc_number, "the city's formal recommendation, not only its forwarding"
    assert form.review_opinion.signatures == [f"{world.user('expert05').display_name}（2026年5月4日）"]
    assert form.province_opinion.doc_number.startswith("鲁民")


def test_a_task_that_no_longer_declares_its_block_does_not_fill_it(app, world):
    _deploy(app, _without_block("Task_CityRecommendation"))
    zone = world.recognised_zone()

    city = application_form_for(world.user("province"), zone.id).city_opinion

    assert city.filled, "the city's forwarding of the plan still fills the block"
    assert city.doc_number == "", "the recommendation's document number is not read any more"


def test_histories_of_a_version_that_declared_no_blocks_read_the_newest_declarations(app, world):
    repository = deployment.latest_version(app.config["PROCESS_KEY"])
    _deploy(app, _without_block())
    zone = world.recognised_zone()
    province = world.user("province")
    assert not any(_filled(application_form_for(province, zone.id)).values())

    deployment.deploy(
        repository.process_key, repository.main_process_id, repository.bpmn_files, repository.form_files
    )

    form = application_form_for(province, zone.id)
    assert _filled(form) == {"declaration": True, "city": True, "review": True, "province": True}
    assert world.reload(zone).version_id != deployment.latest_version(repository.process_key).id


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
