"""The process owner edits a draft in the BPMN modeler: live linting, the engine's properties, saving;
then sees the change on the diff page."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from .conftest import screenshot, sign_in

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "app" / "static" / "build"


@pytest.fixture(scope="module", autouse=True)
def bundles():
    """The esbuild bundles (scripts/_setup.sh builds them; built here too when a run skipped it)."""
    if not (BUILD / "modeler.js").exists() or not (BUILD / "diff.js").exists():
        subprocess.run(["bash", str(ROOT / "scripts" / "build_js.sh")], check=True, cwd=ROOT)


def _lint_rules(page, element_id: str) -> list[str]:
    return page.evaluate(
        "id => (window.SDZONES_MODELER.lintIssues[id] || []).map(issue => issue.rule)", element_id
    )


def _insert_user_task(page, flow_id: str, name: str) -> str:
    """A new user task dropped onto a sequence flow (bpmn-js splits the flow), selected; its id."""
    return page.evaluate(
        """([flowId, name]) => {
          const modeler = window.SDZONES_MODELER.modeler;
          const flow = modeler.get('elementRegistry').get(flowId);
          const first = flow.waypoints[0], last = flow.waypoints[flow.waypoints.length - 1];
          const shape = modeler.get('elementFactory').createShape({ type: 'bpmn:UserTask' });
          const created = modeler.get('modeling').createShape(
            shape, { x: (first.x + last.x) / 2, y: (first.y + last.y) / 2 }, flow);
          modeler.get('modeling').updateLabel(created, name);
          modeler.get('selection').select(created);
          return created.id;
        }""",
        [flow_id, name],
    )


def test_the_owner_models_a_user_task_with_live_linting_and_saves(live_server, page):
    base, _app = live_server
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, base, "owner")

    # A draft from the deployed version; the modeler opens on it.
    page.goto(f"{base}/modeler")
    page.fill("[data-testid=new-draft] input[name=name]", "浏览器测试草稿")
    page.click("[data-testid=new-draft] button[type=submit]")
    page.wait_for_url(re.compile(r".*/modeler/drafts/\d+$"))
    draft_url = page.url
    page.goto(f"{draft_url}?file=review.bpmn")
    page.wait_for_selector("#modeler-canvas[data-loaded=true] .djs-element")
    assert page.locator("[data-testid=file-tabs] a.active").inner_text() == "review.bpmn"
    assert page.locator("[data-testid=file-tabs] a").count() >= 7
    assert page.evaluate("window.SDZONES_MODELER.importWarnings.length") == 0
    # The deployed diagram lints clean (recommended rules and ours), and the lint button says so.
    page.wait_for_selector(".bjsl-button-success")
    assert page.evaluate("Object.keys(window.SDZONES_MODELER.lintIssues)") == []

    # A user task without a form: our rule flags it, with an overlay on the element.
    task_id = _insert_user_task(page, "Flow_Passed", "浏览器测试任务")
    page.wait_for_function("id => (window.SDZONES_MODELER.lintIssues[id] || []).length > 0", arg=task_id)
    assert "sdzones/user-task-form" in _lint_rules(page, task_id)
    assert "sdzones/user-task-role" not in _lint_rules(page, task_id)  # it sits in 省民政厅's lane
    page.wait_for_selector(f".djs-overlays[data-container-id='{task_id}'] .bjsl-overlay")
    page.wait_for_selector(".bjsl-button-error")
    assert page.locator("[data-testid=modeler-status]").inner_text() == "有未保存的修改"

    # The properties panel's 流程引擎 group offers the draft's forms; choosing one clears the issue.
    engine = page.locator("#modeler-properties [data-group-id='group-sdzones-engine']")
    assert "流程引擎" in engine.locator(".bio-properties-panel-group-header").inner_text()
    form_select = page.locator("select[name='sdzones-form']")
    options = form_select.locator("option").all_inner_texts()
    assert "（无表单）" in options and "review_decision.json" in options
    form_select.select_option("review_decision.json")
    page.wait_for_function("id => !(window.SDZONES_MODELER.lintIssues[id] || []).length", arg=task_id)
    assert page.locator(f".djs-overlays[data-container-id='{task_id}'] .bjsl-overlay").count() == 0
    page.wait_for_selector(".bjsl-button-success")

    # The same group edits the task's English name (else the server warns that it has none).
    page.fill("input[name='sdzones-name-en']", "Browser test task")
    page.wait_for_function(
        """id => { const m = window.SDZONES_MODELER.modeler;
                   const bo = m.get('elementRegistry').get(id).businessObject;
                   const props = (bo.extensionElements ? bo.extensionElements.values : [])
                     .flatMap(v => v.properties || []);
                   return props.some(p => p.name === 'name_en' && p.value === 'Browser test task'); }""",
        arg=task_id,
    )

    # A lane's role is a select of the role labels.
    page.evaluate(
        """() => { const m = window.SDZONES_MODELER.modeler;
                   m.get('selection').select(m.get('elementRegistry').get('Lane_City')); }"""
    )
    role_select = page.locator("select[name='sdzones-lane-role']")
    assert role_select.input_value() == "市级民政部门"
    assert "评审专家" in role_select.locator("option").all_inner_texts()

    # Save: the server keeps it and says so; the XML it got carries the form property.
    page.click("[data-testid=modeler-save]")
    page.wait_for_selector(
        "[data-testid=modeler-status].status-success, [data-testid=modeler-status].status-warning"
    )
    status = page.locator("[data-testid=modeler-status]").inner_text()
    problems = page.locator("[data-testid=modeler-problems] li").all_inner_texts()
    assert status.startswith("已保存"), (status, problems)
    assert not any(task_id in p for p in problems), problems
    screenshot(page, "modeler-saved")
    saved = page.evaluate(
        "url => fetch(url, {credentials: 'same-origin'}).then(r => r.text())",
        page.evaluate("window.location.pathname") + "/files/review.bpmn",
    )
    assert f'id="{task_id}"' in saved
    assert re.search(
        rf'<bpmn:userTask id="{task_id}" name="浏览器测试任务">\s*<bpmn:extensionElements>\s*'
        r'<spiffworkflow:properties>\s*<spiffworkflow:property name="formJsonSchemaFilename" '
        r'value="review_decision.json"',
        saved,
    ), saved
    assert '<spiffworkflow:property name="name_en" value="Browser test task"' in saved

    # Reloaded, the saved diagram comes back with the task and lints clean.
    page.reload()
    page.wait_for_selector("#modeler-canvas[data-loaded=true] .djs-element")
    assert page.locator(f"[data-element-id='{task_id}']").count() == 1
    page.wait_for_selector(".bjsl-button-success")

    # The diff page against the base version shows the new task, green on the new side.
    page.goto(f"{base}/modeler")
    page.click("[data-testid=drafts] tr:has-text('浏览器测试草稿') a[href*='/modeler/diff']")
    page.click(".diff-tabs button[data-file='review.bpmn']")
    page.wait_for_selector("#diff[data-loaded='review.bpmn']")
    row = page.locator(f"[data-testid=diff-changes] tr[data-element-id='{task_id}']")
    assert row.get_attribute("data-kind") == "added"
    assert "浏览器测试任务" in row.inner_text() and "用户任务" in row.inner_text()
    assert page.locator(f".diff-new [data-element-id='{task_id}'].diff-added").count() == 1
    assert page.locator(f".diff-old [data-element-id='{task_id}']").count() == 0
    assert page.locator(".diff-tabs button[data-file='declaration.bpmn'] .count").inner_text() == "0"
    screenshot(page, "modeler-diff")
    assert errors == []


def test_the_servers_problems_are_listed_and_marked_on_the_diagram(live_server, page):
    base, _app = live_server
    sign_in(page, base, "owner")
    page.goto(f"{base}/modeler")
    page.fill("[data-testid=new-draft] input[name=name]", "角色泳道改名")
    page.click("[data-testid=new-draft] button[type=submit]")
    page.wait_for_url(re.compile(r".*/modeler/drafts/\d+$"))
    page.goto(f"{page.url}?file=review.bpmn")
    page.wait_for_selector("#modeler-canvas[data-loaded=true] .djs-element")

    # The city's lane renamed to something that is no role: its user task belongs to nobody.
    page.evaluate(
        """() => { const m = window.SDZONES_MODELER.modeler;
                   m.get('selection').select(m.get('elementRegistry').get('Lane_City')); }"""
    )
    page.evaluate(
        """() => { const m = window.SDZONES_MODELER.modeler;
                   m.get('modeling').updateLabel(m.get('elementRegistry').get('Lane_City'), '某某部门'); }"""
    )
    page.wait_for_function("() => (window.SDZONES_MODELER.lintIssues['Task_CityGuidance'] || []).length > 0")
    assert _lint_rules(page, "Task_CityGuidance") == ["sdzones/user-task-role"]
    page.click("[data-testid=modeler-save]")
    page.wait_for_selector(
        "[data-testid=modeler-status][data-kind]:not([data-kind=busy]):not([data-kind=dirty])"
    )
    kind = page.locator("[data-testid=modeler-status]").get_attribute("data-kind")
    problems = page.locator("[data-testid=modeler-problems] li")
    assert problems.count() >= 1
    named = page.locator("[data-testid=modeler-problems] li[data-element-id='Task_CityGuidance']")
    assert named.count() >= 1, problems.all_inner_texts()
    # The server's problem marks the element on the canvas, and a click on it selects the element.
    assert page.locator("[data-element-id='Task_CityGuidance'].sdzones-problem").count() == 1
    named.first.locator("a.problem-element").click()
    assert page.evaluate("window.SDZONES_MODELER.modeler.get('selection').get().map(e => e.id)") == [
        "Task_CityGuidance"
    ]
    screenshot(page, "modeler-problems")
    assert kind in ("error", "warning")
