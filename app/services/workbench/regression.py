"""Regression replay: would the recorded histories have gone the same way on a draft?

Before a draft is deployed, every application of the version it was drawn from (finished and
running) is replayed twice, step by step: as recorded (on its own version) and on the draft. After
each step the two are compared by what the process waits for and how it ended. The first step
where they part is reported with both sides; a step the draft cannot even take is reported as a
failure with the engine's reason. The draft's code runs under the same hard limits as in
production (the engine's evaluator processes): a step stopped at a limit is a ``breach``, which
refuses the deploy; the replay stops there, so a hostile draft costs one limit, not one per
application.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import select

from ...engine import Engine, EngineError, ProcessDefinition, ScriptLimitExceeded, WorkflowRun
from ...extensions import db
from ...models import Instance, ProcessDraft
from ..audit.reexecution import ReplayError, Step, apply_step, steps_of
from ..reading import element_text, reference_text
from ..store.deployment import content_hash, engine_for

SAME, DIFFERENT, FAILS = "same", "different", "fails"


@dataclass
class RegressionRow:
    instance_id: int
    applicant: str
    status: str  # same | different | fails
    steps: int
    step: int | None = None  # 1-based step where the paths part or the draft fails
    element: str | None = None  # the recorded step's element there
    recorded: list[str] = field(default_factory=list)  # what the history waited for / ended with
    draft: list[str] = field(default_factory=list)  # what the draft waits for / ended with
    reason: str | None = None
    limit: str | None = None  # the hard limit that stopped the draft's code ("CPU time", "memory", ...)
    stopped_at: str | None = None  # the element whose code was stopped there: "name (id)"


@dataclass
class RegressionReport:
    rows: list[RegressionRow]

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def all_same(self) -> bool:
        return all(r.status == SAME for r in self.rows)

    @property
    def breach(self) -> RegressionRow | None:
        """The application whose replay stopped the draft's code at a hard limit, if any."""
        return next((r for r in self.rows if r.limit), None)


@lru_cache(maxsize=8)
def _draft_engine(digest: str, files: tuple[tuple[str, str], ...], main_process_id: str) -> Engine:
    return Engine(
        ProcessDefinition.from_files({name: text.encode() for name, text in files}, main_process_id)
    )


def draft_engine(draft: ProcessDraft) -> Engine:
    digest = content_hash(draft.bpmn_files, draft.form_files, draft.main_process_id)
    return _draft_engine(digest, tuple(sorted(draft.bpmn_files.items())), draft.main_process_id)


def _named(element_id: str | None, names: dict[str, str]) -> str:
    """An element as an owner finds it in the modeler: its name and its id."""
    name = names.get(element_id or "")
    return f"{name} ({element_id})" if name and name != element_id else element_id or "?"


def _where(run: WorkflowRun, names: dict[str, str]) -> list[str]:
    """What a workflow waits for, or the end it reached, in element names."""
    if run.is_completed:
        end = run.end_outcome
        return [_("ended at %(end)s", end=names.get(end[0]) or end[1]) if end else _("ended")]
    return sorted(names.get(t.element_id, t.element_id) for t in run.ready_user_tasks())


def _recorded_step(step: Step, names: dict[str, str]) -> str:
    event = step.events[0]
    return names.get(event.element_id or "") or event.element_name or event.element_id or "?"


def _reached(run: WorkflowRun) -> Counter:
    return Counter(run.completed_element_ids()) + Counter(t.element_id for t in run.ready_user_tasks())


def _parting(
    recorded: WorkflowRun, on_draft: WorkflowRun, recorded_engine: Engine, draft: Engine, names
) -> str | None:
    """Why the paths part, when a gateway took another branch: the two branches and their conditions."""
    history, drafted = _reached(recorded), _reached(on_draft)
    only_history = [e for e in history if history[e] > drafted.get(e, 0)]
    only_draft = [e for e in drafted if drafted[e] > history.get(e, 0)]
    for element in only_draft:
        for gateway, condition in draft.definition.branches_into(element):
            for other in only_history:
                for taken_gateway, taken_condition in recorded_engine.definition.branches_into(other):
                    if taken_gateway != gateway:
                        continue
                    return _(
                        "At %(gateway)s the draft takes the branch to %(draft)s "
                        "(%(draft_condition)s) where the history took the branch to %(history)s "
                        "(%(history_condition)s).",
                        gateway=names.get(gateway, gateway),
                        draft=names.get(element, element),
                        draft_condition=condition or _("default flow"),
                        history=names.get(other, other),
                        history_condition=taken_condition or _("default flow"),
                    )
    return None


def _compare(instance: Instance, steps: list[Step], draft: Engine) -> RegressionRow:
    row = RegressionRow(instance.id, reference_text.organisation_name(instance.applicant), SAME, len(steps))
    names = {
        **element_text.names_for_reader(engine_for(instance.version).definition),
        **element_text.names_for_reader(draft.definition),
    }
    recorded_run = draft_run = None
    for number, step in enumerate(steps, start=1):
        recorded_run = apply_step(recorded_run, step, engine_for(step.events[0].version))
        try:
            draft_run = apply_step(draft_run, step, draft, match_by_element=True)
        except (ReplayError, EngineError) as exc:
            reason = exc.message if isinstance(exc, ReplayError) else str(exc)
            row.status, row.step, row.reason = FAILS, number, reason
            row.element = _recorded_step(step, names)
            if isinstance(exc, ScriptLimitExceeded):
                row.limit, row.stopped_at = exc.limit, _named(exc.element_id, names)
            row.recorded, row.draft = _where(recorded_run, names), []
            return row
        recorded, on_draft = _where(recorded_run, names), _where(draft_run, names)
        if recorded != on_draft:
            row.status, row.step = DIFFERENT, number
            row.element = _recorded_step(step, names)
            row.recorded, row.draft = recorded, on_draft
            recorded_engine = engine_for(step.events[0].version)
            row.reason = _parting(recorded_run, draft_run, recorded_engine, draft, names) or _(
                "After this step the draft waits for something else than the history did."
            )
            return row
    return row


def regression_report(draft: ProcessDraft) -> RegressionReport:
    """Replay every application of the draft's base version against the draft."""
    engine = draft_engine(draft)
    instances = db.session.scalars(
        select(Instance).where(Instance.version_id == draft.base_version_id).order_by(Instance.id)
    )
    rows = []
    for instance in instances:
        steps = steps_of(instance)
        try:
            rows.append(_compare(instance, steps, engine))
        except (ReplayError, EngineError) as exc:  # the history itself does not replay
            reason = exc.message if isinstance(exc, ReplayError) else str(exc)
            rows.append(
                RegressionRow(
                    instance.id,
                    reference_text.organisation_name(instance.applicant),
                    FAILS,
                    len(steps),
                    reason=reason,
                )
            )
        if rows[-1].limit:
            break
    return RegressionReport(rows)
