"""Names from the reference data (divisions, themes) and of organisations' accounts, in the reader's language.

The divisions and the reference themes ship with English names (``app/reference/data``); what
people typed (an own theme, a person's name) is shown as typed.
"""

from __future__ import annotations

from app.models import Instance, Organisation, User
from app.reference import division_name_en, find_theme

from .element_text import english_wanted


def organisation_name(org: Organisation | None, *, short: bool = False) -> str:
    """A unit's name (a county with its city, unless ``short``), in English when the reader reads English."""
    if org is None:
        return ""
    if not english_wanted():
        return org.name if short else org.full_name
    name = division_name_en(org.adcode) or org.name
    if short or org.level != "county" or org.parent is None:
        return name
    return f"{name}, {organisation_name(org.parent, short=True)}"


def person_name(user: User | None) -> str:
    """An account's name; a unit's account reads as its civil affairs bureau in English."""
    if user is None:
        return ""
    org = user.organisation
    if org is None or not english_wanted() or not user.display_name.startswith(org.full_name):
        return user.display_name
    if org.level == "province":
        return f"{organisation_name(org)} Department of Civil Affairs"
    return f"{organisation_name(org)} Civil Affairs Bureau"


def theme_title(instance: Instance) -> str:
    """The application's theme: a reference theme in the reader's language, an own theme as typed."""
    theme = find_theme(instance.theme_code) if instance.theme_code else None
    if theme is not None:
        return theme.title_in(english_wanted())
    return instance.theme_title or ""
