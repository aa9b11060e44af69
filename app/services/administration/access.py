"""Who may administer: checked by every administration service, not only by the pages."""

from __future__ import annotations

from flask_babel import gettext as _

from ...models import User
from ...scope import can_administer
from ..errors import Forbidden


def require_admin(user: User) -> None:
    if not can_administer(user):
        raise Forbidden(_("Only administrators manage users and units."))
