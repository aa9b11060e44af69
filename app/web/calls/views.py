from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...clock import PROGRAMME_TZ
from ...roles import Role
from ...services.errors import ServiceError
from ...services.lifecycle import calls
from ...services.reading import reference_text
from ..paging import after_id
from . import bp
from .forms import OpenCallForm


@bp.route("", methods=["GET", "POST"])
@login_required
def index():
    form = OpenCallForm()
    is_province = Role.PROVINCE in current_user.roles
    error, status = None, 200
    if is_province and form.validate_on_submit():
        try:
            call = calls.open_call(
                current_user,
                form.name.data,
                form.year.data,
                form.deadline.data.replace(tzinfo=PROGRAMME_TZ),
                name_en=form.name_en.data,
            )
        except ServiceError as exc:
            error, status = exc.message, exc.status
        else:
            flash(_('Call "%(name)s" opened.', name=reference_text.call_name(call)), "success")
            return redirect(url_for("calls.index"))
    elif form.is_submitted() and not is_province:
        error, status = _("Only the provincial department can open a call."), 403
    return render_template(
        "calls/index.html",
        page=calls.calls_page(after_id()),
        form=form,
        is_province=is_province,
        error=error,
        tz=PROGRAMME_TZ,
    ), status
