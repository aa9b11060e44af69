"""Signing in and out: server-side sessions, new passwords, lockout, rate limits, timing."""

from __future__ import annotations

import statistics
import time

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ApiToken, LoginSession
from app.services import accounts, security_log
from app.services.accounts import AuthenticationFailed
from app.services.errors import ValidationFailed

from .conftest import PASSWORD
from .web_helpers import csrf_token, login


def _sign_out(client) -> None:
    token = csrf_token(client.get("/inbox").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302


# Sessions end on the server ------------------------------------------------------------------------


def test_a_cookie_copied_before_sign_out_is_refused_afterwards(client):
    login(client, "370102")
    assert client.get("/inbox").status_code == 200
    copied = client.get_cookie("session").value
    _sign_out(client)
    client.set_cookie("session", copied)
    response = client.get("/inbox")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def _browser(app, username: str):
    """A second browser, signed in within its own app context (Flask-WTF keeps the CSRF token in g)."""
    browser = app.test_client()
    with app.app_context():
        assert login(browser, username).status_code == 302
    return browser


def test_signing_out_ends_only_that_browsers_session(app, client):
    login(client, "370102")
    other = _browser(app, "370102")
    _sign_out(client)
    assert client.get("/inbox").status_code == 302
    assert other.get("/inbox").status_code == 200


def test_a_new_password_ends_every_session_and_token_of_that_user(app, world, api):
    browser, other_user = _browser(app, "370102"), _browser(app, "370202")
    token = api.token("370102")
    assert api.get("370102", "/api/tasks").status_code == 200

    changed = accounts.set_password(world.user("370102"), "a-new-secret")

    assert changed == (1, 1)
    assert browser.get("/inbox").status_code == 302
    assert api.get("370102", "/api/tasks").status_code == 401
    assert other_user.get("/inbox").status_code == 200, "another user's session is untouched"
    assert db.session.scalar(select(ApiToken)).revoked_at is not None
    with app.app_context():
        assert login(browser, "370102", PASSWORD).status_code == 401
        assert login(browser, "370102", "a-new-secret").status_code == 302
    assert token
    assert security_log.recent("password_changed")[0].detail == {"sessions_ended": 1, "tokens_revoked": 1}


def test_a_too_short_password_is_refused_and_changes_nothing(app, world):
    user = world.user("370102")
    before = user.password_hash
    with pytest.raises(ValidationFailed) as refused:
        accounts.set_password(user, "short")
    assert refused.value.errors[0].field == "password" and "至少 8 个字符" in refused.value.message
    db.session.expire_all()
    assert world.user("370102").password_hash == before


def test_administrators_reset_a_password_from_the_command_line(app, client):
    login(client, "370102")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reset-password", "370102"], input="brand-new-pw\nbrand-new-pw\n")
    assert result.exit_code == 0, result.output
    assert "1 session(s) ended" in result.output
    assert client.get("/inbox").status_code == 302
    assert login(client, "370102", "brand-new-pw").status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(LoginSession).where(LoginSession.revoked_at.is_(None))) is not None

    unknown = runner.invoke(args=["reset-password", "nobody"], input="brand-new-pw\nbrand-new-pw\n")
    assert unknown.exit_code != 0 and "no user named 'nobody'" in unknown.output
    short = runner.invoke(args=["reset-password", "370102"], input="short\nshort\n")
    assert short.exit_code != 0


# No username enumeration -----------------------------------------------------------------------------


def test_an_unknown_username_costs_as_much_as_a_wrong_password(app):
    """Both refusals timed (before: ~5 ms against ~67 ms); generous bounds: a safety check, not a benchmark.

    Each attempt names another account, so that no lockout cuts an attempt short.
    """

    def refusal_seconds(username: str) -> float:
        start = time.perf_counter()
        with pytest.raises(AuthenticationFailed):
            accounts.authenticate(username, "not-the-password")
        return time.perf_counter() - start

    refusal_seconds("warm-up")
    known = [f"expert0{n}" for n in range(1, 9)] + ["province", "owner", "auditor"]
    wrong_password = statistics.median(refusal_seconds(name) for name in known)
    unknown_user = statistics.median(refusal_seconds(f"nobody-{n}") for n in range(len(known)))
    assert 0.5 < unknown_user / wrong_password < 2, (unknown_user, wrong_password)
