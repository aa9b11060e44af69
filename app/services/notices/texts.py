"""What each kind of notification says, in the reader's language (texts are made when shown)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _

from app.forms.definition import wants_english

NEW_TASK, RETURNED, DECIDED, REMINDER, DUE_SOON, OVERDUE, ASSIGNED, TAKEN_BACK = (
    "new_task",
    "returned",
    "decided",
    "reminder",
    "due_soon",
    "overdue",
    "assigned",
    "taken_back",
)
KINDS = (NEW_TASK, RETURNED, DECIDED, REMINDER, DUE_SOON, OVERDUE, ASSIGNED, TAKEN_BACK)


def kind_label(kind: str) -> str:
    """The name of a kind, for the user's choice of what comes by e-mail."""
    return {
        NEW_TASK: _("A new task for me or my unit"),
        RETURNED: _("My application was returned"),
        DECIDED: _("My application was decided"),
        REMINDER: _("A reminder on a task"),
        DUE_SOON: _("A deadline in 3 days"),
        OVERDUE: _("A task is overdue"),
        ASSIGNED: _("My unit head assigned me a task"),
        TAKEN_BACK: _("A task was taken back before I acted"),
    }[kind]


def _in_reader_language(params: Mapping[str, Any]) -> Mapping[str, Any]:
    """The English texts a notification was written with (``task_en``...) for a reader of English."""
    if not wants_english(get_locale()):
        return params
    return {**params, **{key[:-3]: value for key, value in params.items() if key.endswith("_en") and value}}


def headline(kind: str, params: Mapping[str, Any]) -> str:
    """One line: what happened, naming the task and the application."""
    params = _in_reader_language(params)
    task, application = params.get("task", ""), params.get("application", "")
    if kind == NEW_TASK:
        return _("New task: %(task)s (%(application)s)", task=task, application=application)
    if kind == RETURNED:
        return _("%(application)s was returned: %(task)s", application=application, task=task)
    if kind == DECIDED:
        return _("%(application)s: %(outcome)s", application=application, outcome=params.get("outcome", ""))
    if kind == REMINDER:
        return _(
            "Reminder from %(by)s: %(task)s (%(application)s)",
            by=params.get("by", ""),
            task=task,
            application=application,
        )
    if kind == ASSIGNED:
        return _(
            "Assigned to you by %(by)s: %(task)s (%(application)s)",
            by=params.get("by", ""),
            task=task,
            application=application,
        )
    if kind == TAKEN_BACK:
        return _(
            "%(by)s: %(step)s. %(task)s (%(application)s) no longer waits for you",
            by=params.get("by", ""),
            step=params.get("step", ""),
            task=task,
            application=application,
        )
    if kind == DUE_SOON:
        return _(
            "Due on %(due)s: %(task)s (%(application)s)",
            due=params.get("due", ""),
            task=task,
            application=application,
        )
    return _(
        "Overdue since %(due)s: %(task)s (%(application)s)",
        due=params.get("due", ""),
        task=task,
        application=application,
    )
