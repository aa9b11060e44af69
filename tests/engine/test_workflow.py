"""Running the test lifecycle: call activity, lanes, gateway loop, script, end outcome."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.engine import Engine, ReadyTask, TaskNotReady, WorkflowRun
from tests.engine.builders import T0


def only_ready(run: WorkflowRun) -> ReadyTask:
    ready = run.ready_user_tasks()
    assert len(ready) == 1, ready
    return ready[0]


def test_start_offers_the_declaration_inside_the_called_process(engine: Engine, start_data: dict) -> None:
    run = engine.start(start_data, T0)
    task = only_ready(run)
    assert (task.element_id, task.name, task.lane, task.form) == (
        "Task_Declare",
        "填写申报材料",
        "申报单位",
        "declaration.json",
    )
    assert (task.process_id, task.process_name) == ("sub", "自主申报")
    assert run.task_data(task.task_id)["applicant_name"] == "历下区"
    assert not run.is_completed and run.end_outcome is None


def test_forwarding_reaches_the_received_end_with_its_outcome(engine: Engine, start_data: dict) -> None:
    run = engine.start(start_data, T0)
    run.complete_task(only_ready(run).task_id, {"theme_title": "议事协商"}, T0)
    review = only_ready(run)
    assert (review.element_id, review.lane, review.form) == (
        "Task_CityReview",
        "市级民政部门",
        "city_review.json",
    )
    assert run.task_data(review.task_id)["count"] == 1  # the script task ran: count = count + 1
    run.complete_task(review.task_id, {"city_decision": "forward"}, T0 + timedelta(days=1))
    assert run.is_completed
    assert run.end_outcome == ("End_Received", "已报送", "received")
    assert run.data["theme_title"] == "议事协商"
    assert run.ready_user_tasks() == []
    assert run.next_timer_due() is None


def test_return_decision_loops_back_to_the_applicant(engine: Engine, start_data: dict) -> None:
    run = engine.start(start_data, T0)
    run.complete_task(only_ready(run).task_id, {"theme_title": "初稿"}, T0)
    run.complete_task(only_ready(run).task_id, {"city_decision": "return", "city_comments": "补充"}, T0)
    again = only_ready(run)
    assert again.element_id == "Task_Declare"
    assert run.task_data(again.task_id)["theme_title"] == "初稿"  # prefill from the first round
    run.complete_task(again.task_id, {"theme_title": "修改稿"}, T0)
    assert run.task_data(only_ready(run).task_id)["count"] == 2


def test_completed_elements_are_listed_in_order_for_highlighting(engine: Engine, start_data: dict) -> None:
    run = engine.start(start_data, T0)
    run.complete_task(only_ready(run).task_id, {}, T0)
    run.complete_task(only_ready(run).task_id, {"city_decision": "forward"}, T0)
    ids = run.completed_element_ids()
    for earlier, later in [
        ("Start_Main", "Task_Declare"),
        ("Task_Declare", "Script_Count"),
        ("Script_Count", "Task_CityReview"),
        ("Gateway_CityDecision", "End_Received"),
    ]:
        assert ids.index(earlier) < ids.index(later)
    assert "Timer_Deadline" not in ids


def test_completing_twice_or_an_unknown_id_is_task_not_ready(engine: Engine, start_data: dict) -> None:
    run = engine.start(start_data, T0)
    task_id = only_ready(run).task_id
    run.complete_task(task_id, {}, T0)
    with pytest.raises(TaskNotReady):
        run.complete_task(task_id, {}, T0)
    with pytest.raises(TaskNotReady):
        run.complete_task("not-a-uuid", {}, T0)
    with pytest.raises(TaskNotReady):
        run.task_data("00000000-0000-0000-0000-000000000000")


def test_task_data_is_a_copy(engine: Engine, start_data: dict) -> None:
    run = engine.start(start_data, T0)
    task_id = only_ready(run).task_id
    run.task_data(task_id)["applicant_name"] = "changed"
    assert run.task_data(task_id)["applicant_name"] == "历下区"
