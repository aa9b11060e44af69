"""Experts' signatures: the expert is signed in, so the system signs the opinion with their name and
the time, instead of asking them to type a name that could be anyone's."""

from __future__ import annotations

import json

import pytest

from app.services.errors import ValidationFailed
from app.services.lifecycle import tasks
from app.services.reading import history_view
from app.services.store import deployment

# The opinion form of versions deployed before the system signed: the expert typed a signature.
TYPED_SIGNATURE_FORM = {
    "title": "专家评审意见",
    "schema": {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "opinion": {"type": "string", "title": "评审意见", "enum": ["pass", "improve"]},
            "opinion_comments": {"type": "string", "title": "具体意见", "minLength": 1, "maxLength": 5000},
            "opinion_signature": {"type": "string", "title": "专家签名", "minLength": 1, "maxLength": 40},
        },
        "required": ["opinion", "opinion_comments", "opinion_signature"],
    },
    "ui": {
        "order": ["opinion", "opinion_comments", "opinion_signature"],
        "fields": {"opinion": {"widget": "radio"}, "opinion_comments": {"widget": "textarea"}},
    },
    "checks": [],
    "documents": {},
}


@pytest.fixture
def in_review(world):
    instance = world.forward(world.start("370102"))
    world.assign(instance, "expert05", "expert06")
    return instance


def test_the_opinion_form_asks_for_no_typed_signature(world, in_review):
    task = world.opinion_task(in_review, "expert05")
    _, form = tasks.task_form(world.user("expert05"), task.id)
    assert form.field("opinion_signature") is None
    with pytest.raises(ValidationFailed) as refused:
        tasks.complete_task(
            world.user("expert05"),
            task.id,
            {"opinion": "pass", "opinion_comments": "同意。", "opinion_signature": "别人"},
        )
    assert [e.field for e in refused.value.errors] == ["opinion_signature"]


def test_the_system_signs_the_opinion_with_the_experts_name_and_time(world, clock, in_review):
    world.opine(in_review, "expert05", "pass", "同意通过。")
    signed = [v for v in history_view.event_views(in_review, world.user("province")) if v.signature]
    assert [(v.signature.name, v.signature.at) for v in signed] == [("陈志强", clock.now())]
    assert "opinion_signature" not in signed[0].data


def test_opinions_on_a_version_with_the_typed_signature_are_signed_by_the_account(app, world):
    """Applications pinned to an older version keep its form; the driver fills what that form asks, and
    the name shown is the signed-in account's whatever was typed."""
    current = deployment.latest_version(app.config["PROCESS_KEY"])
    forms = {
        **current.form_files,
        "expert_opinion.json": json.dumps(TYPED_SIGNATURE_FORM, ensure_ascii=False),
    }
    deployment.deploy(current.process_key, current.main_process_id, current.bpmn_files, forms, note="old")
    instance = world.forward(world.start("370102"))
    world.assign(instance, "expert05", "expert06")

    world.opine(instance, "expert05", "pass")  # the driver types the name the old form asks for
    task = world.opinion_task(instance, "expert06")
    tasks.complete_task(
        world.user("expert06"),
        task.id,
        {"opinion": "pass", "opinion_comments": "同意。", "opinion_signature": "张三"},
    )

    views = [v for v in history_view.event_views(instance, world.user("province")) if v.signature]
    assert [v.data["opinion_signature"] for v in views] == ["陈志强", "张三"]
    assert [v.signature.name for v in views] == ["陈志强", "赵敏"]
