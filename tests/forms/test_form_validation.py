"""Schema errors become one clear message per field, addressed by a dotted path.

Messages are compared with their English msgids (see conftest): the zh_CN catalog translates them.
"""

from __future__ import annotations

import json

import pytest

from app.forms import FieldError, load_form, validate_submission


@pytest.fixture
def kinds_form(app):
    """A small form with one field per kind of JSON Schema constraint."""
    return load_form(
        "kinds",
        json.dumps(
            {
                "title": "约束",
                "schema": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string", "title": "名称", "minLength": 2, "maxLength": 5},
                        "code": {"type": "string", "title": "代码", "pattern": "^[A-Z]{3}$"},
                        "month": {"type": "string", "title": "月份", "pattern": "^[0-9]{4}-[0-9]{2}$"},
                        "color": {"type": "string", "title": "颜色", "enum": ["red", "blue"]},
                        "mail": {"type": "string", "title": "邮箱", "format": "email"},
                        "count": {"type": "integer", "title": "数量", "minimum": 1, "maximum": 9},
                        "rows": {
                            "type": "array",
                            "title": "明细",
                            "minItems": 2,
                            "items": {
                                "type": "object",
                                "properties": {"who": {"type": "string", "title": "人员"}},
                                "required": ["who"],
                            },
                        },
                    },
                    "required": ["name"],
                },
                "ui": {"fields": {"month": {"widget": "month"}}},
            }
        ),
    )


def messages(errors: list[FieldError]) -> dict[str, str]:
    return {e.field: e.message for e in errors}


def test_missing_required_field(kinds_form):
    assert messages(validate_submission(kinds_form, {})) == {"name": "This field is required."}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "甲"}, "name", "Enter at least 2 characters."),
        ({"name": "甲乙丙丁戊己"}, "name", "Enter at most 5 characters (now 6)."),
        ({"code": "ab1"}, "code", "The value is not in the expected format."),
        ({"month": "2026/7"}, "month", "Enter a month as YYYY-MM, for example 2026-07."),
        ({"color": "green"}, "color", "Choose one of the listed options."),
        ({"mail": "no-at-sign"}, "mail", "Enter a valid e-mail address, e.g. sqzl@example.gov.cn."),
        ({"count": "three"}, "count", "Enter a whole number."),
        ({"count": 0}, "count", "Enter a number no less than 1."),
        ({"count": 10}, "count", "Enter a number no greater than 9."),
        ({"rows": [{"who": "甲"}]}, "rows", "Add at least 2 entries."),
        ({"rows": [{"who": "甲"}, {}]}, "rows.1.who", "This field is required."),
        ({"rows": [{"who": 5}, {"who": "乙"}]}, "rows.0.who", "The value has the wrong type."),
    ],
)
def test_each_kind_of_schema_error_has_a_clear_message(kinds_form, data, field, message):
    found = messages(validate_submission(kinds_form, {"name": "甲乙", **data}))
    assert found == {field: message}


def test_a_complete_declaration_has_no_errors(declaration, make_declaration):
    assert validate_submission(declaration, make_declaration()) == []


def test_declaration_field_errors_in_display_order(declaration, make_declaration):
    data = make_declaration(
        email="personal",
        lead_mobile="phone",
        period_start="2026-13",
        department=None,
        experts=[{"name": "王专家", "committee": "provincial"}],
    )
    errors = validate_submission(declaration, data)
    assert [e.field for e in errors] == [
        "period_start",
        "experts.0.title",
        "experts.0.contact",
        "department",
        "lead_mobile",
        "email",
    ]
    found = messages(errors)
    assert found["email"] == "Enter a valid e-mail address, e.g. sqzl@example.gov.cn."
    assert found["lead_mobile"].startswith("Enter a phone number")
    assert found["period_start"] == "Enter a month as YYYY-MM, for example 2026-07."


@pytest.mark.parametrize("typed", ["1380000000", "138-0000-00001", "1234"])
def test_a_mobile_number_of_the_wrong_length_is_told_it_needs_11_digits(declaration, make_declaration, typed):
    assert messages(validate_submission(declaration, make_declaration(lead_mobile=typed))) == {
        "lead_mobile": "A mobile number has 11 digits."
    }


@pytest.mark.parametrize("typed", ["12345678901", "0531-861", "电话"])
def test_other_bad_phone_numbers_keep_the_landline_hint(declaration, make_declaration, typed):
    found = messages(validate_submission(declaration, make_declaration(lead_mobile=typed)))
    assert found["lead_mobile"].startswith("Enter a phone number in digits")


def test_one_message_per_field(declaration, make_declaration):
    # "x" breaks both the e-mail pattern and its format: the user reads one message.
    errors = validate_submission(declaration, make_declaration(email="x"))
    assert [e.field for e in errors] == ["email"]


def test_reference_theme_needs_a_code_and_own_theme_a_title(declaration, make_declaration):
    reference = validate_submission(declaration, make_declaration(theme_code=None, theme_title=None))
    assert messages(reference) == {"theme_code": "This field is required."}
    own = validate_submission(
        declaration, make_declaration(theme_source="own", theme_code=None, theme_title=None)
    )
    assert messages(own) == {"theme_title": "This field is required."}


def test_reference_theme_must_match_the_kind(declaration, make_declaration):
    errors = validate_submission(declaration, make_declaration(kind="rural", theme_code="U15"))
    assert messages(errors) == {
        "theme_code": "This is an urban reference theme; choose a rural theme or change the kind."
    }
    unknown = validate_submission(declaration, make_declaration(theme_code="U99"))
    assert messages(unknown) == {"theme_code": "Choose one of the reference themes."}


def test_city_may_forward_without_comments(city_review):
    assert validate_submission(city_review, {"city_decision": "forward"}) == []


def test_city_must_comment_when_returning(city_review):
    errors = validate_submission(city_review, {"city_decision": "return"})
    assert errors == [FieldError("city_comments", "This field is required.")]
    assert (
        validate_submission(city_review, {"city_decision": "return", "city_comments": "请补充经费保障。"})
        == []
    )


def test_city_must_decide(city_review):
    assert messages(validate_submission(city_review, {})) == {"city_decision": "This field is required."}
    assert messages(validate_submission(city_review, {"city_decision": "maybe"})) == {
        "city_decision": "Choose one of the listed options."
    }
