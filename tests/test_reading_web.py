"""The pages reviewers read: the application beside the city's, an expert's and the province's tasks,
the application page's 申报材料, files opened in the browser, and the printed form's attachment."""

from __future__ import annotations

import io
import re
import zipfile
import zlib

import lxml.html

from app.demo import driver
from app.services.lifecycle import tasks

from .web_helpers import login


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _panel(html: str) -> str:
    """The reading panel of a page, as HTML."""
    (panel,) = lxml.html.fromstring(html).xpath('//*[@data-testid="application-content"]')
    return lxml.html.tostring(panel, encoding=str)


def _second_round(world):
    instance = world.start()
    world.forward(instance)
    world.assign(instance, "expert05")
    driver.opine(instance, "expert05", "improve", "第三部分分期目标不具体。")
    world.decide(instance, "improve", "汇总意见：请细化分期目标。")
    driver.guide(instance, "请按专家意见补充分期目标。")
    measures = driver.declaration()["plan_measures"]
    world.declare(
        instance, plan_measures=measures.replace("第一阶段（启动部署）", "第一阶段（2026年9月至12月）", 1)
    )
    world.assign(instance, "expert06")
    return instance


def test_the_city_reads_the_plan_beside_its_review_task(client, world):
    instance = world.start()
    world.declare(instance)
    login(client, "370100")

    panel = _panel(_page(client, f"/tasks/{world.task(instance, 'Task_CityReview').id}"))

    for heading in ("一、实验背景", "二、实验主题和实验目标", "三、实验举措", "四、实验保障"):
        assert heading in panel
    assert "济南市历下区位于全市城乡接合部" in panel
    assert re.search(r"全文 \d{4} 字（不计空格，不少于 4000 字）", panel)
    assert "第 1 版申报材料" in panel and "王建国" in panel and "基层政权建设和社区治理科科长" in panel


def test_an_expert_of_the_second_round_reads_the_revision_marked_against_the_first(client, world):
    instance = _second_round(world)
    login(client, "expert06")

    panel = _panel(_page(client, f"/tasks/{world.opinion_task(instance, 'expert06').id}"))

    assert "与第 1 版相比的修改" in panel
    assert "<ins>2026年9月至12月</ins>" in panel and "<del>启动部署</del>" in panel
    assert "汇总意见：请细化分期目标。" in panel and "请按专家意见补充分期目标。" in panel
    assert "第三部分分期目标不具体。" not in panel, "no other expert's opinion in the panel"


def test_the_province_reads_the_application_on_its_decision_task(client, world):
    instance = world.start()
    world.forward(instance)
    world.assign(instance, "expert05")
    driver.opine(instance, "expert05", "pass")
    login(client, "province")

    panel = _panel(_page(client, f"/tasks/{world.task(instance, 'Task_ReviewDecision').id}"))

    assert "四、实验保障" in panel and "组织保障：成立由区委、区政府主要负责同志任组长的领导小组" in panel


def test_the_applicant_fills_in_its_own_task_without_a_reading_panel(client, world):
    instance = world.start()
    login(client, "370102")
    html = _page(client, f"/tasks/{world.task(instance, 'Task_Declare').id}")
    assert 'data-testid="application-content"' not in html


def test_the_application_page_shows_the_application_as_submitted_and_its_versions(client, world):
    instance = world.start()
    world.declare(instance)
    world.city_decides(instance, "return", "请补充经费保障。")
    world.declare(instance, lead_name="钱进")
    login(client, "370102")

    latest = _panel(_page(client, f"/applications/{instance.id}"))
    first = _panel(_page(client, f"/applications/{instance.id}?version=1"))

    assert "第 2 版申报材料" in latest and "钱进" in latest
    assert "对第 1 版的意见" in latest and "请补充经费保障。" in latest
    assert "第 1 版申报材料" in first and "钱进" not in first
    assert client.get(f"/applications/{instance.id}?version=3").status_code == 404


