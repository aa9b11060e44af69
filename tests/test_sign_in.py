"""Signing in and out: server-side sessions, new passwords, lockout, rate limits, timing."""

from __future__ import annotations

import socket
import statistics
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app import create_app
from app.config import TestConfig
from app.extensions import db, limiter
from app.models import ApiToken, LoginSession
from app.services.accounts import credentials as accounts
from app.services.accounts.credentials import AuthenticationFailed
from app.services.audit import security_log
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


# Lockout per username and limit per address ---------------------------------------------------------


def _attempts(client, username: str, password: str, times: int) -> list[int]:
    return [login(client, username, password).status_code for _ in range(times)]


def test_a_username_is_locked_after_five_failures_until_the_wait_is_over(client, clock):
    assert _attempts(client, "370102", "wrong", 4) == [401] * 4
    locked = login(client, "370102", "wrong")
    assert locked.status_code == 429 and locked.headers["Retry-After"] == "900"
    assert "该用户名登录失败次数过多，请在 15分钟后重试。" in locked.get_data(as_text=True)
    right_password = login(client, "370102")
    assert right_password.status_code == 429, "a locked username refuses even the right password"

    clock.advance(timedelta(minutes=10))
    assert login(client, "370102").headers["Retry-After"] == "300"
    clock.advance(timedelta(minutes=5, seconds=1))
    assert login(client, "370102").status_code == 302
    kinds = [e.kind for e in security_log.recent()]
    assert kinds.count("account_locked") == 1 and "refused_locked" in kinds


def test_after_a_lockout_the_full_number_of_attempts_is_given_again(client, clock):
    _attempts(client, "370102", "wrong", 5)
    clock.advance(timedelta(minutes=15, seconds=1))
    assert _attempts(client, "370102", "wrong", 4) == [401] * 4
    assert login(client, "370102", "wrong").status_code == 429


def test_a_lockout_does_not_tell_whether_the_username_exists(client):
    def answers(username: str) -> list[tuple[int, str | None, str]]:
        responses = [login(client, username, "wrong") for _ in range(6)]
        return [
            (r.status_code, r.headers.get("Retry-After"), r.get_data(as_text=True).replace(username, "NAME"))
            for r in responses
        ]

    assert answers("370102") == answers("no-such-user")


def test_the_api_token_endpoint_shares_the_lockout_and_answers_429_with_retry_after(client):
    for _ in range(4):
        assert client.post("/api/tokens", json={"username": "370102", "password": "x"}).status_code == 401
    assert client.post("/api/tokens", json={"username": "370102", "password": "x"}).status_code == 429
    refused = client.post("/api/tokens", json={"username": "370102", "password": PASSWORD})
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "900"
    assert "15分钟" in refused.get_json()["message"]
    assert login(client, "370102").status_code == 429, "the web form sees the same lock"


def test_too_many_failures_from_one_address_are_refused_for_the_window(app, client, clock):
    app.config["SIGN_IN_ADDRESS_LIMIT"] = "3 per 10 minutes"
    assert [login(client, name, "wrong").status_code for name in ("a", "b", "c")] == [401] * 3
    refused = login(client, "370102")
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "600"
    assert "您所在网络地址的登录失败次数过多，请在 10分钟后重试。" in refused.get_data(as_text=True)
    api_refused = client.post("/api/tokens", json={"username": "370102", "password": PASSWORD})
    assert api_refused.status_code == 429 and "10分钟" in api_refused.get_json()["message"]
    other_address = app.test_client()
    other_address.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    with app.app_context():
        assert login(other_address, "370102").status_code == 302

    clock.advance(timedelta(minutes=4))
    assert login(client, "370102").headers["Retry-After"] == "360"
    clock.advance(timedelta(minutes=6))
    assert login(client, "370102").status_code == 302
    assert security_log.recent("refused_rate_limited")[0].ip == "127.0.0.1"


def test_successful_sign_ins_do_not_use_up_the_address_limit(app, client):
    app.config["SIGN_IN_ADDRESS_LIMIT"] = "2 per 10 minutes"
    assert [login(client, name).status_code for name in ("370102", "370202", "370302")] == [302] * 3


_OTHER_WORKER = """
import sys
from datetime import datetime
from app import create_app
from app.clock import FrozenClock
from app.config import TestConfig
from tests.web_helpers import login
clock = FrozenClock(datetime.fromisoformat(sys.argv[2]))
limit = "3 per 10 minutes"
app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=sys.argv[1], CLOCK=clock, SIGN_IN_ADDRESS_LIMIT=limit)
client = app.test_client()
with app.app_context():
    print([login(client, name, "wrong").status_code for name in ("a", "b")])
"""


def test_the_address_limit_is_shared_by_every_worker_through_the_database(app, client, clock):
    """Another process (a second gunicorn worker) on the same database counts into the same limit."""
    app.config["SIGN_IN_ADDRESS_LIMIT"] = "3 per 10 minutes"
    other = subprocess.run(
        [sys.executable, "-c", _OTHER_WORKER, app.config["SQLALCHEMY_DATABASE_URI"], clock.now().isoformat()],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent.parent,
        check=True,
    )
    assert other.stdout.strip() == "[401, 401]", other.stderr
    assert login(client, "c", "wrong").status_code == 401
    assert login(client, "370102").status_code == 429


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_answers(), reason="no Redis at 127.0.0.1:6379")
def test_the_address_limit_keeps_its_counters_in_redis_when_configured(database_url):
    app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=database_url,
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/13",
        RATELIMIT_KEY_PREFIX=f"sdzones-test-{uuid.uuid4().hex}",
        SIGN_IN_ADDRESS_LIMIT="2 per 10 minutes",
    )
    client = app.test_client()
    with app.app_context():
        assert [login(client, name, "wrong").status_code for name in ("a", "b")] == [401, 401]
        refused = login(client, "370102")
        assert refused.status_code == 429 and 590 <= int(refused.headers["Retry-After"]) <= 600
        limiter.reset()  # the limiter's own hook instead of waiting ten minutes
        assert login(client, "370102").status_code == 302
        db.session.remove()
        db.engine.dispose()


def test_an_unreachable_limit_store_does_not_stop_sign_in_and_the_lockout_still_holds(database_url):
    app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=database_url,
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0",  # nothing listens there
    )
    client = app.test_client()
    with app.app_context():
        assert login(client, "370102").status_code == 302
        assert [login(client, "370202", "wrong").status_code for _ in range(5)] == [401] * 4 + [429]
        db.session.remove()
        db.engine.dispose()
