"""Scripts and conditions from diagrams run in a restricted evaluator."""

from __future__ import annotations

import time

import pytest

from app.engine import ProcessDefinition, ScriptError, check_expression
from app.engine.engine import Engine
from tests.engine.builders import T0, fixture_bytes, script_engine

HOSTILE_SCRIPTS = {
    "import": "import os",
    "from-import": "from os import system",
    "dunder-import": "__import__('os').system('true')",
    "subclasses": "x = ().__class__.__bases__[0].__subclasses__()",
    "open": "x = open('/etc/passwd').read()",
    "infinite-loop": "while True: pass",
    "infinite-loop-multiline": "n = 0\nwhile True:\n    n = n + 1",
    "huge-power": "x = 10**10**10",
    "huge-repeat": "x = 'a' * 10**9",
    "huge-shift": "x = 1 << 10**9",
    "huge-range": "x = list(range(10**7))",
    "eval": "eval('1')",
    "getattr": "getattr(1, 'real')",
    "type": "type(1)",
    "global": "global count\ncount = 1",
    "generator-frame": "g = (i for i in [1])\nf = g.gi_frame",
    "str-format": "x = '{0.__class__}'.format(1)",
    "mro": "x = str.mro()",
    "try-swallows-timeout": "try:\n    while True: pass\nexcept:\n    pass",
    "class": "class A:\n    pass",
    "unknown-name": "x = undefined_name + 1",
}


@pytest.mark.parametrize("script", HOSTILE_SCRIPTS.values(), ids=HOSTILE_SCRIPTS.keys())
def test_hostile_scripts_raise_script_error_naming_the_element(script: str) -> None:
    engine = script_engine(script)
    started = time.monotonic()
    with pytest.raises(ScriptError) as caught:
        engine.start({"count": 0}, T0)
    assert time.monotonic() - started < 5
    assert caught.value.element_id == "Script_Under_Test"
    assert "被测脚本" in caught.value.message


def test_a_normal_script_updates_task_data() -> None:
    run = script_engine("count = count + 1\nlabels = sorted([str(i) for i in range(3)], reverse=True)").start(
        {"count": 41}, T0
    )
    data = run.task_data(run.ready_user_tasks()[0].task_id)
    assert data["count"] == 42
    assert data["labels"] == ["2", "1", "0"]


def test_helpers_defined_in_a_script_do_not_leak_into_task_data() -> None:
    run = script_engine("double = lambda v: v * 2\nresult = double(21)\nbig = 2 ** 10").start({}, T0)
    data = run.task_data(run.ready_user_tasks()[0].task_id)
    assert data == {"result": 42, "big": 1024}


def test_refused_gateway_condition_raises_script_error() -> None:
    hostile = fixture_bytes("sub.bpmn").replace(b'city_decision == "forward"', b"__import__('os')")
    engine = Engine(ProcessDefinition.from_files({"sub.bpmn": hostile}, "sub"))
    run = engine.start({"count": 0}, T0)
    run.complete_task(run.ready_user_tasks()[0].task_id, {}, T0)
    with pytest.raises(ScriptError) as caught:
        run.complete_task(run.ready_user_tasks()[0].task_id, {"city_decision": "forward"}, T0)
    assert caught.value.element_id == "Gateway_CityDecision"


def test_gateway_without_matching_condition_is_a_script_error(lifecycle: ProcessDefinition) -> None:
    run = Engine(lifecycle).start({"count": 0, "deadline": "2030-01-01T00:00:00+08:00"}, T0)
    run.complete_task(run.ready_user_tasks()[0].task_id, {}, T0)
    with pytest.raises(ScriptError) as caught:
        run.complete_task(run.ready_user_tasks()[0].task_id, {"city_decision": "maybe"}, T0)
    assert caught.value.element_id == "Gateway_CityDecision"


@pytest.mark.parametrize(
    "source",
    [
        "city_decision == 'forward'",
        "count = count + 1",
        "x = [i ** 2 for i in range(10)]",
        "f = lambda v: v + 1",
        "ok = any(e['committee'] == 'national' for e in experts)",
    ],
)
def test_check_expression_accepts_ordinary_code(source: str) -> None:
    assert check_expression(source) is None


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("import os", "import"),
        ("x._secret", "underscore"),
        ("open('f')", "'open'"),
        ("nonlocal x", "nonlocal"),
        ("def f():\n    global y", "global"),
        ("x = (", "syntax error"),
        ("vars()", "'vars'"),
        ("memoryview(b'')", "'memoryview'"),
    ],
)
def test_check_expression_explains_refusals(source: str, reason: str) -> None:
    result = check_expression(source)
    assert result is not None and reason in result
