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


# Single C calls that would build a huge object (or spin for seconds) from small operands; each must
# be refused before the work starts. (expected fragment of the message, script)
AMPLIFYING_SCRIPTS = {
    "str-doubling": ("1000000", "s = 'a'\nfor i in range(35):\n    s += s"),
    "str-doubling-plus": ("1000000", "s = 'a'\nfor i in range(35):\n    s = s + s"),
    "bytes-doubling": ("1000000", "s = b'a'\nfor i in range(35):\n    s += s"),
    "list-doubling": ("1000000", "s = [0]\nfor i in range(35):\n    s += s"),
    "tuple-doubling": ("1000000", "s = (0,)\nfor i in range(35):\n    s = s + s"),
    "item-doubling": ("1000000", "d = {'s': 'a'}\nfor i in range(35):\n    d['s'] += d['s']"),
    "fstring-width": ("1000", "x = f'{1:>200000000}'"),
    "fstring-computed-spec": ("constant", "w = 200000000\nx = f'{1:>{w}}'"),
    "fstring-doubling": ("1000000", "s = 'a'\nfor i in range(35):\n    s = f'{s}{s}'"),
    "percent-width": ("1000", "x = '%0200000000d' % 1"),
    "percent-star-width": ("'*'", "x = '%*d' % (200000000, 1)"),
    "percent-keyed-width": ("1000", "x = '%(a)0200000000d' % {'a': 1}"),
    "percent-bytes-width": ("1000", "x = b'%0200000000d' % 1"),
    "percent-doubling": ("1000000", "s = 'a'\nfor i in range(35):\n    s = '%s%s' % (s, s)"),
    "replace": ("1000000", "x = 'a' * 1000000\ny = x.replace('a', x[:100])"),
    "join": ("1000000", "x = 'a' * 1000000\ny = 'a'.join([x] * 100)"),
    "unbound-join": ("1000000", "x = 'a' * 1000000\ny = str.join('', [x] * 100)"),
    "translate": ("1000000", "x = 'a' * 1000000\ny = x.translate({97: 'b' * 100})"),
    "sum-of-lists": ("sum()", "x = sum([[0] * 1000000] * 50, [])"),
    "sum-of-huge-ints": ("time limit", "b = 1 << 99999\nc = b * b * b * b * b\nx = sum([c] * 1000000)"),
    "extend-doubling": ("1000000", "s = [0]\nfor i in range(35):\n    s.extend(s)"),
    "unpack-doubling": ("1000000", "s = [0]\nfor i in range(35):\n    s = [*s, *s]"),
    "call-unpack-doubling": ("1000000", "g = lambda *a: a\ns = (0,)\nfor i in range(35):\n    s = g(*s, *s)"),
    "slice-doubling": ("1000000", "s = [0]\nfor i in range(35):\n    s[:0] = s"),
    "ljust": ("ljust", "x = 'a'.ljust(200000000)"),
}


@pytest.mark.parametrize(("fragment", "script"), AMPLIFYING_SCRIPTS.values(), ids=AMPLIFYING_SCRIPTS.keys())
def test_size_amplifying_operations_are_refused_quickly(fragment: str, script: str) -> None:
    engine = script_engine(script)
    started = time.perf_counter()
    with pytest.raises(ScriptError) as caught:
        engine.start({}, T0)
    assert time.perf_counter() - started < 3  # sanity bound only; these take milliseconds
    assert caught.value.element_id == "Script_Under_Test"
    assert fragment in caught.value.message


def test_ordinary_string_list_and_number_operations_still_work() -> None:
    script = "\n".join(
        [
            "joined = ', '.join(names)",
            "slashed = 'a-b'.replace('-', '/')",
            "total = a + b",
            "greeting = 'hello ' + name",
            "items = items + [3]",
            "items += [4]",
            "more = [*items, 5]",
            "price = f'{amount:.2f}'",
            "who = f'{name}'",
            "row = f'{name!r:>8}|{amount:,}'",
            "percent = '%s is %5.1f%%' % (name, 12.345)",
            "stats['count'] += 1",
            "stats['tags'] += ['x']",
            "items[0:1] = [0, 0]",
            "items.extend([6])",
            "total_sum = sum([1, 2.5]) + sum(range(4), 10)",
            "remainder = 17 % 5",
            "shifted = 'abc'.translate({97: 'A'})",
            "moved = when.replace(year=2030).year",
        ]
    )
    start = {
        "names": ["Ann", "Bob"],
        "name": "Bob",
        "a": 1,
        "b": 2.5,
        "items": [1, 2],
        "amount": 1234.5,
        "stats": {"count": 1, "tags": []},
        "when": T0,
    }
    run = script_engine(script).start(start, T0)
    data = run.task_data(run.ready_user_tasks()[0].task_id)
    assert data["joined"] == "Ann, Bob"
    assert data["slashed"] == "a/b"
    assert data["total"] == 3.5
    assert data["greeting"] == "hello Bob"
    assert data["items"] == [0, 0, 2, 3, 4, 6]
    assert data["more"] == [1, 2, 3, 4, 5]
    assert data["price"] == "1234.50"
    assert data["who"] == "Bob"
    assert data["row"] == "   'Bob'|1,234.5"
    assert data["percent"] == "Bob is  12.3%"
    assert data["stats"] == {"count": 2, "tags": ["x"]}
    assert data["total_sum"] == 19.5
    assert data["remainder"] == 2
    assert data["shifted"] == "Abc"
    assert data["moved"] == 2030


def test_list_augmented_assignment_stays_in_place() -> None:
    run = script_engine("alias = items\nitems += [3]\nbuilt = (*items, 4)").start({"items": [1, 2]}, T0)
    data = run.task_data(run.ready_user_tasks()[0].task_id)
    assert data["alias"] == [1, 2, 3]
    assert data["built"] == (1, 2, 3, 4)


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("x = f'{v:>{w}}'", "constant"),
        ("x = f'{v:.5000f}'", "1000"),
    ],
)
def test_check_expression_refuses_unbounded_format_specs(source: str, reason: str) -> None:
    result = check_expression(source)
    assert result is not None and reason in result
