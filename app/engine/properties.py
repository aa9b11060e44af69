"""The ``spiffworkflow:property`` values our diagrams give their elements, read from parsed specs."""

from __future__ import annotations

from typing import Any

# The form a user task (or a message start event a person triggers) shows.
FORM_PROPERTY = "formJsonSchemaFilename"

# Which block of the printed 申报表 (attachment 3 of the notice) a task's submission fills in. The
# diagram says it, not the code, so a process owner who renames or replaces a task keeps the form
# filled by moving the property along (the workbench warns about a block no task fills). The values
# are the form's blocks: ``declaration`` (the applicant's part), ``city_opinion``
# (市级民政部门审核推荐意见), ``review_opinion`` (实验方案初审意见), ``province_opinion`` (省民政厅评估意见).
APPLICATION_FORM_BLOCK_PROPERTY = "applicationFormBlock"


# When a user task is due: an expression over the task's data, evaluated by the engine's restricted
# evaluator when the task becomes ready, giving an ISO date (due by the end of that day, Beijing time)
# or an aware ISO datetime; None or an empty value means no due date. The diagram says it, so the
# call's deadline, the annual duties' dates and the review's date all come from the process.
DUE_DATE_PROPERTY = "dueDate"


# The English text of an element's name (any named element: lanes, flows and processes too). The
# process owner keeps it beside the Chinese ``name`` in the workbench; pages shown in English fall
# back to the Chinese name where it is missing.
ENGLISH_NAME_PROPERTY = "name_en"


def spec_property(task_spec: Any, name: str) -> str | None:
    """Read a ``spiffworkflow:property`` value from a parsed task spec (None when absent)."""
    extensions = getattr(task_spec, "extensions", None) or {}
    value = extensions.get("properties", {}).get(name)
    return value if isinstance(value, str) else None
