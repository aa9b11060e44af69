"""The application as the applicant submitted it, for the people who judge it.

Beside every task of a reviewing role (the city, the review experts, the province) and on the
application page: the declaration in the version the task is about, what changed since the version
before (a revision after 待完善, or after the city returned the plan) with the opinions that asked for
the changes, and what else the zone submitted (the formal submission, annual plans and summaries,
requests, the final report), each readable, with its files.

"The version the task is about" is the latest declaration submitted before the task became ready:
the declaration is found by the ``applicationFormBlock`` its task declares (``form_blocks``), the
plan's text in the documents kept out of the workflow state (``store.documents``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from flask_babel import gettext as _

from ...models import HistoryEvent, Instance, ReadyTask, User
from ...roles import Role
from ..errors import NotFound
from ..store.submission_roles import step_role
from . import queries
from .element_text import element_name
from .form_blocks import declarations_of
from .history_view import event_views
from .plan_diff import Comparison, compare
from .reference_text import person_name
from .submission import SUBMISSION_KINDS, FileInfo, Submission, read_submission

# Whose opinions a revision answers, shown to everyone who reads the application: the city's
# (its return, its guidance) and the province's summary and decision. A review expert's own opinion
# is not among them: the city and the applicant see the province's summary, not the experts' words.
_REQUESTING_ROLES = frozenset({Role.CITY, Role.PROVINCE})


@dataclass(frozen=True)
class DeclarationVersion:
    """The declaration as submitted once: the first, or a revision (numbered from 1)."""

    number: int
    submission: Submission

    @property
    def seq(self) -> int:
        return self.submission.seq


@dataclass(frozen=True)
class Line:
    label: str
    value: str


@dataclass(frozen=True)
class Opinion:
    """A step of the city or the province on the version before a revision, as its history line reads."""

    seq: int
    step: str
    by: str
    at: datetime
    lines: list[Line]  # in the form's order


@dataclass(frozen=True)
class Revision:
    """A version of the declaration against the one before it, with the opinions in between."""

    earlier: DeclarationVersion
    later: DeclarationVersion
    comparison: Comparison
    opinions: list[Opinion]


@dataclass(frozen=True)
class ApplicationContent:
    """What a reader of the application sees; ``as_of`` limits it to what was submitted by then."""

    instance_id: int
    as_of: datetime | None
    versions: list[DeclarationVersion]  # oldest first
    shown: DeclarationVersion | None  # the version read: the latest, or the one asked for
    revisions: list[Revision]  # each version after the first against the one before it
    documents: list[Submission]  # the zone's other submissions, newest first

    @property
    def revision(self) -> Revision | None:
        """What changed in the shown version since the one before it."""
        if self.shown is None:
            return None
        return next((r for r in self.revisions if r.later.number == self.shown.number), None)

    @property
    def files(self) -> list[FileInfo]:
        """Every file of the shown declaration and of the zone's other submissions, newest first."""
        found = [f for doc in self.documents for f in doc.files]
        if self.shown is not None:
            found += self.shown.submission.files
        return found

    @property
    def empty(self) -> bool:
        return self.shown is None and not self.documents


def application_content(
    user: User, instance_id: int, locale: str = "zh_CN", version: int | None = None
) -> ApplicationContent:
    """The application's content as it stands; ``version`` picks an earlier declaration to read.

    Raises NotFound for an application outside the user's scope or a version it does not have.
    """
    instance = queries.instance_for(user, instance_id)
    return _content(instance, user, locale, as_of=None, version=version)


def judges_application(task: ReadyTask) -> bool:
    """Whether the task is a reviewing role's (the city, an expert, the province), beside which the
    application is shown; the applicant edits what it submits, it does not judge it."""
    return task.role is not None and task.role != Role.APPLICANT


def content_for_task(task: ReadyTask, viewer: User, locale: str = "zh_CN") -> ApplicationContent:
    """What a task is about: the content submitted before the task became ready.

    The caller has already checked that ``viewer`` may act on ``task``.
    """
    return _content(task.instance, viewer, locale, as_of=task.ready_since, version=None)


def _content(
    instance: Instance, viewer: User, locale: str, as_of: datetime | None, version: int | None
) -> ApplicationContent:
    declared = [e for e in declarations_of(instance) if _by(e, as_of)]
    versions = [
        DeclarationVersion(number, submission)
        for number, event in enumerate(declared, start=1)
        for submission in [read_submission(event, locale)]
        if submission is not None
    ]
    if version is not None and not 1 <= version <= len(versions):
        raise NotFound(_("This application has no such version of its declaration."))
    shown = versions[(version or len(versions)) - 1] if versions else None
    revisions = [
        Revision(earlier, later, compare(earlier.submission, later.submission), [])
        for earlier, later in zip(versions, versions[1:], strict=False)
    ]
    if revisions:
        revisions = _with_opinions(instance, viewer, revisions, locale)
    declared_seqs = {e.seq for e in declared}
    return ApplicationContent(
        instance_id=instance.id,
        as_of=as_of,
        versions=versions,
        shown=shown,
        revisions=revisions,
        documents=_zone_documents(instance, declared_seqs, as_of, locale),
    )


def _by(event: HistoryEvent, as_of: datetime | None) -> bool:
    return as_of is None or event.at <= as_of


def _with_opinions(
    instance: Instance, viewer: User, revisions: list[Revision], locale: str
) -> list[Revision]:
    """Each revision with the city's and the province's opinions given between its two versions."""
    requesting = [
        Opinion(
            view.event.seq,
            element_name(view.event.version, view.event.element_id, view.event.element_name),
            person_name(view.event.actor) if view.event.actor else _("the system"),
            view.event.at,
            [Line(label, value) for label, value in view.lines],
        )
        for view in event_views(instance, viewer, locale)
        if view.has_opinion and step_role(view.event) in _REQUESTING_ROLES
    ]
    return [
        replace(r, opinions=[o for o in requesting if r.earlier.seq < o.seq < r.later.seq]) for r in revisions
    ]


def _zone_documents(
    instance: Instance, declared: set[int], as_of: datetime | None, locale: str
) -> list[Submission]:
    """What the applicant submitted besides its declarations, newest first."""
    found = []
    for event in queries.history_of(instance):
        if event.kind not in SUBMISSION_KINDS or event.seq in declared or not _by(event, as_of):
            continue
        if step_role(event) != Role.APPLICANT:
            continue
        submission = read_submission(event, locale)
        if submission is not None:
            found.append(submission)
    return found[::-1]
