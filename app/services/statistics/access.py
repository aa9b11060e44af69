"""Who may open the command centre: one refusal for every page of it (``scope.can_see_command_centre``:
the province, a city for its own counties' figures, auditors)."""

from __future__ import annotations

from flask_babel import gettext as _

from ...models import User
from ...scope import can_see_command_centre
from ..errors import Forbidden


def require_overseer(user: User) -> None:
    if not can_see_command_centre(user):
        raise Forbidden(_("Only the province, the cities and the auditors can open the command centre."))
