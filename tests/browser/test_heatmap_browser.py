"""The province opens the heatmap: the diagram is drawn with its elements coloured and labelled."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.demo import driver
from app.extensions import db
from app.models import User
from app.services.lifecycle import calls

from ..conftest import DEADLINE
from .conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def _histories(app, clock) -> None:
    """Two applications declared, forwarded and reviewed a few days apart; one through every kind of step."""
    with app.app_context():
        province = db.session.scalar(select(User).where(User.username == "province"))
        call = calls.open_call(province, "2026年度全省城乡社区治理实验区申报", 2026, DEADLINE)
        steps = (
            driver.declare,
            lambda instance: driver.city_decides(instance, "forward"),
            lambda instance: driver.assign(instance, "expert05", "expert06"),
            lambda instance: driver.opine(instance, "expert05", "pass"),
            lambda instance: driver.opine(instance, "expert06", "pass"),
        )
        for adcode, pause in (("370103", 1), ("370202", 3)):
            instance = driver.start(adcode, call)
            for step in steps:
                clock.advance(timedelta(days=pause))
                step(instance)
        driver.through_every_kind_of_step(driver.start("370102", call))


def test_the_province_sees_the_diagram_coloured_with_counts_and_waits(live_server, page, clock):
    base, app = live_server
    _histories(app, clock)
    sign_in(page, base, "province")
    page.goto(f"{base}/command/heatmap")
    page.wait_for_selector("#heatmap-diagram[data-painted] [data-testid=heat-badge]")
    page.click(".diagram-tabs .tab:has-text('自主申报')")
    page.wait_for_selector("#heatmap-diagram[data-loaded='declaration.bpmn'][data-painted] .djs-element")
    badges = page.locator("#heatmap-diagram [data-testid=heat-badge]")
    assert badges.count() >= 3
    texts = " ".join(badges.all_inner_texts())
    assert "3 件" in texts and "中位" in texts and "天" in texts
    assert page.locator("#heatmap-diagram .djs-element[class*='heat-']").count() >= 3
    assert page.locator("#heatmap-diagram .djs-connection[class*='flow-heat-']").count() >= 2
    legend = page.locator("[data-testid=heatmap-legend]")
    assert "申报较多" in legend.inner_text()
    page.check("input[name=heat-by][value=median]")
    page.wait_for_selector("#heatmap-diagram[data-painted='median']")
    assert "停留较长" in legend.inner_text()
    assert "市级审核" in page.locator("[data-testid=heatmap-table]").inner_text()
    screenshot(page, "command-heatmap")
    # In English the diagram, its figures and the table read in English.
    page.locator("[data-testid=language-switch]").click()
    page.wait_for_selector("html[lang=en]")
    page.wait_for_selector("#heatmap-diagram[data-painted] [data-testid=heat-badge]")
    assert "applications" in " ".join(page.locator("[data-testid=heat-badge]").all_inner_texts())
    assert "Where do applications wait?" in page.inner_text("body")
    screenshot(page, "command-heatmap-english")
