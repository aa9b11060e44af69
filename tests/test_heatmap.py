"""The heatmap on the diagram (issue 16 §4): its figures against a history made by hand.

Three applications of the 2026 call go through the declaration (two counties of 济南市, one of
青岛市) and two of them through the assignment of review experts and the experts' opinions, the clock
moved to a chosen day before each step. The expected counts, medians and 90th percentiles below are
worked out by hand from those days.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from app.demo import driver
from app.services.errors import Forbidden, NotFound
from app.services.statistics import heatmap as heatmap_service
from app.services.statistics.flow_graph import MAIN_START, FlowGraph
from app.services.store.deployment import current_version

from .conftest import START
from .web_helpers import login

DAY = timedelta(days=1).total_seconds()

# Day (after START) of each step: start, declaration, city's forwarding, then for two of them the
# province's assignment of experts 05 and 06 and each expert's opinion.
HISTORIES = {
    "370102": {"start": 0, "declare": 1, "forward": 3, "assign": 6, "expert05": 7, "expert06": 9},
    "370103": {"start": 0, "declare": 2, "forward": 6, "assign": 7, "expert06": 8, "expert05": 11},
    "370202": {"start": 0, "declare": 5, "forward": 15},
}


@pytest.fixture
def history(world):
    """The three applications driven through the services on their days; returns the version's id."""

    def on(day: int) -> None:
        world.clock.set(START + timedelta(days=day))

    for adcode, days in HISTORIES.items():
        on(days["start"])
        instance = world.start(adcode)
        on(days["declare"])
        driver.declare(instance)
        on(days["forward"])
        driver.city_decides(instance, "forward")
        if "assign" not in days:
            continue
        on(days["assign"])
        driver.assign(instance, "expert05", "expert06")
        for expert in sorted(("expert05", "expert06"), key=days.__getitem__):
            on(days[expert])
            driver.opine(instance, expert, "pass")
    return current_version(world.app.config["PROCESS_KEY"]).id


def figures(user, version_id, **filters):
    result = heatmap_service.heatmap(driver.user(user), version_id, **filters)
    return result, {figure.element_id: figure for figure in result.elements}


def test_counts_and_waits_per_element_match_the_hand_made_history(world, history):
    result, by_element = figures("province", history)
    assert result.applications == 3
    declare = by_element["Task_Declare"]
    assert (declare.applications, declare.visits) == (3, 3)
    assert declare.wait.median == 2 * DAY  # waits 1, 2, 5 days since the start
    assert declare.wait.p90 == 5 * DAY
    city = by_element["Task_CityReview"]
    assert city.wait.median == 4 * DAY  # 2, 4, 10 days since the declaration
    assert city.wait.p90 == 10 * DAY
    assign = by_element["Task_AssignExperts"]
    assert (assign.applications, assign.wait.median, assign.wait.p90) == (2, 2 * DAY, 3 * DAY)  # 3 and 1 days


def test_each_expert_waits_from_the_assignment_not_from_the_other_experts_opinion(world, history):
    _result, by_element = figures("province", history)
    opinion = by_element["Task_ExpertOpinion"]
    assert (opinion.applications, opinion.visits, opinion.wait.measured) == (2, 4, 4)
    assert opinion.wait.median == 2 * DAY  # 1, 3 days (370102) and 1, 4 days (370103): a mean of 1 and 3
    assert opinion.wait.p90 == 4 * DAY


def test_the_table_puts_the_longest_median_wait_first_and_compares_the_cities_there(world, history):
    result, _by_element = figures("province", history)
    assert result.slowest is not None and result.slowest.element_id == "Task_CityReview"
    assert result.elements[0] is result.slowest
    cities = [(c.city.adcode, c.applications, c.wait.median, c.wait.p90) for c in result.cities]
    assert cities == [("370200", 1, 10 * DAY, 10 * DAY), ("370100", 2, 3 * DAY, 4 * DAY)]


