"""Security headers on every response (HTML, JSON, files), the CSP nonce, and running behind a proxy.

The Content-Security-Policy lets scripts come only from our origin, or be an inline block that
carries this response's nonce (the modeler's and the diff page's start-up calls, through
``csp_nonce()`` in the templates); inline event handlers are not allowed, so the templates mark
elements with data attributes that ``static/js/page.js`` wires up. Styles: our stylesheets, plus
the style attributes diagram-js writes into the markup it builds for its canvas, which is why
style-src-attr allows inline styles while style-src-elem does not. Framing is refused twice
(frame-ancestors and X-Frame-Options, for older browsers).

Served over HTTPS (``PREFERRED_URL_SCHEME=https``), the session cookie is sent over HTTPS only.

A PDF shown inline gets only ``frame-ancestors 'none'``: the browser's PDF viewer runs inside the
document, and a policy for pages could stop it from rendering.
"""

from __future__ import annotations

import secrets

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

PAGE_POLICY = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; style-src-elem 'self'; "
    "style-src-attr 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
DOCUMENT_POLICY = "frame-ancestors 'none'"
_NONCE_KEY = "sdzones.csp_nonce"

HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # Flask-WTF checks the referrer of forms sent over HTTPS
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def csp_nonce() -> str:
    """This response's nonce for an inline <script>; made on first use, kept with the request."""
    nonce = request.environ.get(_NONCE_KEY)
    if nonce is None:
        nonce = request.environ[_NONCE_KEY] = secrets.token_urlsafe(16)
    return nonce


def _add_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype == "application/pdf":
        policy = DOCUMENT_POLICY
    else:
        # A page that used no nonce still gets a fresh one: nothing inline can match it.
        policy = PAGE_POLICY.format(nonce=csp_nonce())
    response.headers.setdefault("Content-Security-Policy", policy)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def register(app: Flask) -> None:
    if app.config["PREFERRED_URL_SCHEME"] == "https":
        app.config["SESSION_COOKIE_SECURE"] = app.config["REMEMBER_COOKIE_SECURE"] = True
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        # Client address and scheme from X-Forwarded-For/-Proto, as set by that many proxies of ours:
        # the rate limits see the real client, and url_for/is_secure the https the user typed.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask's documented way to wrap it
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops
        )
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(_add_headers)
