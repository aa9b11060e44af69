"""Security headers on every kind of response, cookie flags, and the client address behind a proxy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app import create_app
from app.config import TestConfig
from app.extensions import db
from app.services.audit import security_log
from app.services.workbench import drafts as workbench

from .web_helpers import login

TEMPLATES = Path(__file__).resolve().parent.parent / "app" / "templates"


def _policy(response) -> dict[str, str]:
    directives = (
        part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";")
    )
    return {name: value for name, value in directives}


def _assert_hardened(response) -> None:
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert _policy(response)["frame-ancestors"] == "'none'"


def test_every_kind_of_response_carries_the_security_headers(client, api, world):
    instance = world.start("370102")
    responses = {
        "page": client.get("/login"),
        "static": client.get("/static/css/app.css"),
        "vendor": client.get("/vendor/bpmn-js/bpmn-navigated-viewer.production.min.js"),
        "not found": client.get("/no-such-page"),
        "api": api.get("370102", "/api/tasks"),
        "api error": client.get("/api/tasks"),
    }
    login(client, "370102")
    responses["pdf"] = client.get(f"/applications/{instance.id}/form.pdf")
    for what, response in responses.items():
        assert response.status_code < 500, what
        _assert_hardened(response)
    assert responses["pdf"].mimetype == "application/pdf"


def test_the_page_policy_allows_no_inline_script_but_the_pages_own_nonce(client, world):
    owner = world.user("owner")
    draft = workbench.create_draft(owner, "CSP")
    login(client, "owner")
    page = client.get(f"/modeler/drafts/{draft.id}")
    policy = _policy(page)
    assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
    assert "unsafe-inline" not in policy["script-src"] and "unsafe-eval" not in policy["script-src"]
    nonce = re.search(r"'nonce-([^']+)'", policy["script-src"]).group(1)
    inline = re.findall(
        r"<script(?![^>]*\bsrc=)(?![^>]*application/json)([^>]*)>", page.get_data(as_text=True)
    )
    assert inline and all(f'nonce="{nonce}"' in attributes for attributes in inline)
    assert nonce not in _policy(client.get(f"/modeler/drafts/{draft.id}"))["script-src"], (
        "a new nonce each time"
    )


def test_no_template_has_an_inline_event_handler_or_a_script_without_the_nonce():
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"\son[a-z]+=", text), template
        for attributes in re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", text):
            assert "application/json" in attributes or "csp_nonce()" in attributes, template


def test_the_session_cookie_is_httponly_and_samesite_lax(client):
    response = login(client, "370102")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


@pytest.fixture
def https_app(database_url):
    app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=database_url,
        PREFERRED_URL_SCHEME="https",
        TRUSTED_PROXIES=1,
    )
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_behind_an_https_proxy_the_cookie_is_secure_and_the_client_address_is_the_forwarded_one(https_app):
    client = https_app.test_client()
    client.environ_base.update(
        {
            "HTTP_X_FORWARDED_FOR": "203.0.113.7",
            "HTTP_X_FORWARDED_PROTO": "https",
            "REMOTE_ADDR": "10.0.0.2",
            "HTTP_REFERER": "https://localhost/login",  # Flask-WTF's CSRF check over HTTPS wants it
        }
    )
    response = login(client, "370102", "wrong")
    assert response.status_code == 401
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert security_log.recent("sign_in_failed")[0].ip == "203.0.113.7"
    response = login(client, "370102")
    assert "Secure" in response.headers["Set-Cookie"]


def test_without_a_trusted_proxy_a_forwarded_address_is_ignored(client):
    client.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.7"
    login(client, "370102", "wrong")
    assert security_log.recent("sign_in_failed")[0].ip == "127.0.0.1"
