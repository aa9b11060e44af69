"""The printable 申报表 (attachment 3 of the notice): what the paper form shows for one application.

The declaration part comes from the latest declaration (or revision) the applicant submitted; the
three opinion blocks fill in as the process reaches them and stay blank otherwise, so the printed
form can be completed, signed and sealed by hand.

Which task fills which block is declared by the diagrams (each such task's ``applicationFormBlock``
property, see ``app.engine.properties``), read from the version each step was taken on; what a
submission contributes is read from its fields, the names the forms define.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from ...clock import PROGRAMME_TZ
from ...models import HistoryEvent, User
from ...visibility import is_confidential, may_see_submission
from . import queries
from .disclosure import role_of
from .form_blocks import completions_by_block
from .language import english_wanted, parenthesised
from .reference_text import organisation_name, person_name, theme_title
from .submission import DocumentText, read_submission

COMMITTEE_LABELS = {
    "national": _l("National Expert Committee on Grassroots Government and Community Building"),
    "provincial": _l("Shandong Expert Committee on Grassroots Government and Community Governance"),
}
KIND_LABELS = {
    "urban": _l("Urban community governance experimental zone"),
    "rural": _l("Rural community governance experimental zone"),
}
CITY_VERDICTS = {"agree": _l("Agree to recommend"), "decline": _l("Do not recommend")}
REVIEW_VERDICTS = {"pass": _l("Passed the preliminary review"), "improve": _l("Needs improvement")}
# Who signs the preliminary review block for a reader who may not know the experts (see _review_opinion).
EXPERT_PANEL = _l("Expert panel")
ASSESSMENT_VERDICTS = {"pass": _l("Passed the assessment"), "fail": _l("Did not pass the assessment")}


@dataclass(frozen=True)
class FormBlock:
    """A block of the printed form: its printed title and the submission fields it shows."""

    label: str
    fields: frozenset[str]


# Keyed by the values a diagram gives the applicationFormBlock property. The fields are the ones the
# readers below take from submissions (the draft checks warn about a task whose form has none).
BLOCKS = {
    "declaration": FormBlock(
        _l("Declaration of the applicant"),
        frozenset(
            (
                "theme_title",
                "kind",
                "period_start",
                "period_end",
                "experts",
                "department",
                "lead_name",
                "lead_post",
                "lead_office_phone",
                "lead_mobile",
                "email",
                "zone_summary",
                "experiment_summary",
            )
        ),
    ),
    "city_opinion": FormBlock(
        _l("Review and recommendation of the city civil affairs bureau"),
        frozenset(
            (
                "city_agrees",
                "city_recommendation_comments",
                "city_doc_number",
                "city_doc_date",
                "city_decision",
                "city_comments",
            )
        ),
    ),
    "review_opinion": FormBlock(
        _l("Preliminary review of the experiment plan"),
        frozenset(("review_result", "review_comments", "opinion")),
    ),
    "province_opinion": FormBlock(
        _l("Assessment of the provincial civil affairs department"),
        frozenset(("assessment_result", "assessment_comments", "recognition_doc_number", "recognition_date")),
    ),
}


@dataclass(frozen=True)
class GuidingExpert:
    name: str
    committee: str
    title: str
    contact: str


@dataclass(frozen=True)
class OpinionBlock:
    """One opinion box of the form; `filled` is False while the process has not reached it."""

    filled: bool = False
    verdict: str = ""
    comments: str = ""
    signatures: list[str] = field(default_factory=list)
    doc_number: str = ""
    doc_date: str = ""
    date: str = ""


@dataclass(frozen=True)
class ApplicationForm:
    instance_id: int
    applicant: str
    theme: str
    kind: str
    period: str
    experts: list[GuidingExpert]
    department: str
    lead_name: str
    lead_post: str
    lead_office_phone: str
    lead_mobile: str
    email: str
    zone_summary: str
    experiment_summary: str
    city_opinion: OpinionBlock
    review_opinion: OpinionBlock
    province_opinion: OpinionBlock
    declared: bool
    # What the paper form carries as its attachment: the declaration's documents (the plan).
    attachments: list[DocumentText] = field(default_factory=list)


def application_form_for(user: User, instance_id: int, locale: str = "zh_CN") -> ApplicationForm:
    """The form as it stands now, with the plan as its attachment; raises NotFound for an application
    outside the user's scope."""
    instance = queries.instance_for(user, instance_id)
    blocks = completions_by_block(instance, tuple(BLOCKS))
    declaration = blocks["declaration"][-1] if blocks["declaration"] else None
    data = declaration.data if declaration else {}
    return ApplicationForm(
        instance_id=instance.id,
        applicant=organisation_name(instance.applicant),
        theme=theme_title(instance) or data.get("theme_title") or "",
        kind=str(KIND_LABELS.get(data.get("kind") or instance.theme_kind or "", "")),
        period=_period(data.get("period_start"), data.get("period_end")),
        experts=[_expert(e) for e in data.get("experts") or []],
        department=data.get("department", ""),
        lead_name=data.get("lead_name", ""),
        lead_post=data.get("lead_post", ""),
        lead_office_phone=data.get("lead_office_phone", ""),
        lead_mobile=data.get("lead_mobile", ""),
        email=data.get("email", ""),
        zone_summary=data.get("zone_summary", ""),
        experiment_summary=data.get("experiment_summary", ""),
        city_opinion=_city_opinion(blocks["city_opinion"]),
        review_opinion=_review_opinion(blocks["review_opinion"], user),
        province_opinion=_province_opinion(blocks["province_opinion"]),
        declared=declaration is not None,
        attachments=_attachments(declaration, locale),
    )


