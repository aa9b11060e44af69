"""Each rule of the notice (R1-R10, see DOMAIN.md) can be found by searching its tag.

Where a diagram enforces a rule, the enforcing element's ``<bpmn:documentation>`` carries the tag (a
process owner reads it in the modeler's 元素说明); where code enforces it, the module does; and its
tests always do. A rule that loses its trail in one of these places fails here, naming the place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.engine import parse_bpmn_xml

ROOT = Path(__file__).resolve().parent.parent
_NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}


@dataclass(frozen=True)
class Trail:
    """Where a rule lives: (diagram, element id) pairs, and files under app/."""

    diagram: tuple[tuple[str, str], ...] = ()
    code: tuple[str, ...] = ()


RULES = {
    "R1": Trail(code=("app/forms/checks.py",)),
    "R2": Trail(code=("app/forms/checks.py",)),
    "R3": Trail(code=("app/forms/checks.py",)),
    "R4": Trail(
        diagram=(("review.bpmn", "Flow_Improve"), ("review.bpmn", "Flow_Failed")),
        code=("app/forms/checks.py",),
    ),
    "R5": Trail(
        diagram=(("lifecycle.bpmn", "Timer_Deadline"),),
        code=("app/services/lifecycle/timers.py",),
    ),
    "R6": Trail(
        diagram=(
            ("implementation.bpmn", "Sub_ChangeRequest"),
            ("implementation.bpmn", "Gateway_ChangeDecision"),
        ),
        code=("app/forms/checks.py", "app/services/reading/queries.py"),
    ),
    "R7": Trail(
        diagram=(
            ("implementation.bpmn", "Timer_PlanOverdue"),
            ("implementation.bpmn", "Timer_SummaryOverdue"),
            ("implementation.bpmn", "Throw_PlanSubmitted"),
        ),
        code=("app/services/reading/queries.py", "app/templates/inbox/index.html"),
    ),
    "R8": Trail(
        diagram=(
            ("implementation.bpmn", "Sub_Extension"),
            ("implementation.bpmn", "Gateway_ExtensionDecision"),
        ),
        code=("app/forms/checks.py",),
    ),
    # Lifecycle order lives in the diagrams; the national recommendation's check points there.
    "R9": Trail(
        diagram=(("acceptance.bpmn", "Gateway_Accepted"), ("lifecycle.bpmn", "Gateway_Acceptance")),
        code=("app/forms/checks.py",),
    ),
    "R10": Trail(code=("app/scope.py",)),
}


def _tagged(rule: str, text: str) -> bool:
    return re.search(rf"\b{rule}\b", text) is not None


def _documentation(diagram: str, element_id: str) -> str:
    root = parse_bpmn_xml((ROOT / "bpmn" / diagram).read_bytes(), diagram)
    found = root.xpath(".//*[@id=$id]", id=element_id)
    assert found, f"{diagram} has no element {element_id}"
    return " ".join(d.text or "" for d in found[0].xpath("bpmn:documentation", namespaces=_NS))


def test_every_rule_of_the_notice_has_a_trail() -> None:
    assert list(RULES) == [f"R{n}" for n in range(1, 11)]
    assert all(trail.diagram or trail.code for trail in RULES.values())


@pytest.mark.parametrize("rule", RULES)
def test_the_diagram_element_enforcing_the_rule_documents_it(rule: str) -> None:
    missing = [f"{d} {e}" for d, e in RULES[rule].diagram if not _tagged(rule, _documentation(d, e))]
    assert missing == [], f"{rule} is not in the <bpmn:documentation> of {missing}"


@pytest.mark.parametrize("rule", RULES)
def test_the_code_enforcing_the_rule_names_it(rule: str) -> None:
    missing = [path for path in RULES[rule].code if not _tagged(rule, (ROOT / path).read_text())]
    assert missing == [], f"{rule} is not named in {missing}"


@pytest.mark.parametrize("rule", RULES)
def test_the_rule_has_tests_that_name_it(rule: str) -> None:
    tagged = [
        path
        for path in (ROOT / "tests").rglob("test_*.py")
        if path.name != Path(__file__).name and _tagged(rule, path.read_text())
    ]
    assert tagged, f"no test names {rule}"


def test_a_diagram_tag_is_not_mistaken_for_another_rule() -> None:
    """R1 is not found in R10's trail, nor a reference theme code (R01) taken for a rule."""
    assert not _tagged("R1", "rule R10 and theme R01")
    assert _tagged("R1", "(R1) and R10")
