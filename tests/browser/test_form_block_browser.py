"""The process owner sees, and sets, which block of the printed 申报表 a user task fills."""

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
    if not (BUILD / "modeler.js").exists():
        subprocess.run(["bash", str(ROOT / "scripts" / "build_js.sh")], check=True, cwd=ROOT)


def _select(page, element_id: str) -> None:
    page.evaluate(
        """id => { const m = window.SDZONES_MODELER.modeler;
                   m.get('selection').select(m.get('elementRegistry').get(id)); }""",
        element_id,
    )


def test_the_owner_moves_the_assessment_block_and_the_server_warns_about_the_gap(live_server, page):
    base, _app = live_server
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, base, "owner")
    page.goto(f"{base}/modeler")
    page.fill("[data-testid=new-draft] input[name=name]", "申报表栏目")
    page.click("[data-testid=new-draft] button[type=submit]")
    page.wait_for_url(re.compile(r".*/modeler/drafts/\d+$"))
    page.goto(f"{page.url}?file=assessment.bpmn")
    page.wait_for_selector("#modeler-canvas[data-loaded=true] .djs-element")

    # The assessment task says which block it fills, by the block's printed title.
    _select(page, "Task_Assessment")
    block = page.locator("select[name='sdzones-form-block']")
    assert block.input_value() == "province_opinion"
    options = block.locator("option").all_inner_texts()
    assert "省民政厅评估意见" in options and "（不填写申报表）" in options

    # Both tasks of the block cleared: saving is allowed, with a warning naming the block.
    block.select_option("")
    _select(page, "Task_Recognition")
    page.locator("select[name='sdzones-form-block']").select_option("")
    page.click("[data-testid=modeler-save]")
    page.wait_for_selector("[data-testid=modeler-status][data-kind=warning]")
    problems = page.locator("[data-testid=modeler-problems] li[data-rule=form-block-filled]")
    assert problems.all_inner_texts() == ["没有任务填写申报表的“省民政厅评估意见”栏：打印时该栏将为空白。"], (
        page.locator("[data-testid=modeler-problems] li").all_inner_texts()
    )
    _select(page, "Task_Recognition")
    screenshot(page, "modeler-form-block-warning")

    # Given back to the assessment task, the warning goes.
    _select(page, "Task_Assessment")
    page.locator("select[name='sdzones-form-block']").select_option("province_opinion")
    page.click("[data-testid=modeler-save]")
    page.wait_for_selector("[data-testid=modeler-status][data-kind=success]")
    assert page.locator("[data-testid=modeler-problems] li[data-rule^=form-block]").count() == 0
    assert errors == []
