"""From an HTML POST to typed data: rows of experts, numbers, booleans, and what the user typed."""

from __future__ import annotations

import json

from werkzeug.datastructures import MultiDict

from app.forms import decode_submission, load_form


def test_expert_rows_are_collected_renumbered_and_empty_rows_dropped(declaration):
    formdata = MultiDict(
        [
            ("experts-0-name", "王专家"),
            ("experts-0-committee", "national"),
            ("experts-3-name", "  "),  # an empty row, as left by the browser
            ("experts-3-committee", ""),
            ("experts-7-name", "赵专家"),
            ("experts-7-committee", "provincial"),
            ("experts-7-title", "研究员"),
            ("experts-10-name", "钱专家"),
            ("experts-x-name", "ignored"),
        ]
    )
    data = decode_submission(declaration, formdata)
    assert data["experts"] == [
        {"name": "王专家", "committee": "national"},
        {"name": "赵专家", "committee": "provincial", "title": "研究员"},
        {"name": "钱专家"},
    ]


def test_empty_strings_are_dropped_and_unknown_names_ignored(declaration):
    formdata = MultiDict(
        [("department", ""), ("lead_name", "  "), ("email", " a@b.cn "), ("csrf_token", "t"), ("hack", "x")]
    )
    assert decode_submission(declaration, formdata) == {"email": "a@b.cn"}


def test_long_text_keeps_its_line_breaks(declaration):
    data = decode_submission(declaration, MultiDict([("plan_background", "第一段\r\n\r\n  第二段 ")]))
    assert data["plan_background"] == "第一段\n\n  第二段 "


def test_values_keep_what_the_user_typed_even_when_invalid(declaration):
    formdata = MultiDict(
        [("period_start", "2026/7"), ("email", "not-an-email"), ("experts-0-committee", "city")]
    )
    data = decode_submission(declaration, formdata)
    assert data == {"period_start": "2026/7", "email": "not-an-email", "experts": [{"committee": "city"}]}


def test_reference_theme_brings_its_own_title(declaration):
    formdata = MultiDict([("theme_source", "reference"), ("theme_code", "R01"), ("theme_title", "forged")])
    data = decode_submission(declaration, formdata)
    assert data["theme_title"] == "“多村一社区”体制改革"


def test_own_theme_drops_the_reference_code(declaration):
    formdata = MultiDict(
        [("theme_source", "own"), ("theme_code", "U01"), ("theme_title", "“红色物业”联建共治")]
    )
    data = decode_submission(declaration, formdata)
    assert "theme_code" not in data
    assert data["theme_title"] == "“红色物业”联建共治"


def test_numbers_and_booleans_are_typed(app):
    form = load_form(
        "typed",
        json.dumps(
            {
                "title": "类型",
                "schema": {
                    "type": "object",
                    "properties": {
                        "count": {"type": "integer", "title": "数量"},
                        "amount": {"type": "number", "title": "金额"},
                        "agreed": {"type": "boolean", "title": "同意"},
                        "seal": {"type": "boolean", "title": "盖章"},
                        "tenths": {"type": "number", "title": "比例"},
                    },
                },
            }
        ),
    )
    data = decode_submission(
        form, MultiDict([("count", "12"), ("amount", "3.5"), ("agreed", "true"), ("tenths", "abc")])
    )
    assert data == {"count": 12, "amount": 3.5, "agreed": True, "seal": False, "tenths": "abc"}
    assert decode_submission(form, MultiDict([("count", "1.5")]))["count"] == "1.5"
