"""Named checks: rules a JSON Schema cannot express, referenced by name from a form's ``checks``.

This module is the one registry. A check is ``function(data, context) -> list[FieldError]``; it
reports only its own rule and stays silent about values the schema already rejects (missing or
malformed), so the user never sees two messages for one mistake. To add a rule: write the function
here, decorate it with ``@register("name", needs=(...fields it reads...))`` and list the name in
the form file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask_babel import gettext as _

from app.forms.errors import FieldError
from app.reference import find_theme

Check = Callable[[Mapping[str, Any], Mapping[str, Any]], list[FieldError]]

CHECKS: dict[str, Check] = {}
CHECK_NEEDS: dict[str, tuple[str, ...]] = {}

# R1: the four sections of the experiment plan, and its minimum length (不少于 4000 字)
PLAN_DOCUMENT = "plan"
PLAN_SECTIONS = ("plan_background", "plan_theme_goals", "plan_measures", "plan_guarantees")
PLAN_MIN_CHARS = 4000
# R2: the experiment period, at most 24 months
MAX_PERIOD_MONTHS = 24
# R3: the two committees a guiding expert may come from, and the declaration's field naming the experts
GUIDING_COMMITTEES = ("national", "provincial")
GUIDING_EXPERTS_FIELD = "experts"

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def register(name: str, *, needs: Iterable[str] = ()) -> Callable[[Check], Check]:
    def add(check: Check) -> Check:
        CHECKS[name] = check
        CHECK_NEEDS[name] = tuple(needs)
        return check

    return add


def count_characters(text: str) -> int:
    """Characters in ``text`` not counting white space (spaces, tabs, newlines, 全角空格...)."""
    return sum(1 for char in text if not char.isspace())


def count_plan_characters(data: Mapping[str, Any]) -> int:
    """Length of the whole plan, all four sections, white space not counted."""
    return sum(
        count_characters(data[section]) for section in PLAN_SECTIONS if isinstance(data.get(section), str)
    )


def document_minimum(document: str, checks: Iterable[str]) -> int | None:
    """The fewest characters a form's document must hold (R1 for the plan), None when no rule applies."""
    return PLAN_MIN_CHARS if document == PLAN_DOCUMENT and "plan_complete" in checks else None


def period_months(start: str, end: str) -> int | None:
    """Length of a period given as YYYY-MM months, both months included.

    2026-07 to 2028-06 is 24 months; 2026-07 to 2026-07 is 1. None if either value is not YYYY-MM.
    """
    start_match, end_match = _MONTH.match(start or ""), _MONTH.match(end or "")
    if not start_match or not end_match:
        return None
    first = int(start_match[1]) * 12 + int(start_match[2])
    last = int(end_match[1]) * 12 + int(end_match[2])
    return last - first + 1


@register("plan_complete", needs=PLAN_SECTIONS)
def plan_complete(data: Mapping[str, Any], context: Mapping[str, Any]) -> list[FieldError]:
    """R1: all four sections written and, together, at least PLAN_MIN_CHARS non-space characters."""
    errors = [
        FieldError(section, _("This section of the experiment plan is required."))
        for section in PLAN_SECTIONS
        if not (isinstance(data.get(section), str) and count_characters(data[section]))
    ]
    count = count_plan_characters(data)
    if count < PLAN_MIN_CHARS:
        errors.append(
            FieldError(
                PLAN_DOCUMENT,
                _(
                    "The experiment plan has %(count)s characters (white space not counted); "
                    "it needs at least %(minimum)s.",
                    count=count,
                    minimum=PLAN_MIN_CHARS,
                ),
            )
        )
    return errors


@register("period_within_limit", needs=("period_start", "period_end"))
def period_within_limit(data: Mapping[str, Any], context: Mapping[str, Any]) -> list[FieldError]:
    """R2: the end month is later than the start month and the period lasts at most 24 months,
    counting both the start and the end month (2026-07 to 2028-06 is the longest from 2026-07)."""
    start, end = data.get("period_start"), data.get("period_end")
    if not isinstance(start, str) or not isinstance(end, str):
        return []
    months = period_months(start, end)
    if months is None:
        return []
    if months < 2:
        return [FieldError("period_end", _("The end month must be later than the start month."))]
    if months > MAX_PERIOD_MONTHS:
        return [
            FieldError(
                "period_end",
                _(
                    "The experiment period is %(months)s months long (start and end month included); "
                    "it may last at most %(limit)s months.",
                    months=months,
                    limit=MAX_PERIOD_MONTHS,
                ),
            )
        ]
    return []


