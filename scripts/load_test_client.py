"""The load test's HTTP client: one keep-alive connection to gunicorn with its cookies, signing in through
the form and calling the API with a token."""

from __future__ import annotations

import http.client
import json
import re
import urllib.parse
from dataclasses import dataclass

from load_test_world import PASSWORD


@dataclass
class Answer:
    status: int
    body: bytes
    cookies: dict[str, str]
    location: str


class Client:
    """One connection's worth of HTTP/1.1 to the server (reopened when gunicorn closes it)."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers=None) -> Answer:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
        except (http.client.HTTPException, OSError):
            self.connection.close()
            raise
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return Answer(response.status, data, self.cookies, response.getheader("Location", ""))

    def sign_in(self, username: str) -> None:
        page = self.request("GET", "/login").body.decode()
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert csrf, "no CSRF token on the sign-in page"
        form = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrf_token": csrf[1]})
        answer = self.request(
            "POST", "/login", form.encode(), {"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert answer.status == 302, f"{username} could not sign in ({answer.status})"

    def api(self, method: str, path: str, token: str, payload: dict | None = None) -> Answer:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        body = json.dumps(payload).encode() if payload is not None else None
        return self.request(method, path, body, headers)
