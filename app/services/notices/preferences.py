"""What a user chooses to receive by e-mail, and the address it goes to."""

from __future__ import annotations

import re

from flask_babel import gettext as _

from ...extensions import db
from ...forms import FieldError
from ...models import User
from ..errors import ValidationFailed
from .texts import KINDS

# Enough to refuse typing mistakes; the mail server has the last word.
_ADDRESS = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


def chosen_kinds(user: User) -> list[str]:
    return list(KINDS) if user.email_kinds is None else [k for k in KINDS if k in user.email_kinds]


def address_problem(address: str) -> str | None:
    """Why an e-mail address (already stripped; empty means none) is refused, or None."""
    if address and (len(address) > 254 or not _ADDRESS.match(address)):
        return _("Please enter an e-mail address such as name@example.gov.cn.")
    return None


def save(user: User, email: str | None, kinds: list[str]) -> None:
    """Set the user's address (empty: no e-mail) and the kinds they get by e-mail."""
    address = (email or "").strip()
    message = address_problem(address)
    if message is not None:
        raise ValidationFailed([FieldError("email", message)], message)
    unknown = [kind for kind in kinds if kind not in KINDS]
    if unknown:
        message = _("Unknown kind of notification: %(kind)s.", kind=unknown[0])
        raise ValidationFailed([FieldError("kinds", message)], message)
    user.email = address or None
    user.email_kinds = [kind for kind in KINDS if kind in kinds]
    db.session.commit()
