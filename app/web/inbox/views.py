from __future__ import annotations

import json

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ... import clock
from ...forms import decode_submission, render_form
from ...roles import Landing, landing_for
from ...services.accounts import delegations
from ...services.errors import Conflict, RuleViolation, ValidationFailed
from ...services.lifecycle import applications, batch, calls, claims, tasks
from ...services.lifecycle.attachments import file_fields
from ...services.reading import application_content, done_tasks, history_view, inbox, queries, returns
from ...services.similarity import similarity_findings
from ..paging import after_id
from . import bp

LANDING_PAGES = {
    Landing.INBOX: "inbox.index",
    Landing.GUIDED_APPLICATIONS: "instances.index",
    Landing.WORKBENCH: "modeler.index",
    Landing.AUDIT: "audit.index",
    Landing.ADMINISTRATION: "admin.index",
}


@bp.get("/")
@login_required
def home():
    """Each role lands where its work is (sign-in and the brand link come here)."""
    return redirect(url_for(LANDING_PAGES[landing_for(current_user.roles)]))


@bp.get("/inbox")
@login_required
def index():
    query = inbox.InboxQuery(
        phase=request.args.get("phase") or None,
        call=request.args.get("call", type=int),
        sort=request.args.get("sort", "due"),
        order=request.args.get("order", "asc"),
        after=request.args.get("after") or None,
        limit=request.args.get("limit", type=int),
    ).normalised()
    page = inbox.inbox_page(current_user, query)
    return render_template(
        "inbox/index.html",
        page=page,
        claim_views=claims.claim_views(current_user, page.items),
        may_delegate=bool(delegations.colleagues(current_user)),
        query=query,
        phases=queries.lifecycle_phases(),
        calls=calls.filter_calls(query.call),
        # A county with nothing to do is shown what it can start.
        open_calls=applications.open_calls_for(current_user) if not page.items else [],
        returned=returns.return_marks(page.items, current_user, str(get_locale())),
        batch_work=batch.has_batch_work(current_user),
        now=clock.now(),
    )


@bp.get("/inbox/done")
@login_required
def done():
    """已办: what the user or their unit has done, newest first, filterable like the inbox, by pages."""
    query = done_tasks.DoneQuery(
        sort=request.args.get("sort", "newest"),
        phase=request.args.get("phase") or None,
        after=after_id(),
        limit=request.args.get("limit", type=int),
    ).normalised()
    return render_template(
        "inbox/done.html",
        page=done_tasks.done_page(current_user, query, str(get_locale())),
        query=query,
        phases=done_tasks.done_phases(current_user),
        batch_work=batch.has_batch_work(current_user),
    )


def _render_batch(outcome: batch.BatchOutcome | None = None, typed: dict | None = None, status: int = 200):
    """批量办理: each batch form once with the applications it may go to, and the late tasks to remind.

    After a submission the page reports what was done and what failed (by application), keeps what
    was typed and leaves the failed applications ticked, so the user corrects and tries again.
    """
    locale = str(get_locale())
    typed = typed or {}
    groups = [
        (
            group,
            render_form(
                group.form,
                typed.get(group.form.name, {}),
                outcome.errors if outcome and typed.get(group.form.name) is not None else [],
                locale=locale,
                choices=group.choices,
            ),
        )
        for group in batch.batch_groups(current_user)
    ]
    return (
        render_template(
            "inbox/batch.html",
            groups=groups,
            late=batch.late_tasks(current_user),
            outcome=outcome,
            ticked=set(request.form.getlist("task_id")) if outcome else set(),
            batch_work=True,
            now=clock.now(),
        ),
        status,
    )


@bp.get("/inbox/batch")
@login_required
def batch_page():
    return _render_batch()


@bp.post("/inbox/batch/forms/<form_name>")
@login_required
def batch_submit(form_name: str):
    group = batch.batch_group(current_user, form_name)
    data = decode_submission(group.form, request.form)
    task_ids = request.form.getlist("task_id")
    if not task_ids:
        flash(_("Choose at least one application."), "error")
        return _render_batch(batch.BatchOutcome(), {form_name: data}, 422)
    outcome = batch.complete_many(current_user, form_name, task_ids, data)
    if outcome.failed:
        return _render_batch(outcome, {form_name: data}, 200 if outcome.done else 422)
    flash(_("Done for %(n)s application(s).", n=len(outcome.done)), "success")
    return redirect(url_for("inbox.batch_page"))


