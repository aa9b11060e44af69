"""Names of units, themes, calls and accounts, in the reader's language.

The divisions and the reference themes ship with English names (``app/reference/data``), a call
has the English name the province gave it; what people typed (an own theme, a person's name) is
shown as typed.
"""

from __future__ import annotations

from app.models import Call, Instance, Organisation, User
from app.reference import find_theme
from app.roles import ROLE_LABELS, role_label

from .language import english_wanted

_ROLE_BY_NAME = {label: role for role, label in ROLE_LABELS.items()}


def organisation_name(org: Organisation | None, *, short: bool = False) -> str:
    """A unit's name (a county with its city, unless ``short``), in English when the reader reads English."""
    if org is None:
        return ""
    if english_wanted():
        return org.name_en if short else org.full_name_en
    return org.name if short else org.full_name


def person_name(user: User | None, *, english: bool | None = None) -> str:
    """An account's name; in English a unit's account (named after its bureau) reads as the bureau,
    an account named after its role (审计员) as the role.

    ``english`` None follows the reader's language; notifications written for later ask for both.
    """
    if user is None:
        return ""
    org = user.organisation
    english = english_wanted() if english is None else english
    if english and org is None and user.display_name in (ROLE_LABELS.get(r) for r in user.roles):
        return role_label(_ROLE_BY_NAME[user.display_name], "en")  # an account named after its role
    if org is None or not english or not user.display_name.startswith(org.full_name):
        return user.display_name
    if org.level == "province":
        return f"{org.full_name_en} Department of Civil Affairs"
    return f"{org.full_name_en} Civil Affairs Bureau"


def theme_title(instance: Instance) -> str:
    """The application's theme: a reference theme in the reader's language, an own theme as typed."""
    theme = find_theme(instance.theme_code) if instance.theme_code else None
    if theme is not None:
        return theme.title_in(english_wanted())
    return instance.theme_title or ""


def call_name(call: Call) -> str:
    """The call's name: its English name for a reader of English, when the province gave one."""
    return call.name_en if english_wanted() and call.name_en else call.name
