"""Multi-instance reviews collect every opinion, whichever process (worker) completes them."""

from __future__ import annotations

from app.engine import Engine, ProcessDefinition
from tests.engine.builders import T0, review_process


def _parsed() -> ProcessDefinition:
    """A definition as a freshly started worker process parses it (no workflow has run on it yet)."""
    return ProcessDefinition.from_files({"review.bpmn": review_process()}, "reviewed")


def _opinion_tasks(run) -> list[str]:
    return [t.task_id for t in run.ready_user_tasks() if t.element_id == "Task_Opinion"]


def test_opinions_completed_in_another_worker_are_collected() -> None:
    """The opinions are created in one worker and given in another, as two gunicorn workers do."""
    creating_worker, completing_worker = Engine(_parsed()), Engine(_parsed())
    state = creating_worker.start({"reviewers": ["expert05", "expert06"]}, T0).serialize()

    for _ in range(2):
        run = completing_worker.restore(state)
        run.complete_task(_opinion_tasks(run)[0], {"opinion": {"by": run.ready_user_tasks()[0].name}}, T0)
        state = run.serialize()

    run = completing_worker.restore(state)
    assert [t.element_id for t in run.ready_user_tasks()] == ["Task_Decide"]
    assert len(run.task_data(run.ready_user_tasks()[0].task_id)["opinions"]) == 2


def test_opinions_given_in_alternating_workers_are_all_kept() -> None:
    """One opinion in each worker: neither is dropped from the collected opinions."""
    first, second = Engine(_parsed()), Engine(_parsed())
    state = second.start({"reviewers": ["expert05", "expert06", "expert07"]}, T0).serialize()
    for index, engine in enumerate((first, second, first)):
        run = engine.restore(state)
        run.complete_task(_opinion_tasks(run)[0], {"opinion": f"opinion {index}"}, T0)
        state = run.serialize()

    run = first.restore(state)
    decide = run.ready_user_tasks()
    assert [t.element_id for t in decide] == ["Task_Decide"]
    assert sorted(run.task_data(decide[0].task_id)["opinions"]) == ["opinion 0", "opinion 1", "opinion 2"]


def test_running_a_review_leaves_the_parsed_specs_unchanged() -> None:
    """Every connection SpiffWorkflow would make while running is made when the diagram is parsed."""
    definition = _parsed()
    as_parsed = definition.wiring_fingerprint()
    run = Engine(definition).start({"reviewers": ["expert05"]}, T0)
    run.complete_task(_opinion_tasks(run)[0], {"opinion": "pass"}, T0)
    assert definition.wiring_fingerprint() == as_parsed


def test_a_review_that_cannot_move_on_reports_where_it_stalled() -> None:
    """Instances completed with their merge cut off leave the loop waiting forever: stalled at the loop."""
    definition = _parsed()
    run = Engine(definition).start({"reviewers": ["expert05"]}, T0)
    assert run.stalled_at() is None, "an opinion is ready"
    loop_spec = next(
        s
        for s in definition.spec.task_specs.values()
        if getattr(s, "bpmn_id", "") == "Task_Opinion" and hasattr(s, "merge_child")
    )
    instance_spec = definition.spec.task_specs[loop_spec.task_spec]
    instance_spec.completed_event.disconnect(loop_spec.merge_child)
    try:
        run.complete_task(_opinion_tasks(run)[0], {"opinion": "pass"}, T0)
    finally:
        instance_spec.completed_event.connect(loop_spec.merge_child)
    assert run.ready_user_tasks() == []
    assert run.stalled_at() == ["Task_Opinion"]
