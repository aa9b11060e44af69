"""The process owner's drafts and versions: edit, check, deploy, roll back, download.

Only process owners and administrators reach any of this (``scope.can_model``). A draft is a
working copy of every diagram and form; saving stores a file only if it is safe, well-formed
(diagrams) or valid JSON (forms) — anything else is refused and nothing changes — and reports the
draft's remaining problems; deploying requires no errors, no code of the draft stopped at a hard
limit while replaying the recorded applications and, when the replay found different paths, an
explicit confirmation.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ... import clock
from ...extensions import db
from ...forms import FieldError, has_unstorable_character
from ...models import Instance, ProcessDraft, ProcessVersion, User
from ...scope import can_model
from ...untrusted_json import UnreadableJSON, loads_bounded
from ..errors import Forbidden, NotFound, RuleViolation, ServiceError, ValidationFailed
from ..reading.reference_text import person_name
from ..store import deployment
from . import regression
from .draft_checks import Problem, check_files, parse_problem

MAX_FILE_BYTES = 2 * 1024 * 1024
_FILE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,80}\.(bpmn|json)$")


def require_owner(user: User) -> None:
    if not can_model(user):
        raise Forbidden(_("Only process owners and administrators can change the process."))


def _process_key() -> str:
    return current_app.config["PROCESS_KEY"]


@dataclass(frozen=True)
class VersionRow:
    version: ProcessVersion
    running: int
    total: int


def versions(user: User) -> list[VersionRow]:
    """Every deployed version, newest first, with how many applications run on it."""
    require_owner(user)
    counts = dict(
        db.session.execute(
            select(Instance.version_id, func.count(Instance.id))
            .where(Instance.status == "running")
            .group_by(Instance.version_id)
        ).all()
    )
    totals = dict(
        db.session.execute(
            select(Instance.version_id, func.count(Instance.id)).group_by(Instance.version_id)
        ).all()
    )
    rows = db.session.scalars(
        select(ProcessVersion)
        .where(ProcessVersion.process_key == _process_key())
        .order_by(ProcessVersion.version.desc())
    )
    return [VersionRow(v, counts.get(v.id, 0), totals.get(v.id, 0)) for v in rows]


def user_names() -> dict[int, str]:
    """Names of the people who author drafts and deploy versions (owners and admins), for the reader."""
    people = db.session.scalars(
        select(User).where(
            User.id.in_(select(ProcessDraft.author_id).union(select(ProcessVersion.deployed_by_id)))
        )
    )
    return {user.id: person_name(user) for user in people}


def _of_this_process(user: User, model: type, object_id: int, missing: str):
    """A version or draft of the configured process, for a process owner; else Forbidden/NotFound."""
    require_owner(user)
    found = db.session.get(model, object_id)
    if found is None or found.process_key != _process_key():
        raise NotFound(missing)
    return found


def version(user: User, version_id: int) -> ProcessVersion:
    return _of_this_process(user, ProcessVersion, version_id, _("No such version."))


def drafts(user: User) -> list[ProcessDraft]:
    require_owner(user)
    return list(
        db.session.scalars(
            select(ProcessDraft)
            .where(ProcessDraft.process_key == _process_key(), ProcessDraft.deployed_version_id.is_(None))
            .order_by(ProcessDraft.updated_at.desc())
        )
    )


def draft(user: User, draft_id: int) -> ProcessDraft:
    return _of_this_process(user, ProcessDraft, draft_id, _("No such draft."))


def create_draft(user: User, name: str, from_version_id: int | None = None) -> ProcessDraft:
    """A new draft: a copy of the given version's files (by default the newest version's)."""
    require_owner(user)
    name = (name or "").strip()
    if not name or len(name) > 128:
        message = _("Give the draft a name (at most 128 characters).")
        raise ValidationFailed([FieldError("name", message)], message)
    base = version(user, from_version_id) if from_version_id else deployment.current_version(_process_key())
    now = clock.now()
    created = ProcessDraft(
        process_key=_process_key(),
        name=name,
        main_process_id=base.main_process_id,
        base_version_id=base.id,
        bpmn_files=dict(base.bpmn_files),
        form_files=dict(base.form_files),
        author_id=user.id,
        created_at=now,
        updated_at=now,
    )
    db.session.add(created)
    db.session.commit()
    return created


class FileRefused(ServiceError):
    """A saved file that cannot be stored at all; nothing changed."""

    status = 422

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problems = [problem]


def save_file(user: User, draft_id: int, filename: str, content: str | None) -> list[Problem]:
    """Store one diagram or form of the draft; returns the draft's problems after the save.

    Refused (FileRefused; nothing stored) if the content is missing, the name, size or type is wrong,
    the XML is unsafe or malformed, or the form is not JSON.
    """
    found = draft(user, draft_id)
    if found.deployed_version_id is not None:
        raise RuleViolation(_("This draft was deployed; start a new draft to change the process."))
    if not _FILE_NAME.match(filename or ""):
        raise FileRefused(
            Problem(
                filename or "",
                None,
                "file-name",
                _("File names are letters, digits, _ . - and end in .bpmn or .json."),
            )
        )
    if not isinstance(content, str) or len(content.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise FileRefused(Problem(filename, None, "file-size", _("The file is empty or larger than 2 MB.")))
    if has_unstorable_character(content):
        message = _("The file contains an invalid character (NUL or a lone UTF-16 surrogate).")
        raise FileRefused(Problem(filename, None, "file-text", message))
    if filename.endswith(".bpmn"):
        problem = parse_problem(filename, content)
        if problem is not None:
            raise FileRefused(problem)
        found.bpmn_files = {**found.bpmn_files, filename: content}
    else:
        try:
            loads_bounded(content)
        except UnreadableJSON as exc:
            raise FileRefused(Problem(filename, None, "json", exc.message)) from None
        except ValueError as exc:
            raise FileRefused(
                Problem(filename, None, "json", _("The form is not valid JSON: %(reason)s", reason=str(exc)))
            ) from None
        found.form_files = {**found.form_files, filename: content}
    found.updated_at = clock.now()
    db.session.commit()
    return check(found)


def check(found: ProcessDraft) -> list[Problem]:
    return check_files(found.bpmn_files, found.form_files, found.main_process_id)


def errors_of(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


_LIMITS = {
    "wall clock": _l("wall-clock time"),
    "CPU time": _l("CPU time"),
    "memory": _l("memory"),
    "result size": _l("result size"),
}


def breach_refusal(report: regression.RegressionReport) -> str | None:
    """Why the draft cannot be deployed when its code was stopped at a hard limit while replaying."""
    row = report.breach
    if row is None:
        return None
    return _(
        "The draft cannot be deployed: replaying application #%(instance)s, the code at %(element)s "
        "was stopped at the %(limit)s limit. Fix it first.",
        instance=row.instance_id,
        element=row.stopped_at or "?",
        limit=_LIMITS.get(row.limit or "", row.limit),
    )


def deploy_draft(
    user: User, draft_id: int, note: str, report: regression.RegressionReport | None = None
) -> ProcessVersion:
    """Deploy the draft as the next version (the caller has shown the regression ``report``;
    without one it is made here)."""
    found = draft(user, draft_id)
    if found.deployed_version_id is not None:
        raise RuleViolation(_("This draft was deployed already."))
    if not (note or "").strip():
        message = _("Write a change note: what changes, and why.")
        raise ValidationFailed([FieldError("note", message)], message)
    errors = errors_of(check(found))
    if errors:
        raise RuleViolation(
            _("The draft still has %(n)s error(s); fix them before deploying.", n=len(errors))
        )
    refusal = breach_refusal(report or regression.regression_report(found))
    if refusal:
        raise RuleViolation(refusal)
    deployed = deployment.deploy(
        found.process_key,
        found.main_process_id,
        found.bpmn_files,
        found.form_files,
        by=user,
        note=note.strip(),
    )
    found.deployed_version_id = deployed.id
    db.session.commit()
    return deployed


def roll_back(user: User, version_id: int, note: str = "") -> ProcessVersion:
    """Deploy an older version's files again, as a new version."""
    old = version(user, version_id)
    newest = deployment.current_version(old.process_key)
    if newest.content_hash == old.content_hash:
        raise RuleViolation(_("Version %(n)s is already what new applications start on.", n=old.version))
    note = (note or "").strip() or _("Rollback to version %(n)s.", n=old.version)
    return deployment.deploy(
        old.process_key, old.main_process_id, dict(old.bpmn_files), dict(old.form_files), by=user, note=note
    )


def version_zip(user: User, version_id: int) -> tuple[str, bytes]:
    found = version(user, version_id)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        deployment.write_version_files(package, found)
        package.writestr(
            "version.json",
            json.dumps(
                {
                    "process_key": found.process_key,
                    "version": found.version,
                    "content_hash": found.content_hash,
                    "note": found.note,
                    "deployed_at": found.deployed_at.isoformat(),
                },
                ensure_ascii=False,
                indent=1,
            ),
        )
    return f"{found.process_key}-v{found.version}.zip", buffer.getvalue()
