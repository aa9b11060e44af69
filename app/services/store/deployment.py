"""Deploying diagrams and forms as immutable versions, and the per-process caches of parsed versions."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from zipfile import ZipFile

from flask_babel import gettext as _
from sqlalchemy import func, select

from ... import clock
from ...engine import DiagramError, Engine, ProcessDefinition
from ...extensions import db
from ...forms import FormDefinition, FormDefinitionError, load_form
from ...models import ProcessVersion, User
from ..errors import RuleViolation, ServiceError


def content_hash(bpmn_files: dict[str, str], form_files: dict[str, str], main_process_id: str) -> str:
    canonical = json.dumps(
        {"main": main_process_id, "bpmn": bpmn_files, "forms": form_files}, sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def read_directory(directory: Path, suffix: str) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(directory.glob(f"*{suffix}"))}


def latest_version(process_key: str) -> ProcessVersion | None:
    return db.session.scalar(
        select(ProcessVersion)
        .where(ProcessVersion.process_key == process_key)
        .order_by(ProcessVersion.version.desc())
        .limit(1)
    )


def check_version_files(bpmn_files: dict[str, str], form_files: dict[str, str], main_process_id: str) -> None:
    """Parse the diagrams and every form they name; raise a ServiceError naming the first problem."""
    try:
        definition = ProcessDefinition.from_files(
            {name: text.encode() for name, text in bpmn_files.items()}, main_process_id
        )
    except DiagramError as exc:
        raise ServiceError(_("The diagram cannot be used: %(reason)s", reason=exc.message)) from exc
    # What people fill in: each user task's form, and the form of each start event they trigger.
    for element_id, form in [
        *((t.element_id, t.form) for t in definition.user_tasks()),
        *((m.element_id, m.form) for m in definition.message_starts()),
    ]:
        if not form:
            raise ServiceError(_("User task %(task)s names no form.", task=element_id))
        if form not in form_files:
            raise ServiceError(
                _("Form %(form)s named by %(task)s does not exist.", form=form, task=element_id)
            )
    for name, text in form_files.items():
        try:
            load_form(name, text)
        except FormDefinitionError as exc:
            raise ServiceError(_("Form %(form)s is invalid: %(reason)s", form=name, reason=str(exc))) from exc


def deploy(
    process_key: str,
    main_process_id: str,
    bpmn_files: dict[str, str],
    form_files: dict[str, str],
    *,
    by: User | None = None,
    note: str = "",
) -> ProcessVersion:
    """Store the files as the next version, unless they equal the newest version (then return it)."""
    check_version_files(bpmn_files, form_files, main_process_id)
    digest = content_hash(bpmn_files, form_files, main_process_id)
    newest = latest_version(process_key)
    if newest is not None and newest.content_hash == digest:
        return newest
    number = (
        db.session.scalar(
            select(func.max(ProcessVersion.version)).where(ProcessVersion.process_key == process_key)
        )
        or 0
    ) + 1
    version = ProcessVersion(
        process_key=process_key,
        version=number,
        main_process_id=main_process_id,
        bpmn_files=bpmn_files,
        form_files=form_files,
        content_hash=digest,
        note=note,
        deployed_at=clock.now(),
        deployed_by_id=by.id if by else None,
    )
    db.session.add(version)
    db.session.commit()
    return version


def deploy_directories(
    process_key: str, main_process_id: str, bpmn_dir: Path, forms_dir: Path, *, note: str = ""
) -> ProcessVersion:
    return deploy(
        process_key,
        main_process_id,
        read_directory(bpmn_dir, ".bpmn"),
        read_directory(forms_dir, ".json"),
        note=note,
    )


def seed_directories(
    process_key: str, main_process_id: str, bpmn_dir: Path, forms_dir: Path
) -> tuple[ProcessVersion, bool]:
    """Deploy the repository's diagrams at start-up, but never over a process owner's deployment.

    They are deployed into an empty database, or when their content was never deployed and the newest
    version also came from the repository (a release brought new diagrams). Once an owner deployed
    from the workbench (a version with a person as deployer), the newest version is theirs: restarting
    the application must not silently put the repository's files back in front. Returns the version
    new applications start on, and whether this call deployed it.
    """
    bpmn_files, form_files = read_directory(bpmn_dir, ".bpmn"), read_directory(forms_dir, ".json")
    digest = content_hash(bpmn_files, form_files, main_process_id)
    newest = latest_version(process_key)
    if newest is not None:
        known = db.session.scalar(
            select(ProcessVersion.id).where(
                ProcessVersion.process_key == process_key, ProcessVersion.content_hash == digest
            )
        )
        if known is not None or newest.deployed_by_id is not None:
            return newest, False
    return deploy(process_key, main_process_id, bpmn_files, form_files, note="initial deployment"), True


def current_version(process_key: str) -> ProcessVersion:
    version = latest_version(process_key)
    if version is None:
        raise RuleViolation(_("No process version has been deployed yet."))
    return version


@lru_cache(maxsize=32)
def _engine_for(version_id: int, content_hash_: str) -> Engine:
    version = db.session.get_one(ProcessVersion, version_id)  # the caller holds the version
    files = {name: text.encode() for name, text in version.bpmn_files.items()}
    return Engine(ProcessDefinition.from_files(files, version.main_process_id))


def engine_for(version: ProcessVersion) -> Engine:
    """The parsed engine of a version; versions are immutable, so it is cached per process."""
    return _engine_for(version.id, version.content_hash)


@lru_cache(maxsize=256)
def _form_for(version_id: int, content_hash_: str, form_name: str) -> FormDefinition | None:
    version = db.session.get_one(ProcessVersion, version_id)  # the caller holds the version
    content = version.form_files.get(form_name)
    return load_form(form_name, content) if content is not None else None


@lru_cache(maxsize=32)
def _forms_hinted(version_id: int, content_hash_: str, hint: str) -> frozenset[str]:
    version = db.session.get_one(ProcessVersion, version_id)  # the caller holds the version
    forms = (_form_for(version_id, content_hash_, name) for name in version.form_files)
    return frozenset(form.name for form in forms if form is not None and form.ui.get(hint) is True)


def forms_hinted(version: ProcessVersion, hint: str) -> frozenset[str]:
    """The names of a version's forms whose display hint `hint` is true (e.g. ``batch``), cached."""
    return _forms_hinted(version.id, version.content_hash, hint)


def form_for(version: ProcessVersion, form_name: str | None) -> FormDefinition:
    """The parsed form of a version; versions are immutable, so it is cached per process.

    ``form_name`` is what a task or a start event declares, which may be nothing: no form, then.
    """
    form = _form_for(version.id, version.content_hash, form_name) if form_name else None
    if form is None:
        raise ServiceError(_("Form %(form)s is missing from this process version.", form=form_name))
    return form


def write_version_files(package: ZipFile, version: ProcessVersion, prefix: str = "") -> None:
    """Add a version's diagrams and forms to an open ``zipfile.ZipFile`` under ``prefix``bpmn/ and forms/."""
    for name, text in sorted(version.bpmn_files.items()):
        package.writestr(f"{prefix}bpmn/{name}", text)
    for name, text in sorted(version.form_files.items()):
        package.writestr(f"{prefix}forms/{name}", text)
