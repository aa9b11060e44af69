"""The security log's details read as labelled text in the user's language, not as escaped JSON."""

from __future__ import annotations

from app.services.audit import security_log

from .web_helpers import login


def test_details_are_shown_as_labelled_readable_lines(client):
    security_log.record_refusal("refused_not_found", message="未找到该申报，或不在您的权限范围内。")
    security_log.record("account_locked", username="370102", failures=5)
    security_log.record("export", what="events_xlsx", rows=12, filters={"city": "370100"})
    login(client, "auditor")
    page = client.get("/audit/security").get_data(as_text=True)
    assert "\\u" not in page and "{&#34;" not in page and '{"' not in page
    assert "未找到该申报，或不在您的权限范围内。" in page
    assert '失败次数：</span><span class="user-text">5</span>' in page
    assert '导出内容：</span><span class="user-text">历史事件（Excel）</span>' in page
    assert "city = 370100" in page
