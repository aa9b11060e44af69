"""A live server and Debian's Chromium driven by Playwright (no downloaded browser)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app import create_app
from app.config import TestConfig
from app.extensions import db

from ..conftest import START
from ..live_server import Gunicorn
from ..shared_clock import SharedClock

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
# Several gunicorn workers, as `scripts/run` starts them: each request may land in another process.
WEB_WORKERS = int(os.environ.get("BROWSER_WEB_WORKERS", "3"))


@pytest.fixture
def clock(tmp_path):
    """The test's clock, published to the server processes (they read it from a file)."""
    return SharedClock(START, tmp_path / "clock")


@pytest.fixture
def live_server(template_db, tmp_path, clock):
    """gunicorn with several workers on 127.0.0.1, on its own copy of the template database.

    Yields (base_url, app): ``app`` is an in-process app on the same database and clock, for the
    test to build its world and read results; the browser only ever talks to gunicorn.
    """
    with template_db.copy(tmp_path, "live") as database:
        server = Gunicorn(database, clock.path, WEB_WORKERS, tmp_path / "gunicorn.log")
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database, CLOCK=clock)
        try:
            yield server.start(), app
        finally:
            server.stop()
            with app.app_context():
                db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Debian's chromium is missing at {CHROMIUM}: scripts/test installs it with apt-get")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-gpu",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page; the test fails if the Content-Security-Policy refused anything on it."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    refused = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None,
    )
    yield page
    context.close()
    assert not refused, refused


def sign_in(page, base_url: str, username: str, password: str = "test-pass") -> None:
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit].primary")
    # Each role lands where its work is (the inbox, the workbench, the audit area...).
    page.wait_for_url(lambda url: not url.startswith(f"{base_url}/login"))


def sign_out(page) -> None:
    """Sign out as a user would: on a phone the button is in the header's folded menu."""
    menu = page.locator("[data-testid=menu-toggle]")
    if menu.is_visible() and menu.get_attribute("aria-expanded") != "true":
        menu.click()
    page.click("text=退出")
    page.wait_for_url("**/login*")


def open_task(page, link) -> None:
    """Follow an inbox link to its task and wait for the task page: what is read next is that page,
    never the inbox still on screen while the browser navigates."""
    link.click()
    page.wait_for_url("**/tasks/**")


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
