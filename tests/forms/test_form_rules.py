"""Rules R1-R3 of the notice, as named checks and through validate_submission."""

from __future__ import annotations

import pytest

from app.forms import (
    CHECKS,
    MAX_PERIOD_MONTHS,
    PLAN_MIN_CHARS,
    FieldError,
    count_plan_characters,
    period_months,
    validate_submission,
)

PLAN_TOO_SHORT = (
    "The experiment plan has %(count)s characters (white space not counted); it needs at least %(minimum)s."
)


def test_constants_follow_the_notice():
    assert PLAN_MIN_CHARS == 4000
    assert MAX_PERIOD_MONTHS == 24


# -- R1: four sections, at least 4,000 characters without white space ----------------------------


def test_white_space_is_not_counted():
    data = {
        "plan_background": "实验 背景\n\n",
        "plan_theme_goals": "\t主题\u3000目标 ",
        "plan_measures": "a b",
    }
    assert count_plan_characters(data) == 4 + 4 + 2


def test_plan_of_3999_characters_is_too_short(make_plan):
    plan = make_plan(3999)
    assert sum(len(text) for text in plan.values()) > 4000  # white space would have made it long enough
    errors = CHECKS["plan_complete"](plan, {})
    assert errors == [FieldError("plan", PLAN_TOO_SHORT % {"count": 3999, "minimum": 4000})]


def test_plan_of_4000_characters_is_long_enough(make_plan):
    assert CHECKS["plan_complete"](make_plan(4000), {}) == []


def test_missing_section_is_named_even_when_the_plan_is_long(make_plan):
    plan = make_plan(8000)
    plan["plan_measures"] += plan.pop("plan_guarantees")
    errors = CHECKS["plan_complete"](plan, {})
    assert errors == [FieldError("plan_guarantees", "This section of the experiment plan is required.")]


def test_section_of_white_space_only_counts_as_missing(make_plan):
    plan = {**make_plan(6000), "plan_background": " \n\t "}
    assert [e.field for e in CHECKS["plan_complete"](plan, {})] == ["plan_background"]


def test_short_plan_in_a_declaration(declaration, make_declaration, make_plan):
    errors = validate_submission(declaration, make_declaration(**make_plan(3999)))
    assert errors == [FieldError("plan", PLAN_TOO_SHORT % {"count": 3999, "minimum": 4000})]


def test_missing_section_in_a_declaration_gets_one_message(declaration, make_declaration):
    errors = validate_submission(declaration, make_declaration(plan_background=None))
    assert [e.field for e in errors] == ["plan_background", "plan"]
    assert errors[0].message == "This field is required."


# -- R2: at most 24 months, start and end month included ------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        ("2026-07", "2028-06", 24),
        ("2026-07", "2028-07", 25),
        ("2026-07", "2026-07", 1),
        ("2026-12", "2027-01", 2),
    ],
)
def test_period_counts_start_and_end_month(start, end, months):
    assert period_months(start, end) == months


def test_period_of_24_months_is_allowed():
    assert CHECKS["period_within_limit"]({"period_start": "2026-07", "period_end": "2028-06"}, {}) == []


def test_period_of_25_months_is_refused():
    errors = CHECKS["period_within_limit"]({"period_start": "2026-07", "period_end": "2028-07"}, {})
    assert errors == [
        FieldError(
            "period_end",
            "The experiment period is 25 months long (start and end month included); "
            "it may last at most 24 months.",
        )
    ]


@pytest.mark.parametrize("end", ["2026-06", "2026-07"])
def test_end_must_come_after_start(end):
    errors = CHECKS["period_within_limit"]({"period_start": "2026-07", "period_end": end}, {})
    assert errors == [FieldError("period_end", "The end month must be later than the start month.")]


def test_malformed_months_are_left_to_the_schema(declaration, make_declaration):
    assert CHECKS["period_within_limit"]({"period_start": "2026/07", "period_end": "2030-01"}, {}) == []
    errors = validate_submission(declaration, make_declaration(period_end="2030"))
    assert [e.field for e in errors] == ["period_end"]
    assert errors[0].message.startswith("Enter a month")


# -- R3: at least one guiding expert from one of the two committees --------------------------------

NO_EXPERT = "Name at least one guiding expert from the national or the provincial expert committee."


def test_no_expert_is_refused(declaration, make_declaration):
    assert validate_submission(declaration, make_declaration(experts=None)) == [
        FieldError("experts", NO_EXPERT)
    ]
    assert CHECKS["guiding_expert_named"]({"experts": []}, {}) == [FieldError("experts", NO_EXPERT)]


def test_expert_from_another_committee_is_refused(declaration, make_declaration):
    experts = [{"name": "孙老师", "committee": "city", "title": "讲师", "contact": "0531-8888888"}]
    errors = validate_submission(declaration, make_declaration(experts=experts))
    assert errors == [
        FieldError("experts", NO_EXPERT),
        FieldError("experts.0.committee", "Choose one of the listed options."),
    ]


def test_expert_without_a_name_does_not_count():
    assert CHECKS["guiding_expert_named"]({"experts": [{"committee": "national"}]}, {}) == [
        FieldError("experts", NO_EXPERT)
    ]


@pytest.mark.parametrize("committee", ["national", "provincial"])
def test_one_expert_from_either_committee_is_enough(committee):
    experts = [{"name": "孙老师", "committee": "city"}, {"name": "王专家", "committee": committee}]
    assert CHECKS["guiding_expert_named"]({"experts": experts}, {}) == []
