from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ... import clock
from ...forms import decode_submission, render_form
from ...scope import can_audit, can_start_application
from ...services.errors import Conflict, RuleViolation, ServiceError, ValidationFailed
from ...services.lifecycle import applications, calls, instance_actions, instance_page, reminders
from ...services.reading import application_content, history_view, progress, queries, search
from ...services.reading.application_form import application_form_for
from ...services.similarity import similarity_findings
from ...services.statistics.workbooks import applications_workbook
from .. import exports
from ..exports import xlsx_download
from ..paging import after_id
from . import bp


def _list_query() -> search.ApplicationQuery:
    """The list's search, filters, sort and page, as its URL gives them."""
    return search.ApplicationQuery(
        q=request.args.get("q"),
        city=request.args.get("city") or None,
        call=request.args.get("call", type=int),
        phase=request.args.get("phase") or None,
        theme=request.args.get("theme"),
        status=request.args.get("status") or None,
        outcome=request.args.get("outcome") or None,
        sort=request.args.get("sort", "updated"),
        order=request.args.get("order", "desc"),
        after=after_id(),
        limit=request.args.get("limit", type=int),
    ).normalised()


@bp.get("")
@login_required
def index():
    query = _list_query()
    return render_template(
        "instances/index.html",
        page=search.search_applications(current_user, query),
        query=query,
        cities=queries.cities(),
        calls=calls.filter_calls(query.call),
        phases=queries.lifecycle_phases(),
        can_start=can_start_application(current_user),
        open_calls=calls.open_calls(),
    )


@bp.get("/export.xlsx")
@login_required
def export_xlsx():
    """Every application the list's current filters match (not only one page), as Excel."""
    query = _list_query()
    filters = {k: v for k, v in request.args.items() if v and k not in ("after", "limit")}
    return xlsx_download(
        applications_workbook(current_user, query), "applications.xlsx", "applications_xlsx", filters=filters
    )


@bp.post("/new")
@login_required
def start():
    call_id = request.form.get("call_id", type=int)
    try:
        instance = applications.start_application(current_user, call_id)
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("instances.index"))
    flash(_("Application no. %(id)s started.", id=instance.id), "success")
    mine = queries.open_tasks_of(instance)
    if mine:
        return redirect(url_for("inbox.task", task_id=mine[0].id))
    return redirect(url_for("instances.detail", instance_id=instance.id))


@bp.get("/<int:instance_id>")
@login_required
def detail(instance_id: int):
    instance = queries.instance_for(current_user, instance_id)
    live = instance_page.live_view(current_user, instance)
    locale = str(get_locale())
    version = request.args.get("version", type=int)
    open_tasks = queries.open_tasks_of(instance)
    return render_template(
        "instances/detail.html",
        instance=instance,
        history=history_view.event_views(instance, current_user, locale),
        open_tasks=open_tasks,
        progress=progress.progress_of(instance, current_user, locale),
        remindable=reminders.remindable_ids(current_user, open_tasks),
        highlights=live.highlights,
        content=application_content.application_content(current_user, instance.id, locale, version),
        diagram_tabs=queries.diagram_tabs(instance),
        actions=live.actions,
        record=live.record,
        incidents=live.incidents,
        similarity=similarity_findings(current_user, instance),
        can_audit=can_audit(current_user),
        now=clock.now(),
    )


def _render_action(ctx: instance_actions.ActionForm, values: dict, errors: list, status: int = 200):
    locale = str(get_locale())
    form_html = render_form(ctx.form, values, errors, locale=locale, choices=ctx.choices)
    return render_template("instances/action.html", ctx=ctx, form_html=form_html, errors=errors), status


@bp.route("/<int:instance_id>/actions/<element_id>", methods=["GET", "POST"])
@login_required
def action(instance_id: int, element_id: str):
    """The form of something the diagram lets the user start now (a change request...), and its submission."""
    try:
        ctx = instance_actions.action_form(current_user, instance_id, element_id)
    except RuleViolation as exc:
        flash(exc.message, "error")
        return redirect(url_for("instances.detail", instance_id=instance_id))
    if request.method == "GET":
        return _render_action(ctx, {}, [])
    data = decode_submission(ctx.form, request.form)
    try:
        instance_actions.start_action(current_user, instance_id, element_id, data)
    except ValidationFailed as exc:
        return _render_action(ctx, data, exc.errors, 422)
    except (Conflict, RuleViolation) as exc:
        flash(exc.message, "error")
        return redirect(url_for("instances.detail", instance_id=instance_id))
    flash(_("Submitted: %(task)s.", task=ctx.action.name), "success")
    return redirect(url_for("instances.detail", instance_id=instance_id))


@bp.get("/<int:instance_id>/files/<int:attachment_id>")
@login_required
def attachment(instance_id: int, attachment_id: int):
    return exports.attachment_response(current_user, instance_id, attachment_id)


@bp.get("/<int:instance_id>/diagrams/<filename>")
@login_required
def diagram(instance_id: int, filename: str):
    instance = queries.instance_for(current_user, instance_id)
    xml = queries.diagram_file(instance, filename)
    if xml is None:
        abort(404)
    return Response(xml, mimetype="application/xml")


@bp.get("/<int:instance_id>/form")
@login_required
def application_form(instance_id: int):
    form = application_form_for(current_user, instance_id, str(get_locale()))
    return render_template("instances/application_form.html", form=form)


@bp.get("/<int:instance_id>/form.pdf")
@login_required
def application_form_pdf(instance_id: int):
    pdf = exports.application_form_pdf(current_user, instance_id, str(get_locale()))
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="application-{instance_id}.pdf"'},
    )


@bp.post("/<int:instance_id>/tasks/<task_id>/remind")
@login_required
def remind(instance_id: int, task_id: str):
    """催办: remind whoever holds a pending task of this application, with an optional message."""
    try:
        task = reminders.remind(current_user, task_id, request.form.get("message"))
    except ValidationFailed as exc:
        flash(exc.message, "error")
    else:
        flash(_("Reminder sent: %(task)s.", task=task.name), "success")
    return redirect(url_for("instances.detail", instance_id=instance_id))