def test_flows_are_counted_from_consecutive_steps_across_the_called_processes(world, history):
    result, by_element = figures("province", history)
    taken = {flow.flow_id: (flow.taken, flow.applications) for flow in result.flows}
    assert taken["Flow_Declare_To_CityReview"] == (3, 3)
    assert taken["Flow_Start_To_Declaration"] == (3, 3)  # the lifecycle's start into the declaration
    assert taken["Flow_Declaration_To_Review"] == (2, 2)  # forwarded, then the experts were assigned
    assert taken["Flow_AssignExperts_To_ExpertOpinion"] == (4, 2)  # once per expert
    assert "Flow_Return" not in taken and "Flow_ExpertOpinion_To_CountRound" not in taken
    # Elements the history does not record are passed on the way: the call activities, the gateway.
    assert by_element["Call_Review"].applications == 2
    assert by_element["Gateway_CityDecision"].applications == 2
    assert by_element["Call_Review"].wait.measured == 0


def test_filters_by_city_and_call(world, history):
    jinan = driver.user("370100").org_id
    result, by_element = figures("province", history, city_id=jinan)
    assert result.applications == 2
    assert by_element["Task_CityReview"].wait.median == 3 * DAY
    result, _ = figures("province", history, call_id=world.open_call().id + 1)
    assert result.applications == 0 and result.elements == [] and result.slowest is None


def test_a_city_sees_only_its_own_counties(world, history):
    result, by_element = figures("370200", history)
    assert result.applications == 1
    assert by_element["Task_CityReview"].wait.median == 10 * DAY
    assert "Task_AssignExperts" not in by_element
    # Naming another city changes nothing of the scope.
    result, _ = figures("370200", history, city_id=driver.user("370100").org_id)
    assert result.applications == 0


@pytest.mark.parametrize("username", ["370102", "expert05", "owner", "admin"])
def test_counties_experts_and_others_are_refused(world, history, username):
    with pytest.raises(Forbidden):
        heatmap_service.heatmap(driver.user(username), history)


def test_an_unknown_version_is_not_found(world, history):
    with pytest.raises(NotFound):
        heatmap_service.heatmap(driver.user("province"), history + 1000)


@pytest.mark.parametrize("username", ["370102", "expert05"])
def test_the_page_refuses_counties_and_experts(world, history, client, username):
    login(client, username)
    assert client.get(f"/command/heatmap?version={history}").status_code == 403


def test_the_page_draws_the_figures_for_the_province(world, history, client):
    login(client, "province")
    page = client.get(f"/command/heatmap?version={history}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'data-testid="heatmap-table"' in text and "市级审核" in text
    assert client.get("/command/heatmap?version=abc").status_code == 400
    assert client.get(f"/command/heatmap?version={history + 1000}").status_code == 404


def test_between_two_recorded_steps_only_what_every_path_takes_is_counted():
    """After the province's decision the next recorded step is the formal submission: the review
    diagram's passed and failed branches both lead out of it, so neither is counted; the lifecycle's
    branch into the recommendation is the only way to the submission, so it is."""
    files = {path.name: path.read_text(encoding="utf-8") for path in Path("bpmn").glob("*.bpmn")}
    graph = FlowGraph.of(SimpleNamespace(bpmn_files=files, main_process_id="zone_lifecycle"))
    path = graph.predecessors("Task_FormalSubmission")["Task_ReviewDecision"]
    taken = {"Flow_ReviewDecision_To_Result", "Flow_ReviewPassed", "Flow_Start_To_FormalSubmission"}
    assert taken <= path.flows
    assert not {"Flow_Passed", "Flow_Failed"} & path.flows
    assert {"Call_Review", "Call_Recommendation"} <= path.passed
    # A timer on an activity is armed when the activity begins: it has the activity's predecessors.
    assert set(graph.predecessors("Timer_Deadline")) == {MAIN_START}


def test_a_timer_waits_from_the_step_that_armed_it_to_its_firing(world):
    """The declaration deadline is armed when the application starts and fires once the call closes."""
    instance = world.start("370105")
    due = world.reload(instance).next_timer_at
    closed = world.wait_for_next_timer(instance)
    assert closed.status == "completed"
    version_id = current_version(world.app.config["PROCESS_KEY"]).id
    result, by_element = figures("province", version_id)
    deadline = by_element["Timer_Deadline"]
    assert deadline.wait.measured == 1
    assert deadline.wait.median == deadline.wait.p90 == (due + timedelta(seconds=1) - START).total_seconds()
    [end] = [f for f in result.elements if f.name == closed.outcome_label]  # 逾期未报: counted, not timed
    assert (end.applications, end.wait.measured) == (1, 0)
