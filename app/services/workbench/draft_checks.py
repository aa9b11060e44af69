"""Server-side checks of a draft: the modeler's lint rules, and a real parse by the engine.

The browser lints as the owner draws (bpmnlint with the same rules); the server repeats them on
every save and before every deploy, because only the server's word counts: an uploaded or saved
diagram is untrusted XML (parsed with entities and network off, size-limited), every script,
condition and timer expression must be accepted by the restricted evaluator and compile (checked
in an evaluator process, under the same limits as running them), and the whole set must parse with
SpiffWorkflow. Each problem names its file and, where it has one, its element. Once the engine parses
the set, the printed 申报表 is checked too: a deploy must not leave one of its blocks to no task.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _

from ...engine import (
    DUE_DATE_PROPERTY,
    FORM_PROPERTY,
    DiagramError,
    ProcessDefinition,
    ScriptError,
    check_snippets,
    lanes_by_element,
    parse_bpmn_xml,
)
from ...forms import FormDefinitionError, load_form
from ...roles import role_for_lane
from ..reading.application_form import BLOCKS
from ..reading.language import list_separator
from . import english_checks

_NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
_TIMER_EXPRESSIONS = (
    ".//bpmn:timerEventDefinition/*[self::bpmn:timeDate or self::bpmn:timeDuration or self::bpmn:timeCycle]"
)
MAX_FORM_BYTES = 200_000


@dataclass(frozen=True)
class Problem:
    file: str
    element_id: str | None
    rule: str
    message: str
    severity: str = "error"  # error: blocks a deploy; warning: shown only


def _property(element, name: str) -> str | None:
    for prop in element.xpath(
        "bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", namespaces=_NS
    ):
        if prop.get("name") == name:
            return prop.get("value")
    return None


def _form_users(file: str, root, forms: set[str]) -> list[Problem]:
    """Each user task (and each message start event a person triggers) names an existing form;
    each user task sits in a lane that names a role."""
    problems = []
    lanes = lanes_by_element(root)
    starts = root.xpath(".//bpmn:startEvent[bpmn:messageEventDefinition]", namespaces=_NS)
    for element in [*root.xpath(".//bpmn:userTask", namespaces=_NS), *starts]:
        element_id = element.get("id")
        form = _property(element, FORM_PROPERTY)
        if not form and element.tag.endswith("userTask"):
            problems.append(Problem(file, element_id, "form-named", _("This user task names no form.")))
        elif form and form not in forms:
            problems.append(
                Problem(
                    file,
                    element_id,
                    "form-exists",
                    _("The form %(form)s does not exist in this draft.", form=form),
                )
            )
        if element.tag.endswith("userTask") and role_for_lane(lanes.get(element_id)) is None:
            problems.append(
                Problem(
                    file, element_id, "lane-role", _("This user task is not in a lane that names a role.")
                )
            )
    return problems


def _gateways(file: str, root) -> list[Problem]:
    """A splitting exclusive or inclusive gateway: every flow but the default has a condition."""
    problems = []
    flows = root.xpath(".//bpmn:sequenceFlow", namespaces=_NS)
    for gateway in root.xpath(".//bpmn:exclusiveGateway | .//bpmn:inclusiveGateway", namespaces=_NS):
        outgoing = [f for f in flows if f.get("sourceRef") == gateway.get("id")]
        if len(outgoing) < 2:
            continue
        for flow in outgoing:
            if flow.get("id") == gateway.get("default"):
                continue
            if not (flow.findtext("bpmn:conditionExpression", namespaces=_NS) or "").strip():
                problems.append(
                    Problem(
                        file,
                        flow.get("id"),
                        "gateway-conditions",
                        _("This flow leaves a splitting gateway without a condition and is not its default."),
                    )
                )
    return problems


# Scripts are statements; conditions and timer expressions are single expressions.
_MODES = {"script": "exec", "condition": "eval", "timer": "eval", "due date": "eval"}


def _refusals(snippets: list[tuple[str, str]]) -> list[str | None]:
    """Why each (source, mode) is refused, checked in an evaluator under the scripts' limits.

    One round trip for all of them; if that one is stopped at a limit, each is checked alone so
    that the refusal lands on the element that caused it.
    """
    try:
        return check_snippets(snippets)
    except ScriptError:
        reasons: list[str | None] = []
        for snippet in snippets:
            try:
                reasons += check_snippets([snippet])
            except ScriptError as exc:
                reasons.append(exc.message)
        return reasons


def _code(file: str, root) -> list[Problem]:
    """Scripts, conditions, timers and due dates: accepted by the restricted evaluator and compiled."""
    problems = []
    sources = [
        *(
            (e.getparent().get("id"), e.text, "script")
            for e in root.xpath(".//bpmn:scriptTask/bpmn:script", namespaces=_NS)
        ),
        *(
            (e.getparent().get("id"), e.text, "condition")
            for e in root.xpath(".//bpmn:sequenceFlow/bpmn:conditionExpression", namespaces=_NS)
        ),
        *(
            (e.getparent().getparent().get("id"), e.text, "timer")
            for e in root.xpath(_TIMER_EXPRESSIONS, namespaces=_NS)
        ),
        *(  # property -> properties -> extensionElements -> the task
            (e.getparent().getparent().getparent().get("id"), e.get("value"), "due date")
            for e in root.xpath(f".//spiffworkflow:property[@name='{DUE_DATE_PROPERTY}']", namespaces=_NS)
        ),
    ]
    filled = []
    for element_id, source, kind in sources:
        if (source or "").strip():
            filled.append((element_id, source, kind))
        else:
            problems.append(
                Problem(file, element_id, f"{kind}-empty", _("The %(kind)s is empty.", kind=kind))
            )
    reasons = _refusals([(source, _MODES[kind]) for _, source, kind in filled])
    for (element_id, _source, kind), reason in zip(filled, reasons, strict=True):
        if reason:
            problems.append(
                Problem(
                    file,
                    element_id,
                    f"{kind}-parses",
                    _(
                        "The %(kind)s is refused by the restricted evaluator: %(reason)s",
                        kind=kind,
                        reason=reason,
                    ),
                )
            )
    return problems


_CJK = re.compile(r"[\u4e00-\u9fff]")


def _chinese_labels(name: str, form) -> list[Problem]:
    """The UI speaks Chinese first: the form's title and every field's label carry Chinese."""
    labelled = [("title", form.title), *((f.name, f.title) for f in form.fields())]
    return [
        Problem(name, None, "form-chinese-labels", _("The label of %(field)s has no Chinese.", field=field))
        for field, label in labelled
        if not _CJK.search(label or "")
    ]


def _forms(form_files: dict[str, str], used: set[str]) -> list[Problem]:
    problems = []
    for name, text in sorted(form_files.items()):
        if len(text.encode()) > MAX_FORM_BYTES:
            problems.append(Problem(name, None, "form-size", _("The form is larger than 200 KB.")))
            continue
        try:
            form = load_form(name, text)
        except FormDefinitionError as exc:
            problems.append(Problem(name, None, "form-valid", str(exc)))
        else:
            problems += _chinese_labels(name, form)
            missing = english_checks.untranslated_form_labels(form)
            if missing:
                message = english_checks.form_message(missing)
                problems.append(Problem(name, None, "form-english", message, severity="warning"))
        if name not in used:
            problems.append(
                Problem(
                    name, None, "form-used", _("No diagram of this draft uses this form."), severity="warning"
                )
            )
    return problems


def check_files(
    bpmn_files: dict[str, str], form_files: dict[str, str], main_process_id: str
) -> list[Problem]:
    """Every problem of a set of diagrams and forms, in file order."""
    problems: list[Problem] = []
    roots = {}
    for name, text in sorted(bpmn_files.items()):
        try:
            roots[name] = parse_bpmn_xml(text.encode(), name)
        except DiagramError as exc:
            problems.append(Problem(name, exc.element_id, "xml", _unsafe(exc)))
    used: set[str] = set()
    for name, root in roots.items():
        problems += _form_users(name, root, set(form_files))
        problems += _gateways(name, root)
        problems += _code(name, root)
        problems += [
            Problem(name, element_id, "name-english", english_checks.element_message(), severity="warning")
            for element_id in english_checks.untranslated_elements(root)
        ]
        used |= {
            p.get("value")
            for p in root.xpath(f".//spiffworkflow:property[@name='{FORM_PROPERTY}']", namespaces=_NS)
        }
    problems += _forms(form_files, used)
    if len(roots) == len(bpmn_files):
        try:
            definition = ProcessDefinition.from_files(
                {n: t.encode() for n, t in bpmn_files.items()}, main_process_id
            )
        except DiagramError as exc:
            message = _("The process engine cannot use these diagrams: %(reason)s", reason=exc.message)
            problems.append(Problem(exc.filename or "", exc.element_id, "engine-parse", message))
        else:
            problems += _application_form_blocks(definition, roots, form_files)
    return problems


def _application_form_blocks(
    definition: ProcessDefinition, roots: dict, form_files: dict[str, str]
) -> list[Problem]:
    """Warnings for the printed 申报表: a block no task fills, and a task that cannot fill its block.

    Several tasks may fill one block (a declaration and its revisions; the city's forwarding and its
    formal recommendation): the latest submission wins. What matters is that the tasks' forms carry
    the fields the block prints, and that the block a task names exists.
    """
    problems = []
    claimed = definition.application_form_blocks()
    forms = definition.forms_by_element()
    for element_id, block in sorted(claimed.items()):
        file = _file_of(roots, element_id)
        if block not in BLOCKS:
            known = list_separator().join(BLOCKS)
            message = _(
                "This task names the block “%(block)s” of the application form, which has no such "
                "block (its blocks: %(known)s).",
                block=block,
                known=known,
            )
            problems.append(Problem(file, element_id, "form-block-known", message, severity="warning"))
            continue
        form = forms.get(element_id)
        fields = _field_names(form, form_files)
        if fields is not None and not BLOCKS[block].fields & fields:
            message = _(
                "This task is to fill “%(block)s” of the application form, but its form %(form)s has "
                "none of the fields that block prints.",
                block=BLOCKS[block].label,
                form=form,
            )
            problems.append(Problem(file, element_id, "form-block-fields", message, severity="warning"))
        elif form is None:
            message = _(
                "This element is to fill “%(block)s” of the application form, but it shows no form.",
                block=BLOCKS[block].label,
            )
            problems.append(Problem(file, element_id, "form-block-fields", message, severity="warning"))
    for block in [b for b in BLOCKS if b not in claimed.values()]:
        message = _(
            "No task fills “%(block)s” of the application form: that block would print blank.",
            block=BLOCKS[block].label,
        )
        problems.append(Problem("", None, "form-block-filled", message, severity="warning"))
    return problems


def _file_of(roots: dict, element_id: str) -> str:
    return next((name for name, root in roots.items() if root.xpath(".//*[@id=$id]", id=element_id)), "")


def _field_names(form: str | None, form_files: dict[str, str]) -> set[str] | None:
    """The fields of a draft's form; None when the form is missing or invalid (reported elsewhere)."""
    if form not in form_files:
        return None
    try:
        return set(load_form(form, form_files[form]).field_names())
    except FormDefinitionError:
        return None


def parse_problem(name: str, text: str) -> Problem | None:
    """Whether one uploaded diagram may be stored at all: it must be safe, well-formed BPMN XML."""
    try:
        parse_bpmn_xml(text.encode(), name)
    except DiagramError as exc:
        return Problem(name, exc.element_id, "xml", _unsafe(exc))
    return None


def _unsafe(exc: DiagramError) -> str:
    return _("The file is not safe, well-formed BPMN XML: %(reason)s", reason=exc.message)
