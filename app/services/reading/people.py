"""The people a form's pickers offer: read by the task pages, the validation and the auditor's replay.

On an application's task the picker also helps choose: each person's open tasks of the picker's
role (an expert's workload) and how often they did that role's tasks for the same applicant before
(past reviews), and it marks the people a named check of the form refuses here, with its reason
(an application's guiding experts may not review it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from ...extensions import db
from ...forms import FormDefinition, PersonChoice
from ...forms.checks import person_refusal
from ...models import HistoryEvent, Instance, ReadyTask, User, UserRole
from ...roles import Role
from .disclosure import role_of
from .language import parenthesised
from .reference_text import person_name


def people_choices(
    form: FormDefinition, instance: Instance | None = None, experts: Any = None
) -> dict[str, list[PersonChoice]]:
    """The options of each people picker: the active accounts holding its role.

    With the application (`instance`) and the guiding experts its declaration names (`experts`, the
    declaration's rows), each option carries its workload and past reviews of the applicant, and the
    reason a named check would refuse it.
    """
    choices = {}
    context = {"guiding_experts": guiding_experts(experts)}
    for fld in (f for f in form.fields() if f.widget == "people"):
        role = fld.ui["role"]
        users = list(
            db.session.scalars(
                select(User)
                .join(User.role_rows)
                .where(UserRole.role == role, User.active.is_(True))
                .order_by(User.username)
            )
        )
        notes = _workload_notes(users, role, instance) if instance is not None else {}
        choices[fld.name] = [
            PersonChoice(
                u.username,
                person_name(u) + parenthesised(u.title) if u.title else person_name(u),
                notes.get(u.id, ""),
                person_refusal(form.checks, fld.name, u.username, context) or "",
            )
            for u in users
        ]
    return choices


def guiding_experts(rows: Any) -> dict[str, str]:
    """Username -> name of each account named as a guiding expert in a declaration's expert rows.

    A row names an account by its username when the applicant gave one; a row without a username
    names the expert of that name in that committee, if one has an account: the same person, and a
    conflict of interest must not hang on a field the applicant may leave empty.
    """
    entries = [row for row in rows if isinstance(row, Mapping)] if isinstance(rows, list) else []
    usernames = {
        row["username"] for row in entries if isinstance(row.get("username"), str) and row["username"]
    }
    by_name = {
        (row.get("name"), row.get("committee"))
        for row in entries
        if not row.get("username") and row.get("name")
    }
    named: dict[str, str] = {}
    if usernames:
        for user in db.session.scalars(select(User).where(User.username.in_(usernames))):
            named[user.username] = user.display_name
    if by_name:
        names = {name for name, _committee in by_name}
        for user in db.session.scalars(select(User).where(User.display_name.in_(names))):
            if (user.display_name, user.committee) in by_name:
                named[user.username] = user.display_name
    return named


def _workload_notes(users: Iterable[User], role: str, instance: Instance) -> dict[int, str]:
    """User id -> "open reviews, past reviews of this applicant", for a review expert picker.

    Open reviews are the expert's ready tasks in the review experts' lanes; past reviews of the
    applicant are the opinions they submitted on any of its applications (earlier rounds included).
    """
    if role != Role.REVIEW_EXPERT:
        return {}
    ids = [u.id for u in users]
    open_tasks = dict(
        db.session.execute(
            select(ReadyTask.assignee_user_id, func.count())
            .where(ReadyTask.role == role, ReadyTask.assignee_user_id.in_(ids))
            .group_by(ReadyTask.assignee_user_id)
        ).all()
    )
    past = Counter(
        event.actor_id
        for event in db.session.scalars(
            select(HistoryEvent)
            .join(Instance, Instance.id == HistoryEvent.instance_id)
            .where(
                Instance.applicant_org_id == instance.applicant_org_id,
                HistoryEvent.kind == "task_completed",
                HistoryEvent.actor_id.in_(ids),
            )
        )
        if role_of(event) == role
    )
    return {
        user_id: _(
            "open reviews: %(open)s · reviews of this applicant: %(past)s",
            open=open_tasks.get(user_id, 0),
            past=past[user_id],
        )
        for user_id in ids
    }