def _docx() -> bytes:
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return package.getvalue()


def test_a_pdf_opens_in_the_browser_and_a_word_file_downloads_with_who_uploaded_it(client, world):
    instance = world.start()
    world.forward(instance)
    world.review_round(instance, "pass", experts=("expert05",))
    county = world.user("370102")
    task = driver.task_with_form(instance, "formal_submission.json")
    scan = tasks.upload_file(
        county, task.id, "application_form_file", "申报表.pdf", io.BytesIO(driver.DEMO_PDF)
    )
    plan = tasks.upload_file(county, task.id, "plan_file", "实验方案.docx", io.BytesIO(_docx()))
    data = {"submission_doc_number": "历发〔2026〕1号", "submission_date": "2026-05-04"}
    tasks.complete_task(county, task.id, {**data, "application_form_file": scan, "plan_file": plan})
    login(client, "370100")

    panel = _panel(_page(client, f"/tasks/{driver.task_with_form(instance, 'city_recommendation.json').id}"))
    pdf = client.get(f"/applications/{instance.id}/files/{scan['id']}")
    word = client.get(f"/applications/{instance.id}/files/{plan['id']}")

    assert re.search(rf'href="/applications/{instance.id}/files/{scan["id"]}" target="_blank"', panel)
    assert "DOCX · 0.1 KB · 济南市历下区民政局 于 2026-05-04 09:00 上传" in panel
    assert pdf.mimetype == "application/pdf" and pdf.headers["Content-Disposition"].startswith("inline")
    assert pdf.headers["Content-Security-Policy"] == "frame-ancestors 'none'"
    assert word.headers["Content-Disposition"].startswith("attachment")
    assert word.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _pages(pdf: bytes) -> int:
    """Pages of a PDF whose objects WeasyPrint compressed: counted in its inflated streams."""
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S)
    inflated = b"".join(zlib.decompress(s) for s in streams if s[:1] == b"x")
    return len(re.findall(rb"/Type\s*/Page\b", inflated))


def test_the_printed_form_carries_the_plan_as_its_attachment(client, world):
    instance = world.start()
    world.forward(instance)
    login(client, "370100")

    html = _page(client, f"/applications/{instance.id}/form")
    pdf = client.get(f"/applications/{instance.id}/form.pdf").data

    annex = html[html.index('data-testid="form-annex"') :]
    assert "附件：实验方案" in annex
    assert [h for h in re.findall(r'<h2 class="annex-heading">([^<]+)</h2>', annex)] == [
        "一、实验背景",
        "二、实验主题和实验目标",
        "三、实验举措",
        "四、实验保障",
    ]
    assert "宣传保障：通过政务新媒体、新闻媒体等渠道" in annex
    blank = _pages(client.get(f"/applications/{world.start('370103').id}/form.pdf").data)
    assert _pages(pdf) >= blank + 3


def test_the_province_reads_the_final_report_and_the_annual_reports_on_its_acceptance_review(client, world):
    zone = driver.final_report(world.period_ended())
    login(client, "province")

    panel = _panel(_page(client, f"/tasks/{driver.task_with_form(zone, 'acceptance_review.json').id}"))
    documents = lxml.html.fromstring(panel).xpath('//*[@data-testid="zone-document"]')

    steps = [d.xpath("string(summary/strong)") for d in documents]
    assert steps[0] == "提交终期报告" and documents[0].get("open") is not None
    assert steps.count("报送年度实验计划") == 2 and steps.count("报送年度总结") == 2
    assert "实验期内，本区围绕实验主题健全制度、创新机制" in documents[0].text_content()
    assert all(d.get("open") is None for d in documents[1:])
    plan = lxml.html.fromstring(panel).xpath('//*[@data-testid="plan-section"]')
    assert len(plan) == 4 and all(s.get("open") is None for s in plan), "the plan folds once the zone reports"
