from __future__ import annotations

import difflib
import io
from dataclasses import asdict
from functools import partial
from typing import TYPE_CHECKING, Any

from flask import Response, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...forms import FormDefinitionError, load_form, render_form
from ...roles import LANE_LABELS
from ...services.errors import NotFound, ServiceError, ValidationFailed
from ...services.reading.application_form import BLOCKS
from ...services.workbench import drafts as workbench
from ...services.workbench import migration, regression
from . import bp

if TYPE_CHECKING:
    from ...models import ProcessDraft, ProcessVersion


@bp.get("")
@login_required
def index():
    return render_template(
        "modeler/index.html",
        versions=workbench.versions(current_user),
        drafts=workbench.drafts(current_user),
        users=workbench.user_names(),
    )


@bp.post("/drafts")
@login_required
def create_draft():
    try:
        created = workbench.create_draft(
            current_user, request.form.get("name", ""), request.form.get("from_version", type=int)
        )
    except ValidationFailed as exc:
        flash(exc.message, "error")
        return redirect(url_for("modeler.index"))
    return redirect(url_for("modeler.draft", draft_id=created.id))


@bp.get("/drafts/<int:draft_id>")
@login_required
def draft(draft_id: int):
    found = workbench.draft(current_user, draft_id)
    files = sorted(found.bpmn_files)
    current = request.args.get("file") or (found.main_process_id and _main_file(found)) or files[0]
    if current not in found.bpmn_files:
        raise NotFound(_("No such file in this draft."))
    return render_template(
        "modeler/draft.html",
        draft=found,
        bpmn_files=files,
        current_file=current,
        form_names=sorted(found.form_files),
        roles=list(LANE_LABELS.values()),
        form_blocks=[{"value": key, "label": str(block.label)} for key, block in BLOCKS.items()],
        load_url=url_for("modeler.draft_file", draft_id=found.id, filename=current),
        save_url=url_for("modeler.save_file", draft_id=found.id, filename=current),
        deploy_url=url_for("modeler.deploy", draft_id=found.id),
        forms_url=url_for("modeler.forms", draft_id=found.id),
    )


def _main_file(found) -> str | None:
    marker = f'id="{found.main_process_id}"'
    return next((name for name, text in sorted(found.bpmn_files.items()) if marker in text), None)


@bp.get("/drafts/<int:draft_id>/files/<filename>")
@login_required
def draft_file(draft_id: int, filename: str):
    found = workbench.draft(current_user, draft_id)
    content = {**found.bpmn_files, **found.form_files}.get(filename)
    if content is None:
        raise NotFound(_("No such file in this draft."))
    mimetype = "application/xml" if filename.endswith(".bpmn") else "application/json"
    return Response(content, mimetype=mimetype)


def _problems_json(problems) -> list[dict]:
    return [asdict(p) for p in problems]


@bp.put("/drafts/<int:draft_id>/files/<filename>")
@login_required
def save_file(draft_id: int, filename: str):
    """Save one file (JSON body {"content": text}); answers the draft's problems, or 422 if refused."""
    body = request.get_json(silent=True)
    content = body.get("content") if isinstance(body, dict) else None
    try:
        problems = workbench.save_file(current_user, draft_id, filename, content)
    except workbench.FileRefused as exc:
        return jsonify({"message": exc.message, "problems": _problems_json(exc.problems)}), 422
    return jsonify({"message": _("Saved."), "problems": _problems_json(problems)})


@bp.get("/drafts/<int:draft_id>/forms")
@login_required
def forms(draft_id: int):
    found = workbench.draft(current_user, draft_id)
    problems = [p for p in workbench.check(found) if p.file.endswith(".json") or p.rule == "form-exists"]
    return render_template(
        "modeler/forms.html", draft=found, form_names=sorted(found.form_files), problems=problems
    )


@bp.get("/drafts/<int:draft_id>/forms/<name>")
@login_required
def form_editor(draft_id: int, name: str):
    found = workbench.draft(current_user, draft_id)
    content = found.form_files.get(name)
    if content is None:
        if not name.endswith(".json"):
            raise NotFound(_("No such file in this draft."))
        content = _NEW_FORM
    return render_template(
        "modeler/form_editor.html",
        draft=found,
        name=name,
        content=content,
        preview=_preview(name, content),
        save_url=url_for("modeler.save_file", draft_id=found.id, filename=name),
        preview_url=url_for("modeler.preview_form", draft_id=found.id, name=name),
    )


_NEW_FORM = """{
  "title": "",
  "schema": {"type": "object", "properties": {}, "required": []},
  "ui": {}
}
"""


def _preview(name: str, content: str) -> dict:
    """The form as participants would see it, rendered by their renderer; or why it cannot be."""
    try:
        form = load_form(name, content)
    except FormDefinitionError as exc:
        return {"html": "", "error": str(exc)}
    return {"html": str(render_form(form, {}, [], locale=str(get_locale()))), "error": None}


