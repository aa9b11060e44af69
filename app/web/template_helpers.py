"""Filters and globals the templates share."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..clock import PROGRAMME_TZ
from ..roles import Role
from ..roles import role_label as _role_label
from ..scope import can_administer, can_audit, can_model, can_see_command_centre, can_see_incidents
from ..services.notices import bell
from ..services.reading import element_text, language, reference_text

EVENT_LABELS = {
    "started": _l("Application started"),
    "task_completed": _l("Task completed"),
    "timer_fired": _l("Deadline reached"),
    "event_started": _l("Request made"),
    "migrated": _l("Moved to another process version"),
    "ended": _l("Process ended"),
    "reminded": _l("Reminder sent"),
    "claimed": _l("Task claimed"),
    "unclaimed": _l("Task given back to the unit"),
    "assigned": _l("Task assigned"),
}


SECURITY_LABELS = {
    "sign_in": _l("Signed in"),
    "sign_in_failed": _l("Sign-in failed"),
    "refused_not_found": _l("Refused: not found or out of scope"),
    "refused_forbidden": _l("Refused: role lacks the right"),
    "refused_csrf": _l("Refused: CSRF check"),
    "export": _l("Export"),
    "password_changed": _l("Password changed"),
    "account_locked": _l("Username locked after failed sign-ins"),
    "refused_locked": _l("Refused: username locked"),
    "refused_rate_limited": _l("Refused: too many attempts from this address"),
}


ADMIN_CHANGE_LABELS = {
    "user_created": _l("Account created"),
    "user_updated": _l("Account edited"),
    "user_deactivated": _l("Account deactivated"),
    "user_reactivated": _l("Account reactivated"),
    "password_reset": _l("Password reset"),
    "unit_renamed": _l("Unit renamed"),
    "unit_abolished": _l("Unit abolished"),
    "unit_restored": _l("Unit restored"),
}
ADMIN_FIELD_LABELS = {
    "username": _l("Username"),
    "display_name": _l("Full name"),
    "unit": _l("Unit"),
    "roles": _l("Roles"),
    "committee": _l("Expert committee"),
    "title": _l("Title"),
    "email": _l("E-mail address"),
    "phone": _l("Phone"),
    "active": _l("Active"),
    "must_change_password": _l("Must change password"),
    "name": _l("Name"),
    "abolished": _l("Abolished"),
}


def admin_value(key: str, value: object) -> str:
    """A value of the administrative change log as people read it (roles by name, yes/no, —)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key == "roles" and isinstance(value, list):
        return "、".join(_role_label(str(r), current_locale()) for r in value)
    return str(value)


INCIDENT_LABELS = {
    "stalled": _l("Stalled: nothing can move it on"),
    "step_failed": _l("A step failed"),
    "timer_failed": _l("A deadline could not be applied"),
}


def current_locale() -> str:
    return str(get_locale() or "zh_CN")


def localdt(value: datetime | None) -> str:
    """Beijing time, minutes precision: how the programme's people read dates."""
    if value is None:
        return ""
    return value.astimezone(PROGRAMME_TZ).strftime("%Y-%m-%d %H:%M")


def due_phrase(due: datetime, now: datetime) -> str:
    """How the due date stands today, in whole days of Beijing time: 还剩 3 天 · 今天到期 · 逾期 2 天."""
    days = (due.astimezone(PROGRAMME_TZ).date() - now.astimezone(PROGRAMME_TZ).date()).days
    if due < now:
        return _("overdue by %(n)s day(s)", n=max(1, -days)) if days < 0 else _("overdue today")
    if days == 0:
        return _("due today")
    return _("%(n)s day(s) left", n=days)


def role_labels(roles) -> str:
    """The roles someone holds, named in the user's language (the header says who is signed in)."""
    locale = current_locale()
    separator = ", " if locale.startswith("en") else "、"
    return separator.join(_role_label(role, locale) for role in Role if role in roles)


def register(app: Flask) -> None:
    app.jinja_env.globals.update(
        current_locale=current_locale,
        role_label=lambda role: _role_label(role or "", current_locale()),
        role_labels=role_labels,
        event_label=lambda kind: str(EVENT_LABELS.get(kind, kind)),
        security_label=lambda kind: str(SECURITY_LABELS.get(kind, kind)),
        incident_label=lambda kind: str(INCIDENT_LABELS.get(kind, kind)),
        admin_change_label=lambda kind: str(ADMIN_CHANGE_LABELS.get(kind, kind)),
        admin_field_label=lambda key: str(ADMIN_FIELD_LABELS.get(key, key)),
        admin_value=admin_value,
        may_administer=lambda: current_user.is_authenticated and can_administer(current_user),
        element_name=element_text.element_name,
        phase_name=element_text.phase_name,
        outcome_name=element_text.outcome_name,
        incident_place=element_text.incident_place,
        theme_title=reference_text.theme_title,
        call_name=reference_text.call_name,
        colon=language.colon,
        list_separator=language.list_separator,
        may_see_incidents=lambda: current_user.is_authenticated and can_see_incidents(current_user),
        may_audit=lambda: current_user.is_authenticated and can_audit(current_user),
        may_model=lambda: current_user.is_authenticated and can_model(current_user),
        may_see_command_centre=lambda: current_user.is_authenticated and can_see_command_centre(current_user),
    )
    app.jinja_env.filters["localdt"] = localdt
    app.jinja_env.filters["parenthesised"] = language.parenthesised
    app.jinja_env.filters["org"] = reference_text.organisation_name
    app.jinja_env.filters["person"] = reference_text.person_name
    app.jinja_env.globals["due_phrase"] = due_phrase
    app.jinja_env.globals["unread_notifications"] = lambda: bell.unread_badge(current_user)
