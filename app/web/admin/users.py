"""The administrator's pages for accounts: list, create, edit, (de)activate, reset, import."""

from __future__ import annotations

import io

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...forms import GUIDING_COMMITTEES
from ...roles import Role
from ...services.administration import units, user_import, users
from ...services.administration.access import require_admin
from ...services.administration.users import UserFields
from ...services.errors import ValidationFailed
from ...services.reading.application_form import COMMITTEE_LABELS
from ..paging import page_request
from . import bp

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _fields_from_form() -> UserFields:
    form = request.form
    return UserFields(
        form.get("username", ""),
        form.get("display_name", ""),
        form.get("unit", ""),
        form.getlist("roles"),
        form.get("committee", ""),
        form.get("title", ""),
        form.get("email", ""),
        form.get("phone", ""),
    )


def _form_page(fields: UserFields, errors: list, user=None, status: int = 200):
    """The account form, with what was typed and each problem beside its field."""
    return render_template(
        "admin/user_form.html",
        fields=fields,
        user=user,
        errors={e.field: e.message for e in errors},
        roles=list(Role),
        committees=[(c, str(COMMITTEE_LABELS[c])) for c in GUIDING_COMMITTEES],
        unit_choices=units.unit_choices(current_user, keep=fields.unit),
    ), status


@bp.get("/users")
@login_required
def user_list():
    search = request.args.get("q", "")
    query = page_request(users.USER_SORTS)
    page = users.users_page(current_user, search, query)
    return render_template("admin/users.html", page=page, query=query, search=search)


@bp.route("/users/new", methods=["GET", "POST"])
@login_required
def user_new():
    fields = _fields_from_form() if request.method == "POST" else UserFields()
    if request.method == "GET":
        return _form_page(fields, [])
    try:
        user = users.create_user(current_user, fields, request.form.get("password", ""))
    except ValidationFailed as exc:
        return _form_page(fields, exc.errors, status=422)
    message = _(
        "Account %(name)s created; its owner chooses a password at the first sign-in.", name=user.username
    )
    flash(message, "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@login_required
def user_edit(user_id: int):
    user = users.managed_user(current_user, user_id)
    if request.method == "GET":
        return _form_page(UserFields.of(user), [], user)
    fields = _fields_from_form()
    try:
        users.update_user(current_user, user_id, fields)
    except ValidationFailed as exc:
        fields.username = user.username
        return _form_page(fields, exc.errors, user, status=422)
    flash(_("Saved."), "success")
    return redirect(url_for("admin.user_edit", user_id=user_id))


@bp.post("/users/<int:user_id>/active")
@login_required
def user_active(user_id: int):
    active = request.form.get("active") == "1"
    user = users.set_active(current_user, user_id, active)
    if active:
        flash(_("%(name)s can sign in again.", name=user.username), "success")
    else:
        flash(_("%(name)s is deactivated and signed out.", name=user.username), "success")
    return redirect(url_for("admin.user_edit", user_id=user_id))


@bp.post("/users/<int:user_id>/password")
@login_required
def user_password(user_id: int):
    user = users.managed_user(current_user, user_id)
    try:
        users.reset_password(current_user, user_id, request.form.get("password", ""))
    except ValidationFailed as exc:
        return _form_page(UserFields.of(user), exc.errors, user, status=422)
    message = _("Password reset: %(name)s must choose a new one at the next sign-in.", name=user.username)
    flash(message, "success")
    return redirect(url_for("admin.user_edit", user_id=user_id))


@bp.route("/users/import", methods=["GET", "POST"])
@login_required
def user_import_page():
    report, errors = None, []
    if request.method == "POST":
        upload = request.files.get("file")
        try:
            report = user_import.import_users(current_user, upload.read() if upload else b"")
        except ValidationFailed as exc:
            errors = exc.errors
        else:
            if report.created:
                flash(_("%(count)d account(s) imported.", count=len(report.created)), "success")
    else:
        require_admin(current_user)
    status = 422 if errors or (report and report.problems) else 200
    return render_template("admin/import.html", report=report, errors=errors), status


@bp.get("/users/import/template.xlsx")
@login_required
def user_import_template():
    return send_file(
        io.BytesIO(user_import.template(current_user)),
        mimetype=XLSX,
        as_attachment=True,
        download_name="users.xlsx",
    )
