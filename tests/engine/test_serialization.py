"""States are stored without the spec and restore into equivalent, sandboxed workflows."""

from __future__ import annotations

import json

import pytest
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from app.engine import Engine, ProcessDefinition, ScriptError, WorkflowRun
from app.engine.determinism import IdSequence
from app.engine.serialization import ID_SEQUENCE_KEY
from tests.engine.builders import T0, lifecycle_files


def summary(run: WorkflowRun) -> tuple:
    ready = [(t.element_id, t.process_id, t.lane, t.form) for t in run.ready_user_tasks()]
    data = [run.task_data(t.task_id) for t in run.ready_user_tasks()]
    return ready, data, run.is_completed, run.end_outcome, run.next_timer_due(), run.data


def sorted_deletions(dct: dict) -> dict:
    for workflow in (dct, *dct["subprocesses"].values()):
        for task in workflow["tasks"].values():
            task["delta"]["deletions"] = sorted(task.get("delta", {}).get("deletions", []))
    return dct


def test_state_has_no_spec_and_is_stable(engine: Engine, start_data: dict) -> None:
    run = engine.start(start_data, T0)
    state = run.serialize()
    dct = json.loads(state)
    assert "spec" not in dct and "subprocess_specs" not in dct
    assert state == run.serialize()
    assert engine.restore(state).serialize() == state
    assert list(dct) == sorted(dct)

    restored = engine.restore(state)
    restored.complete_task(restored.ready_user_tasks()[0].task_id, {"b": 1, "a": 2}, T0)
    later = restored.serialize()
    assert engine.restore(later).serialize() == later


def test_round_trip_matches_spiffworkflows_own_serializer(
    lifecycle: ProcessDefinition, start_data: dict
) -> None:
    plain = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    engine = Engine(lifecycle)
    run = engine.start(start_data, T0)
    run.complete_task(run.ready_user_tasks()[0].task_id, {"theme_title": "议事协商"}, T0)

    ours = engine.restore(run.serialize())
    theirs_wf = plain.deserialize_json(plain.serialize_json(run.workflow))
    theirs = WorkflowRun(theirs_wf, lifecycle, IdSequence(**json.loads(run.serialize())[ID_SEQUENCE_KEY]))

    plain_dict = json.loads(plain.serialize_json(run.workflow))
    plain_dict.pop("spec"), plain_dict.pop("subprocess_specs"), plain_dict.pop("serializer_version")
    our_dict = json.loads(run.serialize())
    our_dict.pop("serializer_version"), our_dict.pop(ID_SEQUENCE_KEY)
    assert sorted_deletions(our_dict) == sorted_deletions(plain_dict)

    assert summary(ours) == summary(theirs)
    for candidate in (ours, theirs):
        candidate.complete_task(candidate.ready_user_tasks()[0].task_id, {"city_decision": "forward"}, T0)
    assert summary(ours) == summary(theirs)
    assert ours.end_outcome == ("End_Received", "已报送", "received")
    assert ours.completed_element_ids() == theirs.completed_element_ids()


def test_restored_specs_are_the_definitions_own_objects(engine: Engine, start_data: dict) -> None:
    first = engine.restore(engine.start(start_data, T0).serialize())
    second = engine.restore(engine.start(start_data, T0).serialize())
    assert first.workflow.spec is second.workflow.spec is engine.definition.spec
    assert engine.definition.serializer is engine.definition.serializer


def test_restored_workflow_still_runs_scripts_in_the_sandbox(start_data: dict) -> None:
    # Script_Count runs after the first user task, i.e. only once the restored workflow continues.
    files = lifecycle_files()
    files["sub.bpmn"] = files["sub.bpmn"].replace(b"count = count + 1", b"import os")
    engine = Engine(ProcessDefinition.from_files(files, "main"))
    state = engine.start(start_data, T0).serialize()
    restored = engine.restore(state)
    with pytest.raises(ScriptError) as caught:
        restored.complete_task(restored.ready_user_tasks()[0].task_id, {}, T0)
    assert caught.value.element_id == "Script_Count"


def test_the_same_seed_and_steps_give_the_same_state_byte_for_byte(engine: Engine, start_data: dict) -> None:
    """What the auditor's re-execution relies on: task ids and state-change times follow the inputs."""

    def run_through(seed: str) -> list[str]:
        run = engine.start(start_data, T0, id_seed=seed)
        states = [run.serialize()]
        restored = engine.restore(states[-1])
        restored.complete_task(restored.ready_user_tasks()[0].task_id, {"theme_title": "议事协商"}, T0)
        states.append(restored.serialize())
        return states

    assert run_through("seed-a") == run_through("seed-a")
    assert run_through("seed-a")[0] != run_through("seed-b")[0]
    other = engine.start(start_data, T0)
    assert other.id_seed != engine.start(start_data, T0).id_seed, "by default every workflow gets its own"