@bp.post("/inbox/batch/remind")
@login_required
def batch_remind():
    task_ids = request.form.getlist("task_id")
    if not task_ids:
        flash(_("Choose at least one late task."), "error")
        return _render_batch(batch.BatchOutcome(), status=422)
    try:
        outcome = batch.remind_many(current_user, task_ids, request.form.get("message"))
    except ValidationFailed as exc:
        flash(exc.message, "error")
        return _render_batch(batch.BatchOutcome(), status=422)
    if outcome.failed:
        return _render_batch(outcome, status=200 if outcome.done else 422)
    flash(_("Reminder sent for %(n)s task(s).", n=len(outcome.done)), "success")
    return redirect(url_for("inbox.batch_page"))


def _render_task(ctx: tasks.TaskContext, values: dict, errors: list, status: int = 200):
    locale = str(get_locale())
    form_html = render_form(ctx.form, values, errors, locale=locale, choices=ctx.choices)
    opinions = history_view.opinions(ctx.instance, current_user, locale)
    reading = (
        application_content.content_for_task(ctx.task, current_user, locale)
        if application_content.judges_application(ctx.task)
        else None
    )
    return (
        render_template(
            "inbox/task.html",
            ctx=ctx,
            form_html=form_html,
            errors=errors,
            opinions=opinions,
            reading=reading,
            claim=claims.claim_view(current_user, ctx.task),
            similarity=similarity_findings(current_user, ctx.instance),
            now=clock.now(),
        ),
        status,
    )


@bp.get("/tasks/<task_id>")
@login_required
def task(task_id: str):
    ctx = tasks.task_context(current_user, task_id)
    return _render_task(ctx, ctx.values, [])


@bp.post("/tasks/<task_id>")
@login_required
def submit(task_id: str):
    task, form = tasks.task_form(current_user, task_id)
    try:
        return _submit(task, form)
    except claims.HeldByOther as exc:  # another member holds the task: say who, keep what was typed
        flash(exc.message, "error")
        data = decode_submission(form, request.form.copy())
        return _render_task(tasks.task_context(current_user, task_id), data, [], 409)


def _submit(task, form):
    """Upload the files, then save the draft or complete the task, as the pressed button says."""
    task_id = task.id
    formdata = request.form.copy()
    try:
        for field in file_fields(form):
            upload = request.files.get(field + "__upload")
            if upload and upload.filename:
                ref = tasks.upload_file(current_user, task_id, field, upload.filename, upload.stream)
                formdata[field] = json.dumps(ref)
    except ValidationFailed as exc:
        data = decode_submission(form, formdata)
        return _render_task(tasks.task_context(current_user, task_id), data, exc.errors, 422)
    data = decode_submission(form, formdata)
    if request.form.get("action") == "draft":
        try:
            tasks.save_draft(current_user, task_id, data)
        except ValidationFailed as exc:
            return _render_task(tasks.task_context(current_user, task_id), data, exc.errors, 422)
        flash(_("Draft saved. Nothing has been submitted yet."), "info")
        return redirect(url_for("inbox.task", task_id=task_id))
    instance_id = task.instance_id
    try:
        instance = tasks.complete_task(current_user, task_id, data)
    except ValidationFailed as exc:
        return _render_task(tasks.task_context(current_user, task_id), data, exc.errors, 422)
    except claims.HeldByOther:
        raise  # answered by ``submit`` with the form as typed
    except Conflict as exc:
        flash(exc.message, "error")
        return redirect(url_for("inbox.index"))
    except RuleViolation as exc:  # e.g. the deadline passed while the form was open
        flash(exc.message, "error")
        return redirect(url_for("instances.detail", instance_id=instance_id))
    flash(_("Submitted: %(task)s.", task=task.name), "success")
    return redirect(url_for("instances.detail", instance_id=instance.id))
