"""The printable 申报表 (attachment 3): declaration and opinion blocks that fill in as the process goes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.services.errors import NotFound
from app.services.reading.application_form import application_form_for

from .web_helpers import login


def _form_page(client, instance) -> str:
    response = client.get(f"/applications/{instance.id}/form")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_declared_application_shows_its_declaration_and_a_blank_city_block(client, world):
    instance = world.start()
    world.declare(instance, lead_name="赵丽", email="sqzl-lixia@example.gov.cn")
    login(client, "370102")

    html = _form_page(client, instance)

    assert instance.applicant.full_name in html
    assert "赵丽" in html and "sqzl-lixia@example.gov.cn" in html
    assert "0531-86150001" in html and "13800000000" in html
    assert "王建国" in html  # expert01, the guiding expert
    assert "2026年9月—2028年6月" in html
    form = application_form_for(world.user("370102"), instance.id)
    assert form.experts[0].committee  # the committee label, not its code
    assert form.experts[0].committee != "national"
    assert not form.city_opinion.filled and form.city_opinion.date == ""
    assert not form.review_opinion.filled and not form.province_opinion.filled


def test_after_the_city_forwarded_the_city_block_shows_its_comments_and_date(client, world):
    instance = world.start()
    world.declare(instance)
    world.clock.advance(timedelta(days=3, hours=16))  # 2026-05-08 01:00 in Beijing, still 5-07 in UTC
    world.city_decides(instance, "forward", "材料齐全，同意推荐。")
    login(client, "370100")

    html = _form_page(client, instance)

    assert "材料齐全，同意推荐。" in html
    assert "2026年5月8日" in html
    form = application_form_for(world.user("370100"), instance.id)
    assert form.city_opinion.filled and form.city_opinion.date == "2026年5月8日"


def test_the_form_shows_the_latest_revision_and_the_returning_comments_do_not_fill_the_city_block(world):
    instance = world.start()
    world.declare(instance)
    world.city_decides(instance, "return", "请补充经费保障。")
    world.declare(instance, lead_name="钱进")

    form = application_form_for(world.user("370102"), instance.id)

    assert form.lead_name == "钱进"
    assert not form.city_opinion.filled


def test_the_preliminary_review_block_carries_the_decision_and_the_signing_experts(world):
    instance = world.start()
    world.forward(instance)
    world.review_round(instance, "pass", experts=("expert05", "expert06"))

    form = application_form_for(world.user("province"), instance.id)

    assert form.review_opinion.filled
    assert form.review_opinion.signatures == ["陈志强（2026年5月4日）", "赵敏（2026年5月4日）"]
    assert form.review_opinion.date == "2026年5月4日"


def test_an_out_of_scope_user_gets_404_for_the_form_and_its_pdf(client, world):
    instance = world.start()
    world.declare(instance)
    login(client, "370202")  # a Qingdao county

    assert client.get(f"/applications/{instance.id}/form").status_code == 404
    assert client.get(f"/applications/{instance.id}/form.pdf").status_code == 404
    with pytest.raises(NotFound):
        application_form_for(world.user("370200"), instance.id)


def test_the_form_links_the_a4_print_stylesheet_with_a_print_button(client, world):
    instance = world.start()
    login(client, "370102")

    html = _form_page(client, instance)

    assert "/static/css/print.css" in html
    assert 'data-print data-testid="form-print"' in html and "/static/js/page.js" in html
    assert "window.print()" in client.get("/static/js/page.js").get_data(as_text=True)
    css = client.get("/static/css/print.css").get_data(as_text=True)
    assert "@page" in css and "size: A4" in css and "margin: 20mm" in css
    assert "break-inside: avoid" in css
    assert '"Noto Serif CJK SC"' in css


def test_the_form_downloads_as_a_pdf(client, world):
    instance = world.start()
    world.forward(instance)
    login(client, "370102")

    response = client.get(f"/applications/{instance.id}/form.pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")


def test_the_application_page_links_to_its_form(client, world):
    instance = world.start()
    login(client, "370102")

    html = client.get(f"/applications/{instance.id}").get_data(as_text=True)

    assert f"/applications/{instance.id}/form" in html
