"""render_form: labels, values shown as typed, errors beside their fields, summary, read-only view."""

from __future__ import annotations

from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from app.forms import FieldError, decode_submission, render_form, validate_submission


def element_with_id(html: str, element_id: str) -> str:
    """The opening tag with this id up to the next field wrapper: enough to look 'beside' a field."""
    start = html.index(f'id="{element_id}"')
    end = html.find('class="form-field', start + 1)
    return html[start : end if end != -1 else len(html)]


def test_fields_are_labelled_in_chinese_without_form_tag_or_buttons(declaration):
    html = render_form(declaration, {}, [])
    assert isinstance(html, Markup)
    assert "<form" not in html and 'type="submit"' not in html
    assert '<label class="form-label" for="input-department">业务部门' in html
    assert "实验方案" in html  # group legend
    assert 'name="experts-0-name"' in html  # one blank expert row to start with
    assert 'name="experts-__index__-name"' in html  # the row template for forms.js
    assert html.count('name="theme_code"') == 32
    assert (
        'data-doc-counter data-fields="plan_background plan_theme_goals plan_measures plan_guarantees"'
        in html
    )
    assert 'data-minimum="4000"' in html


def test_english_labels_when_locale_is_en(declaration):
    html = render_form(declaration, {}, [], locale="en")
    assert '<label class="form-label" for="input-department">Responsible department' in html
    assert "Experiment plan" in html


def test_errors_appear_beside_their_fields_and_in_the_summary(declaration, make_declaration):
    data = make_declaration(email="not-an-email", period_end="2028-09")
    data["experts"][0]["committee"] = "city"
    errors = validate_submission(declaration, data)
    html = render_form(declaration, data, errors)

    summary = html[html.index("form-error-summary") : html.index("</ul>")]
    assert 'href="#field-email"' in summary
    assert 'href="#field-period_end"' in summary
    assert 'href="#field-experts-0-committee"' in summary
    assert "指导专家 · Row 1 · 所属专家委员会" in summary

    email = element_with_id(html, "field-email")
    assert (
        "has-error"
        in html[html.rindex("<div", 0, html.index('id="field-email"')) : html.index('id="field-email"')]
    )
    assert 'value="not-an-email"' in email
    assert "Enter a valid e-mail address" in email
    assert 'aria-invalid="true"' in email

    period = element_with_id(html, "field-period_end")
    assert "it may last at most 24 months" in period
    committee_cell = html[
        html.index('id="field-experts-0-committee"') : html.index('id="field-experts-0-title"')
    ]
    assert '<option value="city" selected>city</option>' in committee_cell  # kept as typed
    assert "Choose one of the listed options." in committee_cell


def test_plan_length_error_sits_under_the_plan(declaration, make_declaration, make_plan):
    data = make_declaration(**make_plan(1200))
    html = render_form(declaration, data, validate_submission(declaration, data))
    counter = html[html.index('id="field-plan"') :]
    assert (
        "is-short"
        in html[html.rindex("<div", 0, html.index('id="field-plan"')) : html.index('id="field-plan"')]
    )
    assert "Entered 1200 characters / at least 4000 (white space not counted)" in counter
    assert "The experiment plan has 1200 characters" in counter
    assert 'data-template="Entered %(count)s characters / at least %(minimum)s' in counter


def test_values_are_shown_again_exactly_as_typed(declaration):
    formdata = MultiDict(
        [
            ("department", "历下区<民政局>"),
            ("period_start", "2026/7"),
            ("plan_background", "\n第一段\n\n  第二段"),
            ("experts-0-name", "王专家"),
            ("experts-4-name", "赵专家"),
            ("kind", "rural"),
            ("theme_source", "own"),
            ("theme_title", "“红色物业”联建共治"),
        ]
    )
    data = decode_submission(declaration, formdata)
    html = render_form(declaration, data, validate_submission(declaration, data))
    assert 'value="历下区&lt;民政局&gt;"' in html
    assert 'value="2026/7"' in html
    # the browser drops one newline right after <textarea>, so the leading one survives
    assert 'rows="12">\n\n第一段\n\n  第二段</textarea>' in html
    assert 'name="experts-1-name" aria-required="true" aria-label="姓名" value="赵专家"' in html
    assert 'value="rural" checked' in html
    assert 'value="own" checked' in html
    assert 'value="“红色物业”联建共治"' in html


