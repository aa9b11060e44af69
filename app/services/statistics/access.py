"""Who reads the command centre: the province, a city (its own counties' figures), auditors."""

from __future__ import annotations

from flask_babel import gettext as _

from ...models import User
from ...scope import can_see_command_centre
from ..errors import Forbidden


def require_command_centre(user: User) -> None:
    if not can_see_command_centre(user):
        raise Forbidden(_("Only the province, the cities and auditors can read the command centre."))
