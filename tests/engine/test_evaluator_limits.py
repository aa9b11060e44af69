"""Diagram code runs in evaluator processes under hard OS limits: C-level hangs and blow-ups are stopped.

Each hostile snippet below passes the language policy (or is refused by it) and, before the
evaluator processes, held the server's GIL for minutes or ate its memory in one C-level operation.
The elapsed-time bounds are safety bounds (the limit plus 3 s on a shared machine), not
performance assertions.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import replace

import pytest

from app.engine import (
    Engine,
    EvaluatorLimits,
    ProcessDefinition,
    ScriptError,
    ScriptLimitExceeded,
    configure_evaluators,
    evaluator_limits,
)
from app.engine.scripting.script_engine import RestrictedEnvironment
from tests.engine.builders import BPMN_HEADER, T0, fixture_bytes, script_engine, timer_process

CPU_BOUND = {"CPU time", "wall clock"}  # which one trips first depends on the machine's load
NESTED = "((t := (1,)) and [(t := (t, t)) for i in range(64)] and len({t}) > 0)"


@pytest.fixture(autouse=True)
def limits():
    """Short limits for these tests; the defaults come back afterwards."""
    before = evaluator_limits()
    tight = EvaluatorLimits(wall_seconds=1.5, cpu_seconds=0.5, memory_bytes=256 * 1024 * 1024)
    configure_evaluators(tight)
    yield tight
    configure_evaluators(before)


# (limits that may stop it, fragment of the message, script)
HOSTILE_SCRIPTS = {
    "nested-tuple-hash": (CPU_BOUND, "limit", f"found = {NESTED}"),
    "isinstance-nested-tuple": (
        CPU_BOUND,
        "limit",
        "t = (str,)\nfor i in range(64):\n    t = (t, t)\nfound = isinstance(1, t)",
    ),
    "equality-of-nested-tuples": (
        CPU_BOUND,
        "limit",
        "a = (1,)\nb = (1,)\nfor i in range(64):\n    a = (a, a)\n    b = (b, b)\nsame = a == b",
    ),
    "million-bit-floor-division": (
        CPU_BOUND,
        "limit",
        "x = 1 << 99999\ny = x * x * x * x * x * x * x * x * x\nz = y * x\n"
        "for i in range(1000):\n    q = z // (y // 7)",
    ),
    # Copying a megabyte at a time, it reaches the memory limit in about 0.1 s of CPU on a quiet machine;
    # on a loaded one the CPU or the wall-clock limit may come first.
    "gigabyte-string": ({"memory"} | CPU_BOUND, "limit", "x = str(['a' * 10**6] * 1000)"),
    "memory-blow-up": ({"memory"}, "memory limit", "x = [[0] * 10**6 for i in range(100)]"),
    "terabyte-result": ({"result size"}, "result size limit", "x = ['a' * 10**6] * 10**6"),
}


@pytest.mark.parametrize(
    ("stopped_by", "fragment", "script"), HOSTILE_SCRIPTS.values(), ids=HOSTILE_SCRIPTS.keys()
)
def test_hostile_script_is_stopped_at_a_named_limit(limits, stopped_by, fragment, script) -> None:
    engine = script_engine(script)
    started = time.monotonic()
    with pytest.raises(ScriptLimitExceeded) as caught:
        engine.start({"count": 0}, T0)
    assert time.monotonic() - started < limits.wall_seconds + 3
    assert caught.value.element_id == "Script_Under_Test"
    assert caught.value.limit in stopped_by
    assert "被测脚本" in caught.value.message and fragment in caught.value.message


# Refused by the language policy before anything runs, or stopped by Python itself.
REFUSED_SCRIPTS = {
    "fork-bomb-import": ("import", "import os\nwhile True:\n    os.fork()"),
    "fork-bomb-dunder-import": ("underscore", "__import__('os').fork()"),
    "fork-bomb-subclasses": ("underscore", "x = ().__class__.__base__.__subclasses__()"),
    "deep-recursion": ("RecursionError", "f = lambda n: f(n + 1)\nx = f(0)"),
    "deep-nesting-result": ("nested too deeply", "x = []\nfor i in range(5000):\n    x = [x]"),
}


@pytest.mark.parametrize(("fragment", "script"), REFUSED_SCRIPTS.values(), ids=REFUSED_SCRIPTS.keys())
def test_fork_bombs_and_deep_recursion_are_refused(limits, fragment, script) -> None:
    started = time.monotonic()
    with pytest.raises(ScriptError) as caught:
        script_engine(script).start({}, T0)
    assert time.monotonic() - started < limits.wall_seconds + 3
    assert caught.value.element_id == "Script_Under_Test"
    assert fragment in caught.value.message


def _condition_engine(condition: str) -> Engine:
    bpmn = fixture_bytes("sub.bpmn").replace(b'city_decision == "return"', condition.encode())
    return Engine(ProcessDefinition.from_files({"sub.bpmn": bpmn}, "sub"))


def test_hostile_condition_stops_the_step_and_leaves_the_state_as_it_was(limits) -> None:
    engine = _condition_engine(f'city_decision == "return" or {NESTED}')
    run = engine.start({"count": 0}, T0)
    run.complete_task(run.ready_user_tasks()[0].task_id, {}, T0)
    stored = run.serialize()
    review = run.ready_user_tasks()[0].task_id
    started = time.monotonic()
    with pytest.raises(ScriptLimitExceeded) as caught:
        run.complete_task(review, {"city_decision": "forward"}, T0)
    assert time.monotonic() - started < limits.wall_seconds + 3
    assert caught.value.element_id == "Gateway_CityDecision" and caught.value.limit in CPU_BOUND
    again = engine.restore(stored)
    assert again.serialize() == stored
    again.complete_task(review, {"city_decision": "return", "city_comments": "补充"}, T0)
    assert [t.element_id for t in again.ready_user_tasks()] == ["Task_Declare"]


def test_hostile_timer_expression_is_stopped_naming_the_timer(limits) -> None:
    engine = Engine(ProcessDefinition.from_files({"timed.bpmn": timer_process(NESTED)}, "timed"))
    with pytest.raises(ScriptLimitExceeded) as caught:
        engine.start({}, T0)
    assert caught.value.element_id == "Timer_Due" and caught.value.limit in CPU_BOUND


def test_hostile_multi_instance_cardinality_is_stopped_naming_the_task(limits) -> None:
    cardinality = NESTED.replace(">", "&gt;")
    bpmn = (
        BPMN_HEADER + '<bpmn:process id="multi" name="多实例" isExecutable="true">'
        '<bpmn:startEvent id="StartEvent_1"/>'
        '<bpmn:sequenceFlow id="F1" sourceRef="StartEvent_1" targetRef="Task_Each"/>'
        '<bpmn:userTask id="Task_Each" name="逐个"><bpmn:multiInstanceLoopCharacteristics>'
        f"<bpmn:loopCardinality>{cardinality}</bpmn:loopCardinality>"
        "</bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>"
        '<bpmn:sequenceFlow id="F2" sourceRef="Task_Each" targetRef="EndEvent_1"/>'
        '<bpmn:endEvent id="EndEvent_1"/></bpmn:process></bpmn:definitions>'
    ).encode()
    with pytest.raises(ScriptLimitExceeded) as caught:
        Engine(ProcessDefinition.from_files({"multi.bpmn": bpmn}, "multi")).start({}, T0)
    assert caught.value.element_id == "Task_Each" and caught.value.limit in CPU_BOUND


def test_a_failed_script_leaves_the_task_data_untouched() -> None:
    context = {"count": 1, "items": [1, 2]}
    with pytest.raises(ScriptLimitExceeded):
        RestrictedEnvironment().execute(f"count = 2\nitems.append(3)\nfound = {NESTED}", context)
    assert context == {"count": 1, "items": [1, 2]}


def test_after_a_breach_the_next_evaluation_gets_a_fresh_evaluator() -> None:
    with pytest.raises(ScriptLimitExceeded):
        script_engine(f"found = {NESTED}").start({}, T0)
    run = script_engine("count = count + 1").start({"count": 1}, T0)
    assert run.task_data(run.ready_user_tasks()[0].task_id)["count"] == 2


def test_other_evaluations_are_answered_while_one_is_stuck(limits) -> None:
    outcome: list[str] = []
    stuck = threading.Thread(target=_run_nested, args=(outcome,))
    stuck.start()
    time.sleep(0.2)  # let the hostile evaluation take its evaluator (not a deadline: a head start)
    started = time.monotonic()
    run = script_engine("count = count + 1").start({"count": 1}, T0)
    answered_after = time.monotonic() - started
    still_stuck = stuck.is_alive()
    stuck.join()
    assert run.task_data(run.ready_user_tasks()[0].task_id)["count"] == 2
    assert still_stuck and answered_after < limits.wall_seconds / 2
    assert outcome and outcome[0] in CPU_BOUND


def _run_nested(outcome: list[str]) -> None:
    try:
        script_engine(f"found = {NESTED}").start({}, T0)
    except ScriptLimitExceeded as exc:
        outcome.append(exc.limit)


def test_task_data_keeps_its_types_across_the_evaluator() -> None:
    start = {"when": T0, "pair": (1, "a"), "nested": {"list": [1.5, None, True]}}
    run = script_engine("later = when.replace(year=2030)\nkeys = {1: 'one'}\nagain = pair").start(start, T0)
    data = run.task_data(run.ready_user_tasks()[0].task_id)
    assert data["later"] == T0.replace(year=2030) and data["again"] == (1, "a")
    assert data["nested"] == {"list": [1.5, None, True]}
    assert data["keys"] == {"1": "one"}, "keys become text, as in stored task data"


def test_values_task_data_cannot_keep_are_a_clear_error() -> None:
    with pytest.raises(ScriptError) as caught:
        script_engine("tags = {'a', 'b'}").start({}, T0)
    assert "cannot be stored" in caught.value.message and "set" in caught.value.message


def test_task_data_the_evaluator_cannot_receive_is_a_clear_error_and_costs_no_evaluator() -> None:
    from app.engine.scripting.evaluator_pool import _POOL

    script_engine("x = 1").start({}, T0)
    idle = {evaluator.process.pid for evaluator in _POOL._idle}
    with pytest.raises(ScriptError) as caught:
        script_engine("x = 1").start({"tags": {"a", "b"}}, T0)
    assert "cannot be passed to the evaluator" in caught.value.message and "set" in caught.value.message
    assert idle <= {evaluator.process.pid for evaluator in _POOL._idle}, "no evaluator was killed"


def test_set_order_is_the_same_in_every_evaluator_process(limits) -> None:
    script = "names = list({'甲', '乙', '丙', '丁', 'alpha', 'beta', 'gamma'})"
    orders = []
    for wall in (1.4, 1.3):  # new limits: new evaluator processes
        configure_evaluators(replace(limits, wall_seconds=wall))
        run = script_engine(script).start({}, T0)
        orders.append(run.task_data(run.ready_user_tasks()[0].task_id)["names"])
    assert orders[0] == orders[1]


def test_a_gateways_conditions_take_one_round_trip(monkeypatch) -> None:
    from app.engine.scripting import script_engine as module

    trips = []
    for name in ("run_in_evaluator", "run_each_in_evaluator"):
        original = getattr(module, name)
        monkeypatch.setattr(
            module, name, lambda request, original=original: trips.append(request["op"]) or original(request)
        )
    engine = Engine(ProcessDefinition.from_files({"sub.bpmn": fixture_bytes("sub.bpmn")}, "sub"))
    run = engine.start({"count": 0}, T0)
    run.complete_task(run.ready_user_tasks()[0].task_id, {}, T0)
    trips.clear()
    run.complete_task(run.ready_user_tasks()[0].task_id, {"city_decision": "forward"}, T0)
    assert trips == ["evaluate_each"], "the return and the forward condition in one round trip"
    assert run.is_completed


def test_a_hostile_later_condition_is_the_one_named(limits) -> None:
    bpmn = fixture_bytes("sub.bpmn").replace(
        b'city_decision == "forward"', f'city_decision == "forward" and {NESTED}'.encode()
    )
    run = Engine(ProcessDefinition.from_files({"sub.bpmn": bpmn}, "sub")).start({"count": 0}, T0)
    run.complete_task(run.ready_user_tasks()[0].task_id, {}, T0)
    with pytest.raises(ScriptLimitExceeded) as caught:
        run.complete_task(run.ready_user_tasks()[0].task_id, {"city_decision": "forward"}, T0)
    assert 'city_decision == "forward" and' in caught.value.message
    assert caught.value.element_id == "Gateway_CityDecision"


def test_a_forked_server_process_starts_its_own_evaluators() -> None:
    """gunicorn forks its workers after import: a worker must not share the master's evaluators."""
    from app.engine.scripting import evaluator_pool

    request = {"op": "evaluate", "source": "count + 1", "context": {"count": 1}, "external": {}}
    assert evaluator_pool.run_in_evaluator(request)["value"] == 2
    inherited = {evaluator.process.pid for evaluator in evaluator_pool._POOL._idle}
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # the forked "worker": evaluate, report which evaluator answered, leave at once
        try:
            value = evaluator_pool.run_in_evaluator(request)["value"]
            used = {evaluator.process.pid for evaluator in evaluator_pool._POOL._idle}
            os.write(writing, f"{value} {int(used.isdisjoint(inherited))}".encode())
            evaluator_pool._POOL.close()
        finally:
            os._exit(0)
    os.close(writing)
    os.waitpid(pid, 0)
    assert os.read(reading, 100).decode() == "2 1"
    os.close(reading)
    assert evaluator_pool.run_in_evaluator(request)["value"] == 2, "the parent's evaluators still work"


def test_a_memory_limit_below_what_an_evaluator_needs_at_rest_is_named(limits) -> None:
    configure_evaluators(replace(limits, memory_bytes=8 * 1024 * 1024))
    with pytest.raises(ScriptError) as caught:
        script_engine("x = 1").start({}, T0)
    assert "memory limit (8 MB) is below what it needs at rest" in caught.value.message
