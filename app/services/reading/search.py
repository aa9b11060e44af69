"""Finding applications: filters, free words and full text, within the user's scope, a page at a time.

Free words (``q``) are split at spaces; an application matches when every word matches one of:
its county (name, its city's name before it — 历下 and 济南市历下区 alike — or administrative code),
its city, its theme (title or code), its call (name or year), its number, or — from three characters on — the
text of a submission the user may read (the plans, opinions and decisions: ``store.search_index``,
found through ``app.visibility``, so a city never finds an application by an expert's words).
The full text runs on SQLite's FTS5 trigram index or PostgreSQL's pg_trgm index; both need three
characters, so shorter words match the short fields only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import ColumnElement, Select, column, func, or_, select, table
from sqlalchemy.orm import aliased, contains_eager

from ...extensions import db
from ...models import Call, Instance, Organisation, SearchText, User
from ...scope import visible_instances_filter
from ...visibility import findable_texts_filter
from ..errors import MAX_ID
from .paging import DEFAULT_LIMIT, MAX_LIMIT, Ordering, Page, SortKey, keyset_page

FULL_TEXT_MIN = 3  # the trigram indexes find nothing shorter
MAX_WORDS = 8
MAX_QUERY = 200

_applicant = aliased(Organisation, name="applicant_org")
_city = aliased(Organisation, name="city_org")
_fts = table("search_texts_fts", column("rowid"), column("search_texts_fts"))

# Every column the list shows sorts; the key is never NULL so that keyset comparisons hold.
APPLICATION_SORTS: dict[str, SortKey] = {
    "id": Instance.id,
    "applicant": _applicant.adcode,
    "city": _city.adcode,
    "call": Instance.call_id,
    "theme": func.coalesce(Instance.theme_title, ""),
    "phase": func.coalesce(Instance.phase, ""),
    "status": Instance.status,
    "updated": Instance.updated_at,
}
ORDERS = ("asc", "desc")


@dataclass(frozen=True)
class ApplicationQuery:
    """What a list of applications asks for; every field comes from the URL, so it can be bookmarked."""

    q: str | None = None
    city: str | None = None  # adcode
    call: int | None = None
    phase: str | None = None
    theme: str | None = None  # part of the theme's title, or its code
    status: str | None = None  # running | completed
    outcome: str | None = None  # how an ended application ended (its end event's outcome)
    sort: str = "updated"
    order: str = "desc"
    after: int | None = None  # the id of the last application of the page before
    limit: int | None = None  # DEFAULT_LIMIT; at most MAX_LIMIT

    def normalised(self) -> ApplicationQuery:
        """Unknown sorts and orders fall back to the default; words are cut to a sane length."""
        return replace(
            self,
            q=(self.q or "").strip()[:MAX_QUERY] or None,
            theme=(self.theme or "").strip() or None,
            sort=self.sort if self.sort in APPLICATION_SORTS else "updated",
            order=self.order if self.order in ORDERS else "desc",
            after=self.after if self.after is not None and 0 < self.after < MAX_ID else None,
            limit=min(max(self.limit or DEFAULT_LIMIT, 1), MAX_LIMIT),
        )


def search_applications(user: User, query: ApplicationQuery = ApplicationQuery()) -> Page[Instance]:
    query = query.normalised()
    ordering = Ordering(APPLICATION_SORTS[query.sort], Instance.id, query.order == "desc")
    return keyset_page(
        matching_applications(user, query), ordering, query.after, query.limit or DEFAULT_LIMIT
    )


def matching_applications(user: User, query: ApplicationQuery) -> Select:
    """Every application in `user`'s scope that a (normalised) query matches, unordered and unpaged:
    a page of the list, or all of them for its Excel export."""
    select_ = (
        select(Instance)
        .join(_applicant, _applicant.id == Instance.applicant_org_id)
        .join(_city, _city.id == Instance.city_org_id)
        .join(Call, Call.id == Instance.call_id)
        .where(visible_instances_filter(user))
        # The rows show the county, city and call: read from these joins, not joined a second time.
        .options(
            contains_eager(Instance.applicant.of_type(_applicant)),
            contains_eager(Instance.city.of_type(_city)),
            contains_eager(Instance.call),
        )
    )
    select_ = _filtered(select_, query)
    for word in (query.q or "").split()[:MAX_WORDS]:
        select_ = select_.where(_word_matches(user, word))
    return select_


def _filtered(select_: Select, query: ApplicationQuery) -> Select:
    if query.city:
        select_ = select_.where(_city.adcode == query.city)
    if query.call is not None:
        select_ = select_.where(Instance.call_id == query.call)
    if query.phase:
        select_ = select_.where(Instance.phase == query.phase)
    if query.status:
        select_ = select_.where(Instance.status == query.status)
    if query.outcome:
        select_ = select_.where(Instance.outcome == query.outcome)
    if query.theme:
        select_ = select_.where(
            Instance.theme_title.ilike(_contains(query.theme), escape="\\")
            | (Instance.theme_code == query.theme)
        )
    return select_


def _contains(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _word_matches(user: User, word: str) -> ColumnElement[bool]:
    if word.isdigit():
        # A number is an application's number, an administrative code or a call's year, never a
        # part of a name (every call's name holds its year).
        conditions = [_applicant.adcode == word, _city.adcode == word]
        if int(word) < MAX_ID:
            conditions += [Instance.id == int(word), Call.year == int(word)]
    else:
        pattern = _contains(word)
        conditions = [
            (_city.name + _applicant.name).ilike(pattern, escape="\\"),
            Instance.theme_title.ilike(pattern, escape="\\"),
            Instance.theme_code == word,
            Call.name.ilike(pattern, escape="\\"),
        ]
    if len(word) >= FULL_TEXT_MIN:
        conditions.append(Instance.id.in_(_texts_matching(user, word)))
    return or_(*conditions)


def _texts_matching(user: User, word: str) -> Select:
    """The applications with a search text `user` may find them by that contains `word`."""
    texts = select(SearchText.instance_id).where(findable_texts_filter(user))
    if db.session.get_bind().dialect.name == "sqlite":
        phrase = '"' + word.replace('"', '""') + '"'  # one trigram phrase: the word as a substring
        return texts.where(
            SearchText.id.in_(select(_fts.c.rowid).where(_fts.c.search_texts_fts.op("MATCH")(phrase)))
        )
    return texts.where(SearchText.body.ilike(_contains(word), escape="\\"))
