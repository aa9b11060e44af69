"""Loading form files: the two phase-1 forms load; broken files are refused with the reason."""

from __future__ import annotations

import json

import pytest

from app.forms import FormDefinitionError, load_form
from app.reference import find_theme, load_divisions, load_themes


def minimal_form(**changes):
    form = {
        "title": "测试表单",
        "schema": {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "properties": {"note": {"type": "string", "title": "备注"}},
        },
        "ui": {"order": ["note"]},
        "checks": [],
    }
    form.update(changes)
    return json.dumps(form, ensure_ascii=False)


def test_declaration_form_lists_every_field_in_display_order(declaration):
    names = declaration.field_names()
    assert names[:4] == ["kind", "theme_source", "theme_code", "theme_title"]
    assert set(names) == {
        "kind",
        "theme_source",
        "theme_code",
        "theme_title",
        "period_start",
        "period_end",
        "experts",
        "department",
        "lead_name",
        "lead_post",
        "lead_office_phone",
        "lead_mobile",
        "email",
        "zone_summary",
        "experiment_summary",
        "plan_background",
        "plan_theme_goals",
        "plan_measures",
        "plan_guarantees",
    }
    assert declaration.checks == (
        "reference_theme_valid",
        "theme_not_barred",
        "period_within_limit",
        "guiding_expert_named",
        "plan_complete",
    )
    assert declaration.documents == {
        "plan": ("plan_background", "plan_theme_goals", "plan_measures", "plan_guarantees"),
    }


def test_declaration_widgets_and_labels(declaration):
    assert declaration.title_for("zh_CN") == "填写申报材料"
    assert declaration.title_for("en") == "Application and experiment plan"
    experts = declaration.field("experts")
    assert experts.widget == "experts"
    assert [c.name for c in experts.columns] == ["name", "committee", "title", "contact", "username"]
    committee = experts.column("committee")
    assert committee.options_for("zh_CN") == [
        ("national", "全国基层政权和社区建设专家委员会"),
        ("provincial", "山东省基层政权建设和社区治理专家委员会"),
    ]
    assert declaration.field("theme_source").widget == "theme"
    assert declaration.field("theme_code").part_of == "theme_source"
    assert declaration.field("period_start").widget == "month"
    email = declaration.field("email")
    assert "个人邮箱" in email.help_for("zh_CN")
    assert email.title_for("en") == "E-mail"


def test_city_review_form_loads(city_review):
    assert city_review.field_names() == ["city_decision", "city_comments"]
    decision = city_review.field("city_decision")
    assert decision.widget == "radio"
    assert decision.options_for("zh_CN") == [("forward", "同意报送省民政厅"), ("return", "退回修改")]


def test_bad_json_is_refused(app):
    with pytest.raises(FormDefinitionError, match="not valid JSON"):
        load_form("broken", b'{"title": ')


def test_invalid_schema_is_refused(app):
    content = minimal_form(
        schema={"type": "object", "properties": {"note": {"type": "text", "title": "备注"}}}
    )
    with pytest.raises(FormDefinitionError, match="not a valid JSON Schema 2020-12"):
        load_form("bad-schema", content)


def test_older_schema_dialect_is_refused(app):
    content = minimal_form(
        schema={
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "properties": {"note": {"type": "string", "title": "备注"}},
        }
    )
    with pytest.raises(FormDefinitionError, match="2020-12"):
        load_form("draft7", content)


def test_unknown_named_check_is_refused(app):
    with pytest.raises(FormDefinitionError, match="Unknown check: no_such_rule"):
        load_form("bad-check", minimal_form(checks=["no_such_rule"]))


def test_check_whose_fields_are_missing_is_refused(app):
    with pytest.raises(FormDefinitionError, match="plan_complete needs the field plan_background"):
        load_form("no-plan", minimal_form(checks=["plan_complete"]))


@pytest.mark.parametrize("title", [None, "", "Remarks"])
def test_field_without_chinese_title_is_refused(app, title):
    note = {"type": "string"} if title is None else {"type": "string", "title": title}
    content = minimal_form(schema={"type": "object", "properties": {"note": note}})
    with pytest.raises(FormDefinitionError, match="note needs a Chinese title"):
        load_form("no-title", content)


def test_table_column_without_chinese_title_is_refused(app):
    experts = {
        "type": "array",
        "title": "专家",
        "items": {"type": "object", "properties": {"name": {"type": "string"}}},
    }
    content = minimal_form(schema={"type": "object", "properties": {"experts": experts}}, ui={})
    with pytest.raises(FormDefinitionError, match="name needs a Chinese title"):
        load_form("no-column-title", content)


def test_display_hints_for_unknown_field_are_refused(app):
    with pytest.raises(FormDefinitionError, match="unknown field: ghost"):
        load_form("ghost", minimal_form(ui={"order": ["note", "ghost"]}))


def test_widget_that_does_not_fit_the_type_is_refused(app):
    with pytest.raises(FormDefinitionError, match="cannot use the widget"):
        load_form("widget", minimal_form(ui={"fields": {"note": {"widget": "checkbox"}}}))


def test_choice_widget_needs_an_enum(app):
    with pytest.raises(FormDefinitionError, match="needs an enum"):
        load_form("radio", minimal_form(ui={"fields": {"note": {"widget": "radio"}}}))


def test_error_names_the_form(app):
    with pytest.raises(FormDefinitionError) as raised:
        load_form("my_form.json", b"[]")
    assert raised.value.form_name == "my_form.json"
    assert str(raised.value).startswith("my_form.json: ")


def test_reference_themes_and_divisions_load():
    themes = load_themes()
    assert len(themes) == 32
    assert sum(t.kind == "urban" for t in themes) == 22
    assert sum(t.kind == "rural" for t in themes) == 10
    assert find_theme("U15").title == "推进智慧社区建设"
    assert find_theme("X99") is None
    divisions = load_divisions()
    assert divisions[0].level == "province" and divisions[0].parent_adcode is None
    assert sum(d.level == "city" for d in divisions) == 16
    jinan = next(d for d in divisions if d.name == "济南市")
    assert jinan.parent_adcode == "370000"
    themes.clear()
    assert len(load_themes()) == 32  # callers get copies of the cache