@register("guiding_expert_named", needs=(GUIDING_EXPERTS_FIELD,))
def guiding_expert_named(data: Mapping[str, Any], context: Mapping[str, Any]) -> list[FieldError]:
    """R3: at least one named guiding expert from the national or the provincial committee."""
    experts = data.get(GUIDING_EXPERTS_FIELD)
    rows = experts if isinstance(experts, list) else []
    if any(
        isinstance(row, Mapping) and row.get("name") and row.get("committee") in GUIDING_COMMITTEES
        for row in rows
    ):
        return []
    return [
        FieldError(
            GUIDING_EXPERTS_FIELD,
            _("Name at least one guiding expert from the national or the provincial expert committee."),
        )
    ]


# Independent review: the experts a province assigns to review an application (the assignment
# form's people picker) may not include its guiding experts (指导专家), who wrote the plan with the
# applicant. The service supplies ``guiding_experts`` in the context: username -> name of each
# account named as a guiding expert of the application.
REVIEWERS_FIELD = "review_experts"


def guiding_expert_conflict(username: str, context: Mapping[str, Any]) -> str | None:
    """Why `username` cannot review this application (a conflict of interest), or None."""
    name = (context.get("guiding_experts") or {}).get(username)
    if name is None:
        return None
    return _(
        "%(name)s is a guiding expert of this application and cannot review it (conflict of interest).",
        name=name,
    )


@register("reviewers_not_guiding_experts", needs=(REVIEWERS_FIELD,))
def reviewers_not_guiding_experts(data: Mapping[str, Any], context: Mapping[str, Any]) -> list[FieldError]:
    """An application's guiding expert is not among its review experts: they would judge their own plan."""
    chosen = data.get(REVIEWERS_FIELD)
    usernames = [u for u in chosen if isinstance(u, str)] if isinstance(chosen, list) else []
    reasons = [reason for u in usernames if (reason := guiding_expert_conflict(u, context))]
    return [FieldError(REVIEWERS_FIELD, " ".join(reasons))] if reasons else []


# Checks that refuse particular people of a picker, each with the function that says why: the
# picker shows those people disabled with the same reason the server gives when it refuses them.
_PERSON_CHECKS = {"reviewers_not_guiding_experts": guiding_expert_conflict}


def person_refusal(
    check_names: Iterable[str], field: str, username: str, context: Mapping[str, Any]
) -> str | None:
    """Why one of the named checks would refuse `username` in the people picker `field`, or None."""
    for name in check_names:
        says_why = _PERSON_CHECKS.get(name)
        if says_why is not None and field in CHECK_NEEDS[name]:
            reason = says_why(username, context)
            if reason:
                return reason
    return None


@register("reference_theme_valid", needs=("theme_source", "theme_code", "kind"))
def reference_theme_valid(data: Mapping[str, Any], context: Mapping[str, Any]) -> list[FieldError]:
    """A chosen reference theme exists and belongs to the chosen kind (urban themes for urban zones)."""
    code = data.get("theme_code")
    if data.get("theme_source") != "reference" or not code:
        return []
    theme = find_theme(code) if isinstance(code, str) else None
    if theme is None:
        return [FieldError("theme_code", _("Choose one of the reference themes."))]
    if data.get("kind") in ("urban", "rural") and theme.kind != data["kind"]:
        if theme.kind == "urban":
            message = _("This is an urban reference theme; choose a rural theme or change the kind.")
        else:
            message = _("This is a rural reference theme; choose an urban theme or change the kind.")
        return [FieldError("theme_code", message)]
    return []


def _theme_text(title: str) -> str:
    """A theme's words for comparison: width and case folded, white space and punctuation dropped."""
    folded = unicodedata.normalize("NFKC", title).casefold()
    return "".join(char for char in folded if unicodedata.category(char)[0] in "LN")


def theme_key(data: Mapping[str, Any]) -> str | None:
    """What identifies a theme for R4: the words of its title, a reference theme's or the applicant's own.

    Comparing titles, not codes, means a barred reference theme typed in as one's "own" theme (with
    other spacing or punctuation) is still the same theme: 不得再以原有实验主题参与申报.
    """
    title = data.get("theme_title")
    code = data.get("theme_code")
    if data.get("theme_source") == "reference" and isinstance(code, str):
        theme = find_theme(code)
        title = theme.title if theme is not None else code
    key = _theme_text(title) if isinstance(title, str) else ""
    return key or None


