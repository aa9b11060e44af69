"""Which completed steps of an application fill which block of the 申报表, as the diagrams declare it.

A task's ``applicationFormBlock`` property (see ``app.engine.properties``) names the block its
submissions fill: ``declaration`` (the applicant's declaration and its revisions), ``city_opinion``,
``review_opinion``, ``province_opinion``. It is read from the version each step was taken on, so the
printed form and the reviewers' reading panel find the declaration without naming an element.
"""

from __future__ import annotations

from ...models import HistoryEvent, Instance, ProcessVersion
from ..store.deployment import engine_for, latest_version
from .queries import history_of

DECLARATION_BLOCK = "declaration"


def completions_by_block(instance: Instance, blocks: tuple[str, ...]) -> dict[str, list[HistoryEvent]]:
    """The completed tasks that fill each of ``blocks``, in history order."""
    declared: dict[int, dict[str, str]] = {}
    found: dict[str, list[HistoryEvent]] = {name: [] for name in blocks}
    for event in history_of(instance):
        if event.kind != "task_completed":
            continue
        if event.version_id not in declared:
            declared[event.version_id] = _declared_blocks(event.version)
        block = declared[event.version_id].get(event.element_id or "")
        if block in found:
            found[block].append(event)
    return found


def declarations_of(instance: Instance) -> list[HistoryEvent]:
    """The applicant's declaration and each revision of it, oldest first."""
    return completions_by_block(instance, (DECLARATION_BLOCK,))[DECLARATION_BLOCK]


def _declared_blocks(version: ProcessVersion) -> dict[str, str]:
    """Element id -> block, as the version's diagrams declare it.

    Versions deployed before the diagrams declared their blocks declare none; their histories are
    read with what the newest version of the process declares for the same elements.
    """
    declared = engine_for(version).definition.application_form_blocks()
    if declared:
        return declared
    newest = latest_version(version.process_key)
    return engine_for(newest).definition.application_form_blocks() if newest else {}
