"""The people a form's pickers offer: read by the task pages, the validation and the auditor's replay."""

from __future__ import annotations

from sqlalchemy import select

from ...extensions import db
from ...forms import FormDefinition
from ...models import User, UserRole


def people_choices(form: FormDefinition) -> dict[str, list[tuple[str, str]]]:
    """(username, label) options of each people picker: the active accounts holding its role."""
    choices = {}
    for fld in (f for f in form.fields() if f.widget == "people"):
        users = db.session.scalars(
            select(User)
            .join(User.role_rows)
            .where(UserRole.role == fld.ui["role"], User.active.is_(True))
            .order_by(User.username)
        )
        choices[fld.name] = [
            (u.username, f"{u.display_name}（{u.title}）" if u.title else u.display_name) for u in users
        ]
    return choices
