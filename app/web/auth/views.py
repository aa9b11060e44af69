from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import login_required, login_user, logout_user

from ...services.accounts import login_sessions
from ...services.accounts.credentials import AuthenticationFailed, authenticate
from ..sign_in_limits import address_limit
from . import bp
from .forms import LoginForm

if TYPE_CHECKING:
    from ...models import User

# The key of this browser's LoginSession, inside Flask's signed session cookie.
SESSION_KEY = "login_session"


@bp.record_once
def _install_user_loader(state) -> None:
    """Flask-Login asks `load_user` who a session cookie signs in (the app's login manager)."""
    state.app.login_manager.user_loader(load_user)


def load_user(user_id: str) -> User | None:
    """The user of an open server-side session; a cookie whose session has ended signs nobody in."""
    return login_sessions.user_of_session(user_id, session.get(SESSION_KEY))


def _safe_next(target: str | None) -> str:
    """Only same-site relative redirects after sign-in."""
    if target and not urlsplit(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("inbox.home")


@bp.route("/login", methods=["GET", "POST"])
@address_limit
def login():
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user = authenticate(form.username.data, form.password.data)
        except AuthenticationFailed as exc:
            error = exc.message
        else:
            session[SESSION_KEY] = login_sessions.open_session(
                user, request.remote_addr, request.user_agent.string
            )
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form, error=error), (401 if error else 200)


@bp.post("/logout")
@login_required
def logout():
    login_sessions.end_session(session.pop(SESSION_KEY, None))
    logout_user()
    return redirect(url_for("auth.login"))


@bp.post("/language/<code>")
def language(code: str):
    if code in current_app.config["LANGUAGES"]:
        session["locale"] = code
    return redirect(_safe_next(request.form.get("next")))
