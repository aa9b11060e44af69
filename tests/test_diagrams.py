"""Structural checks on every diagram in bpmn/: it parses, it is fully drawn, it reads cleanly.

These tests look at the BPMN XML directly (lxml) and through SpiffWorkflow's parser; they do not
touch the application.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

# The date helpers that diagram scripts call (pure functions; the app's sandboxed engine offers the same).
from app.engine.clock import frozen_now
from app.engine.scripting.script_functions import SCRIPT_FUNCTIONS

ROOT = Path(__file__).resolve().parent.parent
BPMN_DIR = ROOT / "bpmn"
DIAGRAMS = sorted(BPMN_DIR.glob("*.bpmn"))

# Mirrors app.roles.ROLE_LABELS (role code -> Chinese label = lane name).
ROLE_LABELS: dict[str, str] = {
    "applicant": "申报单位",
    "guiding_expert": "指导专家",
    "city": "市级民政部门",
    "province": "省民政厅",
    "review_expert": "评审专家",
    "process_owner": "流程管理员",
    "auditor": "审计员",
    "admin": "系统管理员",
}

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
BPMN = "{" + NS["bpmn"] + "}"

# Element kinds that are flow nodes (drawn as shapes, connected by sequence flows).
FLOW_NODE_TAGS = {
    BPMN + tag
    for tag in (
        "startEvent",
        "endEvent",
        "intermediateCatchEvent",
        "intermediateThrowEvent",
        "boundaryEvent",
        "task",
        "userTask",
        "manualTask",
        "scriptTask",
        "serviceTask",
        "sendTask",
        "receiveTask",
        "businessRuleTask",
        "callActivity",
        "subProcess",
        "exclusiveGateway",
        "parallelGateway",
        "inclusiveGateway",
        "eventBasedGateway",
        "complexGateway",
    )
}

PROPERTY_PATH = "bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property"

diagram_params = pytest.mark.parametrize("path", DIAGRAMS, ids=[p.name for p in DIAGRAMS])


def _tree(path: Path) -> etree._ElementTree:
    return etree.parse(str(path))


def _flow_nodes(tree: etree._ElementTree) -> list[etree._Element]:
    return [el for el in tree.iter() if el.tag in FLOW_NODE_TAGS]


def _bounds(tree: etree._ElementTree) -> dict[str, tuple[float, float, float, float]]:
    """bpmnElement id -> (x, y, width, height) of its BPMNShape."""
    result = {}
    for shape in tree.iterfind(".//bpmndi:BPMNShape", NS):
        b = shape.find("dc:Bounds", NS)
        result[shape.get("bpmnElement")] = tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))
    return result


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


def _contains(outer: tuple[float, ...], inner: tuple[float, ...]) -> bool:
    ox, oy, ow, oh = outer
    ix, iy, iw, ih = inner
    return ox <= ix and oy <= iy and ix + iw <= ox + ow and iy + ih <= oy + oh


def _parser() -> SpiffBpmnParser:
    parser = SpiffBpmnParser()
    parser.add_bpmn_files([str(p) for p in DIAGRAMS])
    return parser


def test_diagrams_exist():
    names = {p.name for p in DIAGRAMS}
    assert {
        "lifecycle.bpmn",
        "declaration.bpmn",
        "review.bpmn",
        "recommendation.bpmn",
        "assessment.bpmn",
        "implementation.bpmn",
        "acceptance.bpmn",
    } <= names


# (a) parsing ------------------------------------------------------------------------------------


@diagram_params
def test_parses_with_spiff(path: Path):
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(path))
    for process_id in parser.get_process_ids():
        assert parser.get_spec(process_id) is not None


@diagram_params
def test_processes_are_executable(path: Path):
    processes = _tree(path).findall("bpmn:process", NS)
    assert processes
    for process in processes:
        assert process.get("isExecutable") == "true", process.get("id")


def test_lifecycle_builds_with_its_subprocesses():
    parser = _parser()
    spec = parser.get_spec("zone_lifecycle")
    subprocesses = parser.get_subprocess_specs("zone_lifecycle")
    assert {
        "declaration",
        "preliminary_review",
        "recommendation",
        "assessment",
        "implementation",
        "acceptance",
    } <= set(subprocesses)
    assert spec.task_specs["Call_Declaration"].spec == "declaration"
    assert spec.task_specs["Call_Review"].spec == "preliminary_review"
    assert spec.task_specs["Call_Recommendation"].spec == "recommendation"
    assert spec.task_specs["Call_Assessment"].spec == "assessment"
    assert spec.task_specs["Call_Implementation"].spec == "implementation"
    assert spec.task_specs["Call_Acceptance"].spec == "acceptance"
    assert "Timer_Deadline" in spec.task_specs


def _outcome(spec) -> str | None:
    return spec.extensions.get("properties", {}).get("outcome")


def _end_outcomes(spec) -> dict[str, str | None]:
    return {name: _outcome(ts) for name, ts in spec.task_specs.items() if name.startswith("End_")}


def test_end_events_carry_outcomes():
    parser = _parser()
    lifecycle = parser.get_spec("zone_lifecycle")
    assert _end_outcomes(lifecycle) == {
        "End_NationallyRecommended": "nationally_recommended",
        "End_Accepted": "accepted",
        "End_NotAccepted": "not_accepted",
        "End_CityDeclined": "city_declined",
        "End_AssessmentFailed": "assessment_failed",
        "End_ReviewFailed": "review_failed",
        "End_Late": "late",
        "End_Terminated": "terminated",
    }
    assert lifecycle.task_specs["End_Late"].bpmn_name == "逾期未报"
    assert lifecycle.task_specs["End_NationallyRecommended"].bpmn_name == "推荐申报全国实验区"


def test_subprocess_end_events_carry_outcomes():
    subprocesses = _parser().get_subprocess_specs("zone_lifecycle")
    assert _end_outcomes(subprocesses["recommendation"]) == {
        "End_Recommended": "recommended",
        "End_CityDeclined": "city_declined",
    }
    assert _end_outcomes(subprocesses["assessment"]) == {
        "End_Recognised": "recognised",
        "End_AssessmentFailed": "assessment_failed",
    }
    # Only the period's end closes the implementation; the overdue follow-ups end just their branch,
    # done or closed because the duty came in.
    assert _end_outcomes(subprocesses["implementation"]) == {
        "End_PeriodEnded": "period_ended",
        "End_PlanOverdueCity": None,
        "End_PlanOverdueProvince": None,
        "End_SummaryOverdueCity": None,
        "End_SummaryOverdueProvince": None,
        "End_PlanInCity": None,
        "End_PlanInProvince": None,
        "End_SummaryInCity": None,
        "End_SummaryInProvince": None,
    }
    assert _end_outcomes(subprocesses["acceptance"]) == {
        "End_NationallyRecommended": "nationally_recommended",
        "End_Accepted": "accepted",
        "End_NotAccepted": "not_accepted",
    }


def _script_engine() -> PythonScriptEngine:
    return PythonScriptEngine(environment=TaskDataEnvironment(dict(SCRIPT_FUNCTIONS)))


def _start(deadline: str) -> BpmnWorkflow:
    parser = _parser()
    workflow = BpmnWorkflow(
        parser.get_spec("zone_lifecycle"),
        parser.get_subprocess_specs("zone_lifecycle"),
        script_engine=_script_engine(),
    )
    workflow.get_tasks(state=TaskState.READY)[0].data["call_deadline"] = deadline
    workflow.do_engine_steps()
    return workflow


def _run_user_task(workflow: BpmnWorkflow, expected: str, **data) -> None:
    ready = [t for t in workflow.get_tasks(state=TaskState.READY) if t.task_spec.manual]
    assert [t.task_spec.bpmn_id for t in ready] == [expected]
    ready[0].set_data(**data)
    ready[0].run()
    workflow.do_engine_steps()


def _finished_ends(workflow: BpmnWorkflow) -> set[str]:
    return {
        t.task_spec.name
        for t in workflow.get_tasks(state=TaskState.COMPLETED)
        if t.task_spec.name.startswith("End_")
    }


def test_declaration_return_loop_then_forward():
    workflow = _start("2099-06-30T23:59:59+08:00")
    _run_user_task(workflow, "Task_Declare")
    _run_user_task(workflow, "Task_CityReview", city_decision="return", city_comments="补充实验举措")
    _run_user_task(workflow, "Task_Declare")
    _run_user_task(workflow, "Task_CityReview", city_decision="forward")
    assert not workflow.completed
    assert _finished_ends(workflow) == {"End_Forwarded"}
    ready = [t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.READY) if t.task_spec.manual]
    assert ready == ["Task_AssignExperts"], "the forwarded plan goes to the preliminary review"


def _top_level_ends(workflow: BpmnWorkflow) -> set[str]:
    """End events reached by the lifecycle process itself (not by one of its sub-processes)."""
    return {
        t.task_spec.name
        for t in workflow.get_tasks(state=TaskState.COMPLETED)
        if t.workflow is workflow and t.task_spec.name.startswith("End_")
    }


def _through_review() -> BpmnWorkflow:
    workflow = _start("2099-06-30T23:59:59+08:00")
    _run_user_task(workflow, "Task_Declare")
    _run_user_task(workflow, "Task_CityReview", city_decision="forward")
    _run_user_task(workflow, "Task_AssignExperts", review_experts=["expert05"])
    _run_user_task(workflow, "Task_ExpertOpinion", opinion={"result": "pass", "comments": "同意"})
    _run_user_task(workflow, "Task_ReviewDecision", review_result="pass")
    return workflow


# Far-future dates so that no overdue timer is due while these run-throughs execute.
FUTURE_PERIOD = {"period_start": "2099-09", "period_end": "2101-06"}
FUTURE_RECOGNITION = "2099-10-08"
# The last day of that 22-month period; the implementation waits for it after the last summary.
FUTURE_PERIOD_END = datetime(2101, 8, 8, tzinfo=UTC)


def _pass_the_period_end(workflow: BpmnWorkflow) -> None:
    with frozen_now(FUTURE_PERIOD_END):
        workflow.refresh_timers()
        workflow.do_engine_steps()


def _through_implementation() -> BpmnWorkflow:
    """Recognised, then both experiment years done: the lifecycle waits for the final report."""
    workflow = _through_review()
    _run_user_task(workflow, "Task_FormalSubmission", **FUTURE_PERIOD)
    _run_user_task(workflow, "Task_CityRecommendation", city_agrees="agree")
    _run_user_task(workflow, "Task_PaperReceipt")
    _run_user_task(workflow, "Task_Assessment", assessment_result="pass")
    _run_user_task(workflow, "Task_Recognition", recognition_date=FUTURE_RECOGNITION)
    for _year in (1, 2):
        _run_user_task(workflow, "Task_AnnualPlan")
        _run_user_task(workflow, "Task_AnnualSummary")
    _pass_the_period_end(workflow)
    return workflow


def test_passed_review_goes_through_recommendation_and_assessment_into_implementation():
    workflow = _through_review()
    _run_user_task(workflow, "Task_FormalSubmission", **FUTURE_PERIOD)
    _run_user_task(workflow, "Task_CityRecommendation", city_agrees="agree")
    _run_user_task(workflow, "Task_PaperReceipt")
    _run_user_task(workflow, "Task_Assessment", assessment_result="pass")
    _run_user_task(workflow, "Task_Recognition", recognition_date=FUTURE_RECOGNITION)
    assert not workflow.completed, "recognition leads into 实验实施"
    assert _top_level_ends(workflow) == set()
    assert {"End_Recommended", "End_Recognised"} <= _finished_ends(workflow)
    # 2099-09 … 2101-06 is 22 months: two experiment years, each with a plan and a summary.
    for _year in (1, 2):
        _run_user_task(workflow, "Task_AnnualPlan")
        _run_user_task(workflow, "Task_AnnualSummary")
    assert "End_PeriodEnded" not in _finished_ends(workflow), "the duties are done, the period still runs"
    _pass_the_period_end(workflow)
    assert not workflow.completed, "the period's end leads into 验收评审"
    assert _top_level_ends(workflow) == set()
    assert "End_PeriodEnded" in _finished_ends(workflow)
    _run_user_task(workflow, "Task_FinalReport")
    _run_user_task(workflow, "Task_AcceptanceReview", acceptance_result="accepted")
    _run_user_task(workflow, "Task_NationalRecommendation", national_decision="recommend")
    assert workflow.completed
    assert _top_level_ends(workflow) == {"End_NationallyRecommended"}
    assert workflow.data["experiment_years"] == 2


def test_accepted_but_not_recommended_ends_as_accepted():
    workflow = _through_implementation()
    _run_user_task(workflow, "Task_FinalReport")
    _run_user_task(workflow, "Task_AcceptanceReview", acceptance_result="accepted")
    _run_user_task(workflow, "Task_NationalRecommendation", national_decision="not_recommend")
    assert workflow.completed
    assert _top_level_ends(workflow) == {"End_Accepted"}


def test_not_accepted_ends_without_national_decision():
    # national_decision is never set on this path; the lifecycle's conditions must not read it.
    workflow = _through_implementation()
    _run_user_task(workflow, "Task_FinalReport")
    _run_user_task(workflow, "Task_AcceptanceReview", acceptance_result="not_accepted")
    assert workflow.completed
    assert "national_decision" not in workflow.data
    assert _top_level_ends(workflow) == {"End_NotAccepted"}
    assert "Task_NationalRecommendation" not in {
        t.task_spec.name for t in workflow.get_tasks(state=TaskState.COMPLETED)
    }


def test_acceptance_lanes():
    tree = _tree(BPMN_DIR / "acceptance.bpmn")
    lanes = {
        lane.get("name"): {ref.text for ref in lane.iterfind("bpmn:flowNodeRef", NS)}
        for lane in tree.iterfind(".//bpmn:lane", NS)
    }
    assert "Task_FinalReport" in lanes["申报单位"]
    assert {"Task_AcceptanceReview", "Task_NationalRecommendation"} <= lanes["省民政厅"]


def _start_implementation(recognition_date: str, **period) -> BpmnWorkflow:
    parser = _parser()
    workflow = BpmnWorkflow(
        parser.get_spec("implementation"),
        parser.get_subprocess_specs("implementation"),
        script_engine=_script_engine(),
    )
    workflow.get_tasks(state=TaskState.READY)[0].data.update(recognition_date=recognition_date, **period)
    workflow.do_engine_steps()
    return workflow


def _ready_manual(workflow: BpmnWorkflow) -> list[str]:
    return sorted(
        t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.READY) if t.task_spec.manual
    )


def test_implementation_runs_one_plan_and_summary_per_year():
    workflow = _start_implementation(FUTURE_RECOGNITION, **FUTURE_PERIOD)
    plan = workflow.get_tasks(state=TaskState.READY)[0]
    assert plan.data["experiment_year"] == 1
    assert plan.data["period_months"] == 22
    assert plan.data["period_end_date"] == "2101-08-07"
    assert plan.data["plan_due"] == "2099-11-07T23:59:59+08:00"
    for _year in (1, 2):
        _run_user_task(workflow, "Task_AnnualPlan")
        summary = next(t for t in workflow.get_tasks(state=TaskState.READY) if t.task_spec.manual)
        # Year 1 ends on its anniversary; the last, shorter year with the period: 30 days later each.
        assert summary.data["summary_due"] == {1: "2100-11-07", 2: "2101-09-07"}[_year] + "T23:59:59+08:00"
        _run_user_task(workflow, "Task_AnnualSummary")
    assert not workflow.completed, "the duties are done; the period runs to its last day"
    _pass_the_period_end(workflow)
    assert workflow.completed
    assert _finished_ends(workflow) == {"End_PeriodEnded"}


def test_overdue_plan_notifies_city_and_province_and_keeps_the_plan_open():
    # Recognised long ago: the first plan (due 30 days after recognition) is overdue at once.
    workflow = _start_implementation("2000-01-08", period_start="2000-01", period_end="2001-12")
    workflow.refresh_timers()
    workflow.do_engine_steps()
    assert _ready_manual(workflow) == ["Task_AnnualPlan", "Task_PlanOverdueCity", "Task_PlanOverdueProvince"]
    for follow_up in ("Task_PlanOverdueCity", "Task_PlanOverdueProvince"):
        task = next(t for t in workflow.get_tasks(state=TaskState.READY) if t.task_spec.bpmn_id == follow_up)
        task.run()
        workflow.do_engine_steps()
    assert not workflow.completed, "a follow-up's end event ends only its own branch"
    assert _ready_manual(workflow) == ["Task_AnnualPlan"]
    _run_user_task(workflow, "Task_AnnualPlan")
    workflow.refresh_timers()
    workflow.do_engine_steps()
    assert _ready_manual(workflow) == [
        "Task_AnnualSummary",
        "Task_SummaryOverdueCity",
        "Task_SummaryOverdueProvince",
    ]


def test_city_declining_to_recommend_ends_the_application():
    workflow = _through_review()
    _run_user_task(workflow, "Task_FormalSubmission")
    _run_user_task(workflow, "Task_CityRecommendation", city_agrees="decline")
    assert workflow.completed
    assert _top_level_ends(workflow) == {"End_CityDeclined"}
    assert "End_Recommended" not in _finished_ends(workflow)


def test_failed_assessment_ends_without_recognition():
    workflow = _through_review()
    _run_user_task(workflow, "Task_FormalSubmission")
    _run_user_task(workflow, "Task_CityRecommendation", city_agrees="agree")
    _run_user_task(workflow, "Task_PaperReceipt")
    _run_user_task(workflow, "Task_Assessment", assessment_result="fail")
    assert workflow.completed
    assert _top_level_ends(workflow) == {"End_AssessmentFailed"}
    assert "End_Recognised" not in _finished_ends(workflow)


def test_deadline_passed_closes_as_late():
    workflow = _start("2000-06-30T23:59:59+08:00")
    workflow.refresh_timers()
    workflow.do_engine_steps()
    assert workflow.completed
    assert _finished_ends(workflow) == {"End_Late"}


# (b) complete BPMNDI ----------------------------------------------------------------------------


@diagram_params
def test_every_flow_node_has_a_shape(path: Path):
    tree = _tree(path)
    shapes = _bounds(tree)
    missing = [el.get("id") for el in _flow_nodes(tree) if el.get("id") not in shapes]
    assert not missing, f"flow nodes without BPMNShape: {missing}"
    for el in tree.iterfind(".//bpmn:participant", NS):
        assert el.get("id") in shapes, f"participant without shape: {el.get('id')}"
    for el in tree.iterfind(".//bpmn:lane", NS):
        assert el.get("id") in shapes, f"lane without shape: {el.get('id')}"


@diagram_params
def test_every_sequence_flow_has_an_edge(path: Path):
    tree = _tree(path)
    edges = {e.get("bpmnElement"): e for e in tree.iterfind(".//bpmndi:BPMNEdge", NS)}
    for flow in tree.iterfind(".//bpmn:sequenceFlow", NS):
        edge = edges.get(flow.get("id"))
        assert edge is not None, f"sequence flow without BPMNEdge: {flow.get('id')}"
        assert len(edge.findall("di:waypoint", NS)) >= 2, f"edge without waypoints: {flow.get('id')}"
        if flow.get("name"):
            assert edge.find("bpmndi:BPMNLabel/dc:Bounds", NS) is not None, (
                f"named flow without label bounds: {flow.get('id')}"
            )


# (c) no overlapping shapes ----------------------------------------------------------------------


@diagram_params
def test_no_flow_node_shapes_overlap(path: Path):
    tree = _tree(path)
    shapes = _bounds(tree)
    nodes = _flow_nodes(tree)
    host_of = {el.get("id"): el.get("attachedToRef") for el in nodes if el.tag == BPMN + "boundaryEvent"}
    # An element drawn inside its (event) sub-process is contained, not overlapping.
    container_of = {el.get("id"): el.getparent().get("id") for el in nodes}
    clashes = []
    for i, a in enumerate(nodes):
        for b in nodes[i + 1 :]:
            a_id, b_id = a.get("id"), b.get("id")
            if host_of.get(a_id) == b_id or host_of.get(b_id) == a_id:
                continue
            if container_of.get(a_id) == b_id or container_of.get(b_id) == a_id:
                continue
            if _overlap(shapes[a_id], shapes[b_id]):
                clashes.append((a_id, b_id))
    assert not clashes, f"overlapping shapes: {clashes}"


# (d) user tasks: form and lane ------------------------------------------------------------------


@diagram_params
def test_user_tasks_have_form_and_role_lane(path: Path):
    tree = _tree(path)
    shapes = _bounds(tree)
    lane_of = {}
    for lane in tree.iterfind(".//bpmn:lane", NS):
        for ref in lane.iterfind("bpmn:flowNodeRef", NS):
            lane_of[ref.text.strip()] = lane
    for task in tree.iterfind(".//bpmn:userTask", NS):
        task_id = task.get("id")
        props = {p.get("name"): p.get("value") for p in task.iterfind(PROPERTY_PATH, NS)}
        assert props.get("formJsonSchemaFilename"), f"{task_id} names no form"
        lane = lane_of.get(task_id)
        assert lane is not None, f"{task_id} is in no lane"
        assert lane.get("name") in ROLE_LABELS.values(), f"{task_id} lane {lane.get('name')!r} is not a role"
        assert _contains(shapes[lane.get("id")], shapes[task_id]), f"{task_id} is drawn outside its lane"


def test_declaration_lanes():
    tree = _tree(BPMN_DIR / "declaration.bpmn")
    lanes = {
        lane.get("name"): {ref.text for ref in lane.iterfind("bpmn:flowNodeRef", NS)}
        for lane in tree.iterfind(".//bpmn:lane", NS)
    }
    assert "Task_Declare" in lanes["申报单位"]
    assert "Task_CityReview" in lanes["市级民政部门"]


@diagram_params
def test_lane_members_are_drawn_inside_their_lane(path: Path):
    tree = _tree(path)
    shapes = _bounds(tree)
    for lane in tree.iterfind(".//bpmn:lane", NS):
        for ref in lane.iterfind("bpmn:flowNodeRef", NS):
            assert _contains(shapes[lane.get("id")], shapes[ref.text.strip()]), (
                f"{ref.text} is drawn outside lane {lane.get('name')}"
            )


# (e) gateway flows are labelled -----------------------------------------------------------------


@diagram_params
def test_exclusive_gateway_branches_are_named(path: Path):
    tree = _tree(path)
    flows = list(tree.iterfind(".//bpmn:sequenceFlow", NS))
    for gateway in tree.iterfind(".//bpmn:exclusiveGateway", NS):
        outgoing = [f for f in flows if f.get("sourceRef") == gateway.get("id")]
        if len(outgoing) > 1:
            assert (gateway.get("name") or "").strip(), f"splitting gateway {gateway.get('id')} has no name"
            unnamed = [f.get("id") for f in outgoing if not (f.get("name") or "").strip()]
            assert not unnamed, f"unnamed branches of {gateway.get('id')}: {unnamed}"


# (f) bpmnlint -----------------------------------------------------------------------------------


def test_bpmnlint_clean():
    if not (ROOT / "node_modules" / "bpmnlint").is_dir():
        pytest.skip("node_modules/bpmnlint is missing: run `npm ci` in the repository root")
    npx = shutil.which("npx")
    if npx is None:
        pytest.skip("npx (Node.js) is not on PATH")
    result = subprocess.run(
        [npx, "--no-install", "bpmnlint", *[str(p.relative_to(ROOT)) for p in DIAGRAMS]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "warning" not in result.stdout, result.stdout


# Rendering with bpmn-js -------------------------------------------------------------------------


@pytest.mark.browser
@diagram_params
def test_renders_with_bpmn_js(path: Path, tmp_path: Path):
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("/usr/bin/chromium is not installed")
    if not (ROOT / "node_modules" / "bpmn-js").is_dir():
        pytest.skip("node_modules/bpmn-js is missing: run `npm ci` in the repository root")
    out = tmp_path / (path.stem + ".png")
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "render_bpmn.py"), "--strict", str(path), str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr, result.stderr
    assert out.stat().st_size > 10_000