@bp.post("/drafts/<int:draft_id>/forms/<name>/preview")
@login_required
def preview_form(draft_id: int, name: str):
    workbench.draft(current_user, draft_id)
    body = request.get_json(silent=True)
    content = body.get("content") if isinstance(body, dict) else ""
    return jsonify(_preview(name, content if isinstance(content, str) else ""))


@bp.route("/drafts/<int:draft_id>/deploy", methods=["GET", "POST"])
@login_required
def deploy(draft_id: int):
    found = workbench.draft(current_user, draft_id)
    problems = workbench.check(found)
    report = regression.regression_report(found)
    note = request.form.get("note", "")
    if request.method == "POST":
        if not report.all_same and report.breach is None and request.form.get("confirm") != "yes":
            flash(
                _("Some applications would have gone differently: confirm that you deploy anyway."), "error"
            )
        else:
            try:
                deployed = workbench.deploy_draft(current_user, draft_id, note, report)
            except ServiceError as exc:
                flash(exc.message, "error")
            else:
                flash(_("Deployed as version %(n)s.", n=deployed.version), "success")
                return redirect(url_for("modeler.index"))
    return render_template(
        "modeler/deploy.html",
        draft=found,
        problems=problems,
        errors=workbench.errors_of(problems),
        report=report,
        breach=workbench.breach_refusal(report),
        note=note,
    ), (422 if request.method == "POST" else 200)


@bp.get("/versions/<int:version_id>/download")
@login_required
def download(version_id: int):
    filename, content = workbench.version_zip(current_user, version_id)
    return send_file(
        io.BytesIO(content), mimetype="application/zip", as_attachment=True, download_name=filename
    )


@bp.get("/versions/<int:version_id>/files/<filename>")
@login_required
def version_file(version_id: int, filename: str):
    found = workbench.version(current_user, version_id)
    content = found.bpmn_files.get(filename)
    if content is None:
        raise NotFound(_("No such file in this version."))
    return Response(content, mimetype="application/xml")


@bp.post("/versions/<int:version_id>/rollback")
@login_required
def rollback(version_id: int):
    try:
        deployed = workbench.roll_back(current_user, version_id, request.form.get("note", ""))
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(_("Deployed as version %(n)s.", n=deployed.version), "success")
    return redirect(url_for("modeler.index"))


@bp.get("/diff")
@login_required
def diff():
    """Two versions, or a version and a draft: the diagrams coloured, and the forms' changes."""
    old = workbench.version(current_user, request.args.get("from", type=int) or 0)
    draft_id = request.args.get("draft", type=int)
    new: ProcessDraft | ProcessVersion
    if draft_id:
        new = workbench.draft(current_user, draft_id)
        new_label = new.name
        new_url = partial(url_for, "modeler.draft_file", draft_id=new.id)
    else:
        new = workbench.version(current_user, request.args.get("to", type=int) or 0)
        new_label = f"v{new.version}"
        new_url = partial(url_for, "modeler.version_file", version_id=new.id)
    names = sorted(set(old.bpmn_files) | set(new.bpmn_files))
    files = [
        {
            "name": f,
            "old_url": url_for("modeler.version_file", version_id=old.id, filename=f)
            if f in old.bpmn_files
            else None,
            "new_url": new_url(filename=f) if f in new.bpmn_files else None,
        }
        for f in names
    ]
    return render_template(
        "modeler/diff.html",
        files=files,
        old_label=f"v{old.version}",
        new_label=new_label,
        form_changes=_form_changes(old.form_files, new.form_files),
    )


def _form_changes(old: dict[str, str], new: dict[str, str]) -> list[dict]:
    changes = []
    for name in sorted(set(old) | set(new)):
        if old.get(name) == new.get(name):
            continue
        lines = difflib.unified_diff(
            (old.get(name) or "").splitlines(),
            (new.get(name) or "").splitlines(),
            "old",
            "new",
            lineterm="",
            n=1,
        )
        status = "added" if name not in old else "removed" if name not in new else "changed"
        changes.append({"name": name, "status": status, "diff": "\n".join(list(lines)[2:])})
    return changes


@bp.route("/migration", methods=["GET", "POST"])
@login_required
def migrate():
    source = request.values.get("from", type=int) or 0
    target = request.values.get("to", type=int) or 0
    if request.method == "POST":
        chosen = [int(i) for i in request.form.getlist("instance") if i.isdigit()]
        try:
            moved = migration.migrate(current_user, chosen, target)
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("%(n)s application(s) moved.", n=len(moved)), "success")
        pair: dict[str, Any] = {"from": source, "to": target}  # "from" is a keyword: passed as a dict
        return redirect(url_for("modeler.migrate", **pair))
    checks = migration.dry_run(current_user, source, target)
    return render_template(
        "modeler/migration.html",
        checks=checks,
        source=workbench.version(current_user, source),
        target=workbench.version(current_user, target),
    )