def blank_application_form() -> ApplicationForm:
    """The 申报表 with nothing filled in: the template a call publishes (附件3), printed from the same
    layout as every application's form so the two never differ."""
    empty = OpinionBlock()
    return ApplicationForm(
        instance_id=0,
        applicant="",
        theme="",
        kind="",
        period="",
        experts=[],
        department="",
        lead_name="",
        lead_post="",
        lead_office_phone="",
        lead_mobile="",
        email="",
        zone_summary="",
        experiment_summary="",
        city_opinion=empty,
        review_opinion=empty,
        province_opinion=empty,
        declared=False,
    )


def paper_date(value: datetime | date | str | None) -> str:
    """YYYY年M月D日 in Beijing time, as dates are written on official paper (ISO for English readers)."""
    if not value:
        return ""
    if isinstance(value, str):
        text = value
        try:
            value = date.fromisoformat(text[:10])
        except ValueError:
            return text
    if isinstance(value, datetime):
        value = value.astimezone(PROGRAMME_TZ).date()
    if english_wanted():
        return value.isoformat()
    return f"{value.year}年{value.month}月{value.day}日"


def _attachments(declaration: HistoryEvent | None, locale: str) -> list[DocumentText]:
    submission = read_submission(declaration, locale) if declaration is not None else None
    return submission.documents if submission is not None else []


def _latest_with(events: list[HistoryEvent], field: str) -> HistoryEvent | None:
    """The latest of ``events`` whose submission filled ``field``."""
    return next((e for e in reversed(events) if e.data.get(field)), None)


def _period(start: str | None, end: str | None) -> str:
    def month(value: str | None) -> str:
        if not value or "-" not in value:
            return value or ""
        year, mon = value.split("-", 1)
        if english_wanted() or not mon.isdigit():
            return value
        return f"{year}年{int(mon)}月"

    if not start and not end:
        return ""
    return f"{month(start)} – {month(end)}" if english_wanted() else f"{month(start)}—{month(end)}"


def _expert(entry: dict) -> GuidingExpert:
    committee = entry.get("committee") or ""
    return GuidingExpert(
        name=entry.get("name", ""),
        committee=str(COMMITTEE_LABELS.get(committee, committee)),
        title=entry.get("title", ""),
        contact=entry.get("contact", ""),
    )


def _label(labels: dict, value: str | None) -> str:
    return str(labels.get(value, value or ""))


