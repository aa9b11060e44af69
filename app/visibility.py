"""Who may see which submission in an application's history (R10, next to ``app/scope.py``).

`app/scope.py` decides which applications a user sees; this module decides what they see of each
step inside one. Every page and endpoint that shows history events or the workflow data they leave
behind asks it (through ``services/reading/disclosure.py``): the task page's 历次意见, the
application page's history, the printable 申报表's review block, the API's history and task values.

The review experts' opinions are confidential. The notice has the province collect them and send
its summary to the city (汇总专家意见反馈市级民政部门), so the city, the applicant and its guiding
experts read the province's summary and decision, never an expert's name or opinion. A review
expert sees only their own opinions: before submitting, another expert's opinion of the same
round would take away the independence of their own; after, no task of theirs needs it. This is
the simplest honest rule, and it means an expert never has to be told "not yet". The province
(who decides from the opinions) and the auditors (who check everything) see them all.

A submission is identified by the lane of the task it completed (the diagram's lane names a role),
never by element ids: a process owner may rename or redraw a task and its opinions stay confidential.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, true

from .models import SearchText, User
from .roles import Role

# Roles whose submissions are confidential: what their tasks submit, and the workflow data that
# names who does those tasks or carries their answers (the panel of experts, each verdict).
CONFIDENTIAL_ROLES = frozenset({Role.REVIEW_EXPERT})
# Roles that see every submission of the applications in their scope.
_SEES_EVERY_SUBMISSION = frozenset({Role.PROVINCE, Role.AUDITOR})


def is_confidential(role: str | None) -> bool:
    """Whether submissions of a task in this role's lane are confidential."""
    return role in CONFIDENTIAL_ROLES


def sees_every_submission(viewer: User) -> bool:
    """The province and the auditors: every opinion, with its author, and the experts assigned."""
    return bool(_SEES_EVERY_SUBMISSION & viewer.roles)


def may_see_submission(viewer: User, role: str | None, author_id: int | None) -> bool:
    """Whether `viewer` may read who submitted a task in `role`'s lane, and what.

    Anything not confidential is shown to whoever sees the application; a confidential submission
    only to the province, the auditors and its own author.
    """
    if not is_confidential(role) or sees_every_submission(viewer):
        return True
    return author_id is not None and author_id == viewer.id


def findable_texts_filter(viewer: User) -> ColumnElement[bool]:
    """`may_see_submission` as a SQL condition on the search texts: what `viewer` may find by.

    A confidential text (an expert's opinion, or the experts a picker named) is found only by the
    province, the auditors and its author; the texts of other submissions by whoever sees the
    application (the search joins ``app.scope`` for that).
    """
    if sees_every_submission(viewer):
        return true()
    return SearchText.confidential.is_(False) | (SearchText.author_id == viewer.id)
