"""What the auditor's pages and endpoints ask: checks on one application, within the user's rights."""

from __future__ import annotations

from flask_babel import gettext as _

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
