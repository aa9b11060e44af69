"""Administration and the user's own account through the pages (Flask's test client)."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import AdminChange, LoginSession
from app.services.accounts import credentials
from app.services.administration import users

from .conftest import PASSWORD, rows_of
from .web_helpers import csrf_token, login

FORM = {
    "username": "lixia02",
    "display_name": "李明",
    "unit": "370102",
    "roles": "applicant",
    "email": "liming@lixia.gov.cn",
    "phone": "0531-86912345",
    "password": "first-pass-1",
}


def _post(client, url, data, page="/admin"):
    return client.post(url, data={**data, "csrf_token": csrf_token(client.get(page).get_data(as_text=True))})


def _browser(app, username: str, password: str = PASSWORD):
    """Another browser, signed in within its own app context (Flask-WTF keeps the CSRF token in g)."""
    browser = app.test_client()
    with app.app_context():
        assert login(browser, username, password).status_code == 302
    return browser


def test_only_administrators_reach_the_administration(client):
    login(client, "province")
    for url in ("/admin", "/admin/users", "/admin/units", "/admin/users/import", "/admin/users/new"):
        assert client.get(url).status_code == 403, url


def test_a_refused_account_form_keeps_what_was_typed(client, app):
    login(client, "admin")
    before = rows_of("users", "admin_changes")
    response = _post(client, "/admin/users/new", {**FORM, "phone": "call me"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'data-testid="error-phone"' in page
    assert 'value="李明"' in page and 'value="liming@lixia.gov.cn"' in page
    assert rows_of("users", "admin_changes") == before


def test_a_new_account_must_change_its_password_before_anything_else(client, app):
    login(client, "admin")
    assert _post(client, "/admin/users/new", FORM).status_code == 302
    newcomer = _browser(app, "lixia02", "first-pass-1")
    for url in ("/inbox", "/applications", "/account"):
        response = newcomer.get(url)
        assert response.status_code == 302 and response.headers["Location"].endswith("/account/password")
    with app.app_context():
        refused = _post(
            newcomer,
            "/account/password",
            {"current_password": "first-pass-1", "new_password": "short", "repeated_password": "short"},
            page="/account/password",
        )
        assert refused.status_code == 422 and "至少 8 个字符" in refused.get_data(as_text=True)
        changed = _post(
            newcomer,
            "/account/password",
            {
                "current_password": "first-pass-1",
                "new_password": "my-own-pw",
                "repeated_password": "my-own-pw",
            },
            page="/account/password",
        )
    assert changed.status_code == 302
    assert newcomer.get("/inbox").status_code == 200, "this browser stays signed in"
    response = app.test_client().post("/api/tokens", json={"username": "lixia02", "password": "my-own-pw"})
    assert response.status_code == 201


def test_the_api_gives_no_token_while_the_password_must_change(client, app, world):
    login(client, "admin")
    _post(client, "/admin/users/new", FORM)
    response = app.test_client().post("/api/tokens", json={"username": "lixia02", "password": "first-pass-1"})
    assert response.status_code == 403 and "修改密码" in response.get_json()["message"]


def test_users_see_and_end_their_other_sessions(client, app):
    login(client, "370102")
    other = _browser(app, "370102")
    page = client.get("/account/sessions").get_data(as_text=True)
    assert page.count('data-testid="my-session"') == 2 and "当前浏览器" in page
    others = db.session.scalars(select(LoginSession).order_by(LoginSession.id)).all()
    response = _post(client, f"/account/sessions/{others[1].id}/end", {}, page="/account/sessions")
    assert response.status_code == 302
    assert other.get("/inbox").status_code == 302 and client.get("/inbox").status_code == 200
    assert _post(client, f"/account/sessions/{others[1].id}/end", {}, "/account/sessions").status_code == 404


def test_users_revoke_their_api_tokens_and_cannot_touch_anothers(client, app):
    raw, token = credentials.issue_token("370102", PASSWORD)
    _raw, foreign = credentials.issue_token("370202", PASSWORD)
    login(client, "370102")
    assert 'data-testid="my-token"' in client.get("/account/sessions").get_data(as_text=True)
    assert _post(client, f"/account/tokens/{foreign.id}/revoke", {}, "/account/sessions").status_code == 404
    assert _post(client, f"/account/tokens/{token.id}/revoke", {}, "/account/sessions").status_code == 302
    headers = {"Authorization": f"Bearer {raw}"}
    assert app.test_client().get("/api/tasks", headers=headers).status_code == 401


def test_the_profile_keeps_a_bad_phone_number_on_the_page(client):
    login(client, "370102")
    response = _post(client, "/account", {"display_name": "历下区民政局", "phone": "??"}, page="/account")
    assert response.status_code == 422 and 'value="??"' in response.get_data(as_text=True)
    ok = _post(
        client, "/account", {"display_name": "历下区民政局办公室", "phone": "0531-1234567"}, "/account"
    )
    assert ok.status_code == 302


def test_auditors_read_the_administrative_change_log(client, app, world):
    login(client, "admin")
    unit = world.user("370102").org_id
    assert _post(client, f"/admin/units/{unit}/name", {"name": "历下新区"}, "/admin/units").status_code == 302
    assert db.session.scalar(select(AdminChange.kind)) == "unit_renamed"
    auditor = _browser(app, "auditor")
    page = auditor.get("/audit/admin-changes").get_data(as_text=True)
    assert "单位更名" in page and "历下区" in page and "历下新区" in page and "系统管理员" in page
    county = _browser(app, "370102")
    assert county.get("/audit/admin-changes").status_code == 403


def test_the_api_lists_administrative_changes_for_auditors_only(api, world):
    users.set_active(world.user("admin"), world.user("370202").id, False)
    response = api.get("auditor", "/api/admin-changes?kind=user_deactivated")
    assert response.status_code == 200 and "X-Next-After" not in response.headers
    assert [(c["actor"], c["kind"], c["before"], c["after"]) for c in response.get_json()] == [
        ("admin", "user_deactivated", {"active": True}, {"active": False})
    ]
    assert api.get("auditor", "/api/admin-changes?kind=unknown").status_code == 422
    assert api.get("370102", "/api/admin-changes").status_code == 403


def test_a_refused_rename_shows_the_list_again_with_its_message_and_links(client, world):
    """The list is drawn again at the form's address: its sort and pager links still lead to the list."""
    login(client, "admin")
    unit = world.user("370102").org_id
    before = rows_of("organisations", "admin_changes")
    refused = _post(client, f"/admin/units/{unit}/name?q=3701&sort=code", {"name": "  "}, "/admin/units")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "单位名称为 1–64 个字符" in html and 'data-testid="unit-370102"' in html
    assert 'href="/admin/units?q=3701&amp;sort=code&amp;order=desc"' in html
    assert rows_of("organisations", "admin_changes") == before