@register("theme_not_barred", needs=("theme_source", "theme_code", "theme_title"))
def theme_not_barred(data: Mapping[str, Any], context: Mapping[str, Any]) -> list[FieldError]:
    """R4: after two failed preliminary reviews the applicant may never apply with that theme again.

    The service supplies ``barred_themes``: the theme keys this applicant has lost.
    """
    key = theme_key(data)
    if key is None or key not in (context.get("barred_themes") or ()):
        return []
    field = "theme_code" if data.get("theme_source") == "reference" else "theme_title"
    return [
        FieldError(
            field,
            _(
                "This applicant failed the preliminary review twice with this theme and may not apply "
                "with it again (notice 鲁民函〔2019〕50号); please choose another theme."
            ),
        )
    ]


@register("assessment_method_chosen", needs=("assessment_meeting", "assessment_field_visit"))
def assessment_method_chosen(data: Mapping[str, Any], context: Mapping[str, Any]) -> list[FieldError]:
    """Phase 4: the province assesses by meeting and/or field visit — at least one of them."""
    if data.get("assessment_meeting") is True or data.get("assessment_field_visit") is True:
        return []
    return [
        FieldError(
            "assessment_meeting", _("Choose how the assessment was made: meeting, field visit or both.")
        )
    ]


# Phase 7: the national programme an accepted zone may be recommended to depends on its kind. Only
# accepted zones reach this step (R9): acceptance.bpmn's gateway decides it, not a check.
NATIONAL_PROGRAMME_FOR_KIND = {"urban": "community_innovation", "rural": "rural_governance"}


@register("programme_matches_kind", needs=("national_decision", "national_programme"))
def programme_matches_kind(data: Mapping[str, Any], context: Mapping[str, Any]) -> list[FieldError]:
    """An urban zone goes to 全国社区治理和服务创新实验区, a rural one to 全国农村社区治理实验区.

    The service supplies the zone's ``kind`` in the context.
    """
    expected = NATIONAL_PROGRAMME_FOR_KIND.get(context.get("kind") or "")
    if data.get("national_decision") != "recommend" or expected is None:
        return []
    if data.get("national_programme") in (None, expected):
        return []
    return [
        FieldError(
            "national_programme", _("This zone's kind decides the national programme: choose the other one.")
        )
    ]


def _iso_date(value: Any) -> str | None:
    """``value`` if it is a YYYY-MM-DD string (ISO dates compare correctly as strings), else None."""
    return value if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None


@register("schedule_adjustment_names_dates", needs=("change_type", "new_plan_due", "new_summary_due"))
def schedule_adjustment_names_dates(data: Mapping[str, Any], context: Mapping[str, Any]) -> list[FieldError]:
    """R6: a schedule adjustment (进度调整) names at least one new due date, none of them in the past.

    The dates move only once the province approves the request (implementation.bpmn's decision). The
    service supplies ``today`` (Beijing date, ISO) in the context.
    """
    if data.get("change_type") != "schedule":
        return []
    dates = {name: _iso_date(data.get(name)) for name in ("new_plan_due", "new_summary_due")}
    if not any(dates.values()):
        return [FieldError("new_plan_due", _("A schedule adjustment must name at least one new due date."))]
    today = context.get("today")
    return [
        FieldError(name, _("The new due date cannot be in the past."))
        for name, value in dates.items()
        if value and today and value < today
    ]


@register("extension_before_period_end", needs=("new_end_date",))
def extension_before_period_end(data: Mapping[str, Any], context: Mapping[str, Any]) -> list[FieldError]:
    """R8: an extension is requested before the experiment period ends, and moves its end later.

    The service supplies ``today`` and the current ``period_end_date`` (both ISO dates).
    """
    today, period_end = context.get("today"), _iso_date(context.get("period_end_date"))
    if today and period_end and today > period_end:
        return [
            FieldError(
                "new_end_date",
                _(
                    "The experiment period ended on %(date)s: an extension must be requested before "
                    "the period ends.",
                    date=period_end,
                ),
            )
        ]
    new_end = _iso_date(data.get("new_end_date"))
    if new_end and period_end and new_end <= period_end:
        return [
            FieldError(
                "new_end_date",
                _(
                    "The new end date must be later than the current end of the period (%(date)s).",
                    date=period_end,
                ),
            )
        ]
    return []
