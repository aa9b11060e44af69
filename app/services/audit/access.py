"""Which applications the auditor's checks run on: one within the user's rights (pages and endpoints),
or the operator's selection on the command line."""

from __future__ import annotations

from collections.abc import Collection

from flask_babel import gettext as _
from sqlalchemy import select

from ...extensions import db
from ...models import Instance, User
from ...scope import can_audit, can_read_security_log
from ..errors import Forbidden
from ..reading.queries import instance_for


def audited_instance(user: User, instance_id: int) -> Instance:
    """The instance, if `user` may see it (else NotFound) and run the auditor's checks (else Forbidden)."""
    instance = instance_for(user, instance_id)
    require_auditor(user)
    return instance


def require_auditor(user: User) -> None:
    """For checks and exports across applications (what they cover is limited to the user's scope)."""
    if not can_audit(user):
        raise Forbidden(_("Only auditors and the province can run these checks."))


def require_security_log_reader(user: User) -> None:
    if not can_read_security_log(user):
        raise Forbidden(_("Only auditors and administrators can read the security log."))


def instances_to_check(instance_ids: Collection[int] | None) -> list[Instance]:
    """The command line's selection, in id order: those ids, or every instance for None (its operator
    runs the server and is not limited to a scope)."""
    query = select(Instance).order_by(Instance.id)
    if instance_ids is not None:
        query = query.where(Instance.id.in_(instance_ids))
    return list(db.session.scalars(query))
