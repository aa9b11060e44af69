from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...services.accounts import credentials, self_service
from ...services.accounts.passwords import MIN_PASSWORD_LENGTH
from ...services.errors import ValidationFailed
from ..auth.views import SESSION_KEY
from . import bp

# What a user whose password an administrator set may still reach: the change itself, signing out,
# the language switch and the files the page needs.
_BEFORE_CHANGE = frozenset({"account.password", "auth.logout", "auth.language", "static"})


@bp.before_app_request
def _password_first():
    """`must_change_password` sends every page to the change form until the user chose their own."""
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint not in _BEFORE_CHANGE
        and not request.path.startswith("/api/")
    ):
        return redirect(url_for("account.password"))
    return None


@bp.route("", methods=["GET", "POST"])
@login_required
def profile():
    errors: list = []
    name, phone = current_user.display_name, current_user.phone or ""
    if request.method == "POST":
        name, phone = request.form.get("display_name", ""), request.form.get("phone", "")
        try:
            self_service.update_profile(current_user, name, phone)
        except ValidationFailed as exc:
            errors = exc.errors
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("account.profile"))
    return render_template(
        "account/profile.html", name=name, phone=phone, errors={e.field: e.message for e in errors}
    ), (422 if errors else 200)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    errors: list = []
    if request.method == "POST":
        form = request.form
        try:
            credentials.change_own_password(
                current_user,
                form.get("current_password", ""),
                form.get("new_password", ""),
                form.get("repeated_password", ""),
                keep_session=session.get(SESSION_KEY),
            )
        except ValidationFailed as exc:
            errors = exc.errors
        else:
            flash(_("Your password is changed; your other sessions and API tokens have ended."), "success")
            return redirect(url_for("account.profile"))
    return render_template(
        "account/password.html",
        errors={e.field: e.message for e in errors},
        min_length=MIN_PASSWORD_LENGTH,
        forced=current_user.must_change_password,
    ), (422 if errors else 200)


@bp.get("/sessions")
@login_required
def sessions():
    current_key = session.get(SESSION_KEY)
    return render_template(
        "account/sessions.html",
        sessions=[
            (row, self_service.is_current(row, current_key))
            for row in self_service.open_sessions(current_user)
        ],
        tokens=self_service.valid_tokens(current_user),
    )


@bp.post("/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    self_service.end_own_session(current_user, session_id)
    flash(_("That session has ended."), "success")
    return redirect(url_for("account.sessions"))


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    self_service.revoke_own_token(current_user, token_id)
    flash(_("The API token is revoked."), "success")
    return redirect(url_for("account.sessions"))