def _city_opinion(events: list[HistoryEvent]) -> OpinionBlock:
    """The city's formal recommendation once it gave one; until then its forwarding of the plan."""
    recommendation = _latest_with(events, "city_agrees")
    if recommendation is not None:
        data = recommendation.data
        return OpinionBlock(
            filled=True,
            verdict=_label(CITY_VERDICTS, data.get("city_agrees")),
            comments=data.get("city_recommendation_comments", ""),
            doc_number=data.get("city_doc_number", ""),
            date=paper_date(data.get("city_doc_date") or recommendation.at),
        )
    forwarded = [e for e in events if e.data.get("city_decision") == "forward"]
    if not forwarded:
        return OpinionBlock()
    event = forwarded[-1]
    return OpinionBlock(
        filled=True,
        verdict=_label(CITY_VERDICTS, "agree"),
        comments=event.data.get("city_comments", ""),
        date=paper_date(event.at),
    )


def _review_opinion(events: list[HistoryEvent], reader: User) -> OpinionBlock:
    """The latest preliminary review decision, signed by the experts who gave opinions in that round.

    The opinions are the round's submissions from the review experts' lane; the system signed each
    with the expert's name and the time they submitted it. On paper the experts sign this block; a
    reader who may not know who reviewed (app.visibility: the city, the applicant, its guiding
    experts, the other experts) gets the block with the decision, the province's summary and
    "专家组" (the expert panel) where the names would be.
    """
    decisions = [i for i, e in enumerate(events) if e.data.get("review_result")]
    if not decisions:
        return OpinionBlock()
    last = decisions[-1]
    round_start = decisions[-2] + 1 if len(decisions) > 1 else 0
    decision = events[last]
    opinions = [e for e in events[round_start:last] if is_confidential(role_of(e))]
    if all(may_see_submission(reader, role_of(e), e.actor_id) for e in opinions):
        signatures = [
            f"{person_name(e.actor)}{parenthesised(paper_date(e.at))}"
            for e in opinions
            if e.actor is not None
        ]
    else:
        signatures = [str(EXPERT_PANEL)]
    return OpinionBlock(
        filled=True,
        verdict=_label(REVIEW_VERDICTS, decision.data.get("review_result")),
        comments=decision.data.get("review_comments", ""),
        signatures=signatures,
        date=paper_date(decision.at),
    )


def _province_opinion(events: list[HistoryEvent]) -> OpinionBlock:
    assessment = _latest_with(events, "assessment_result")
    recognition = _latest_with(events, "recognition_doc_number")
    dated = recognition or assessment
    if dated is None:
        return OpinionBlock()
    assessed = assessment.data if assessment else {}
    recognised = recognition.data if recognition else {}
    return OpinionBlock(
        filled=True,
        verdict=_label(ASSESSMENT_VERDICTS, assessed.get("assessment_result")),
        comments=assessed.get("assessment_comments", ""),
        doc_number=recognised.get("recognition_doc_number", ""),
        doc_date=paper_date(recognised.get("recognition_date")),
        date=paper_date(recognised.get("recognition_date") or dated.at),
    )


def form_pdf(html: str, static_folder: str, static_url_path: str = "/static") -> bytes:
    """The form as PDF, laid out by WeasyPrint with the same print stylesheet the browser uses.

    Stylesheets come from the static folder and every other URL is refused, so rendering never makes
    a network request. WeasyPrint is imported here, not at the top: it loads Debian's Pango
    (libpango-1.0-0, libpangoft2-1.0-0) when imported, and the rest of the app does not need it.
    """
    from pathlib import Path
    from urllib.parse import urlparse

    import weasyprint
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    root = Path(static_folder).resolve()
    prefix = static_url_path.rstrip("/") + "/"

    class StaticOnly(URLFetcher):
        def fetch(self, url, headers=None):
            path = urlparse(url).path
            file = (root / path[len(prefix) :]).resolve()
            if not path.startswith(prefix) or not file.is_relative_to(root) or not file.is_file():
                raise ValueError(f"not a static file: {url}")
            return URLFetcherResponse(url, file.read_bytes(), {"Content-Type": "text/css"})

    return weasyprint.HTML(string=html, base_url="http://form.invalid/", url_fetcher=StaticOnly()).write_pdf()
