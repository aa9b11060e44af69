"""Signing in through the real login form (with its CSRF token) in Flask's test client."""

from __future__ import annotations

import re

from .conftest import PASSWORD


def csrf_token(page_html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page_html) or re.search(
        r'name="csrf_token" value="([^"]+)"', page_html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


def login(client, username: str, password: str = PASSWORD):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})
