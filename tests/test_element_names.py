"""Pages call a diagram element by its name, or an unnamed one by its kind in words: never by its id."""

from __future__ import annotations

from app.demo import driver
from app.services.audit import replay_view
from app.services.reading.element_text import readable_element_names
from app.services.store.deployment import engine_for


def test_an_unnamed_gateway_is_described_by_its_kind(app, world):
    instance = world.start("370102")
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        names = readable_element_names(instance.version)
    unnamed = engine_for(instance.version).definition.unnamed_element_kinds()
    assert unnamed, "the repository's diagrams have unnamed joining gateways"
    assert {names[element_id] for element_id in unnamed} <= {
        "并行网关（路径分支或汇合）",
        "排他网关（选择一条路径）",
    }
    assert names["Task_Declare"] == "填写申报材料"


def test_the_replay_shows_no_element_id(app, world):
    instance = driver.through_every_kind_of_step(world.start("370102"))
    ids = set(engine_for(instance.version).definition.element_names())
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        frames, _ = replay_view.frames_of(instance)
    shown = {name for f in frames for name in [f.element_name, *f.newly_completed, *f.newly_waiting]}
    assert shown and not shown & ids, shown & ids