def test_form_level_errors_are_listed_without_a_link(declaration):
    html = render_form(declaration, {}, [FieldError("", "The call is closed.")])
    summary = html[html.index("form-error-summary") : html.index("</ul>")]
    assert "The call is closed." in summary
    assert "href" not in summary


def test_readonly_view_shows_values_and_labels_without_inputs(declaration, make_declaration):
    data = make_declaration(plan_background="第一段\n第二段" + "字" * 10)
    html = render_form(declaration, data, [], readonly=True)
    assert "<input" not in html and "<textarea" not in html and "<select" not in html
    assert "<button" not in html and "<template" not in html
    assert "is-readonly" in html
    assert "选用参考主题" in html and "推进智慧社区建设" in html and "U15" in html
    assert "山东省基层政权建设和社区治理专家委员会" in html  # committee label, not the code
    assert "城市社区治理实验区" in html  # kind label
    assert "lxmzj@jinan.gov.cn" in html
    assert "第一段\n第二段" in html
    assert "characters in all (white space not counted)" in html


def test_readonly_view_of_an_own_theme_in_english(declaration, make_declaration):
    data = make_declaration(theme_source="own", theme_code=None, theme_title="“红色物业”联建共治")
    html = render_form(declaration, data, [], readonly=True, locale="en")
    assert "Our own theme: “红色物业”联建共治" in html
    assert "Guiding experts" in html


def test_city_review_renders_radio_and_comments(city_review):
    errors = validate_submission(city_review, {"city_decision": "return"})
    html = render_form(city_review, {"city_decision": "return"}, errors)
    assert 'value="return" checked' in html
    assert "同意报送省民政厅" in html and "退回修改" in html
    comments = element_with_id(html, "field-city_comments")
    assert "This field is required." in comments


def test_messages_and_page_text_arrive_in_chinese_with_a_catalog(
    zh_app, form_named, make_declaration, make_plan
):
    declaration = form_named("declaration")
    data = make_declaration(department=None, **make_plan(3999))
    errors = validate_submission(declaration, data)
    assert errors == [
        FieldError("department", "此项为必填项。"),
        FieldError("plan", "实验方案目前共 3999 字（不含空白字符），应不少于 4000 字。"),
    ]
    html = render_form(declaration, data, errors)
    assert "请修改以下 2 处问题：" in html
    assert ">删除</button>" in html


def test_the_summary_does_not_repeat_a_label_the_message_already_names(
    zh_app, form_named, make_declaration, make_plan
):
    declaration = form_named("declaration")
    data = make_declaration(department=None, **make_plan(3999))
    html = render_form(declaration, data, validate_submission(declaration, data))
    summary = html[html.index("form-error-summary") : html.index("</ul>")]
    assert "实验方案</span>" not in summary  # not 实验方案：实验方案目前共…
    assert '<span class="form-error-summary__message">实验方案目前共 3999 字' in summary
    assert '<span class="form-error-summary__label">业务部门</span>' in summary  # other entries keep it


def test_comments_required_on_return_carry_their_asterisk_exactly_then(city_review):
    def comments_label(values):
        field = element_with_id(render_form(city_review, values, []), "field-city_comments")
        return field[: field.index("</label>")]

    for values, shown in (
        ({"city_decision": "return"}, True),
        ({"city_decision": "forward"}, False),
        ({}, False),
    ):
        label = comments_label(values)
        assert 'data-required-when="city_decision" data-required-value="return"' in label
        assert (" hidden>*</span>" not in label) is shown, values
    assert validate_submission(city_review, {"city_decision": "return"})  # and the server still checks


def test_an_else_branch_makes_a_field_required_unless_the_condition_holds(app, form_named):
    form = form_named("city_recommendation")
    field = element_with_id(
        render_form(form, {"city_agrees": "decline"}, []), "field-city_recommendation_comments"
    )
    assert "data-required-negated" in field and " hidden>*</span>" not in field
    field = element_with_id(
        render_form(form, {"city_agrees": "agree"}, []), "field-city_recommendation_comments"
    )
    assert " hidden>*</span>" in field
