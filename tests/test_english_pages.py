"""With the English switch, the demo's pages read in English: no Chinese outside what people typed.

Every demo role signs in, switches to English and walks its pages by following their links (every
task and application, one page of each other kind), from the inbox, the lists, the calls,
the notifications, the audit area and the workbench. Chinese left on a page must be user-entered data:

* what people submitted through forms: every text in the applications' history events and
  stored documents (a field value, a plan paragraph, an opinion, an own theme, a document number)
  — a text on the page that is part of one of these (a plan's sentence in a revision's diff) counts;
* the names and titles of people (every account but a unit's own, named after its bureau, and one
  named after its role, which reads as the role) and the names of files people uploaded;
* what the province wrote on a call: the notice's text, its contacts and its files' names;
* what the process owner wrote: draft names, deployment notes, and the diagram and form sources in
  the workbench's editors (a ``<textarea>`` holds what its user types);
* the language switcher's 中文, a language named in itself;
* passages quoted from a plan and marked as Chinese (``lang="zh-CN"``: the similarity check's copied
  passages), whose fragments between marks may be a unit's name the copy changed: each must still be
  part of a submitted text.

Everything else — task names, phases, outcomes, diagram tabs, choice labels, units, themes, calls,
roles, dates, punctuation — must be English.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from html.parser import HTMLParser
from typing import Any

import pytest
from sqlalchemy import select

from app.demo import seeding
from app.extensions import db
from app.models import (
    Attachment,
    Call,
    CallAttachment,
    Document,
    HistoryEvent,
    Organisation,
    ProcessDraft,
    ProcessVersion,
    User,
)
from app.roles import ROLE_LABELS

from .web_helpers import csrf_token, login

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
SHOWN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
START_PAGES = [
    "/inbox",
    "/applications",
    "/command/",
    "/command/report?year=2026",
    "/calls",
    "/notifications",
    "/audit",
    "/command/heatmap",
    "/admin/incidents",
    "/modeler",
    "/modeler/migration",
    "/audit/security",
]
NOT_PAGES = ("logout", "/language/", ".zip", ".xlsx", ".pdf", "/files/", "download", "/diagrams/")
PAGES_PER_USER = 60
# One account of each role, each with work in the demo (README: "Demo accounts").
ROLES = [
    "370402",
    "370783",
    "370200",
    "371000",
    "province",
    "expert05",
    "expert01",
    "owner",
    "auditor",
    "admin",
]


class _Text(HTMLParser):
    """The text a reader sees, as text nodes, and the page's links."""

    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[str] = []
        self.links: list[str] = []
        self._open: list[str] = []  # the elements the text is in, innermost last (void elements left out)
        self._hidden_depths: list[int] = []  # where a <script>, <style>, <textarea> or a 中文 starts
        self._data_script = False  # inside <script type="application/json">: data a page's script shows
        self.data: list[str] = []
        self.quoted: list[str] = []  # text inside an element other than a button marked lang="zh-CN"
        self._quoted_depths: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "a" and (attributes.get("href") or "").startswith("/"):
            self.links.append(attributes["href"] or "")
        if tag in VOID:
            if tag == "input" and attributes.get("type") in ("submit", "button"):
                self.nodes.append(attributes.get("value") or "")
            self.nodes += [attributes[name] or "" for name in SHOWN_ATTRIBUTES if attributes.get(name)]
            return
        self._open.append(tag)
        if tag == "script" and attributes.get("type") == "application/json":
            self._data_script = True
            self.data.append("")
        # the language switcher names Chinese in Chinese (and says so with its lang attribute)
        if tag in ("script", "style", "textarea") or (tag == "button" and attributes.get("lang") == "zh-CN"):
            self._hidden_depths.append(len(self._open))
        elif attributes.get("lang") == "zh-CN":
            self._quoted_depths.append(len(self._open))
        if not self._hidden_depths:
            self.nodes += [attributes[name] or "" for name in SHOWN_ATTRIBUTES if attributes.get(name)]

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._data_script = False
        if tag in VOID or tag not in self._open:
            return
        while self._open:
            closed = len(self._open)
            if self._hidden_depths and self._hidden_depths[-1] == closed:
                self._hidden_depths.pop()
            if self._quoted_depths and self._quoted_depths[-1] == closed:
                self._quoted_depths.pop()
            if self._open.pop() == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._data_script:
            self.data[-1] += data
        if not self._hidden_depths and data.strip():
            (self.quoted if self._quoted_depths else self.nodes).append(data.strip())


def _shown_in(data: Any) -> list[str]:
    """The text nodes of what a page's script shows from its JSON data (texts, or HTML to insert)."""
    nodes = []
    for text in _strings(data):
        inner = _Text()
        inner.feed(text)
        nodes += inner.nodes
    return nodes


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _user_entered() -> tuple[list[str], list[str]]:
    """(texts submitted through forms, every text typed: those and the names of people, files, drafts...)."""
    submitted = {s.strip() for e in db.session.scalars(select(HistoryEvent)) for s in _strings(e.data)}
    submitted |= {s.strip() for d in db.session.scalars(select(Document)) for s in _strings(d.content)}
    # what the province wrote on a call: the notice's text and its contacts
    submitted |= {
        s.strip() for c in db.session.scalars(select(Call)) for s in (c.notice_text, c.contacts) if s
    }
    names = {  # people: every account but those named after their unit (济南市民政局) or their role
        u.display_name
        for u in db.session.scalars(select(User))
        if u.display_name not in ROLE_LABELS.values()
        and not (u.organisation and u.display_name.startswith(u.organisation.full_name))
    }
    names |= {u.title for u in db.session.scalars(select(User)) if u.title}
    names |= {a.filename for a in db.session.scalars(select(Attachment))}
    names |= {a.filename for a in db.session.scalars(select(CallAttachment))}
    names |= {d.name for d in db.session.scalars(select(ProcessDraft))}
    names |= {v.note for v in db.session.scalars(select(ProcessVersion)) if v.note}
    submitted = {s for s in submitted if CJK.search(s)}
    return sorted(submitted), sorted(names | submitted, key=len, reverse=True)


def _chinese_left(node: str, submitted: list[str], names: list[str]) -> bool:
    """Whether the text node shows Chinese that nobody typed (see the module's docstring).

    A unit's name standing alone is never taken for typed text, though plans name their units:
    every unit has an English name.
    """
    if node in _unit_names():
        return True
    if not CJK.search(node) or any(node in text for text in submitted):
        return False
    for typed in names:  # longest first: a label with a value typed in it (Document no.: 鲁民〔2024〕4号)
        node = node.replace(typed, "\n")
    # what is left may be the shortened end of a typed text (a long value cut with …)
    pieces = [piece.strip(" …") for piece in node.split("\n")]
    return any(CJK.search(piece) and not any(piece in text for text in submitted) for piece in pieces)


@cache
def _unit_names() -> frozenset[str]:
    return frozenset(n for org in db.session.scalars(select(Organisation)) for n in (org.name, org.full_name))


def _kind(url: str) -> str:
    """Pages of one kind show the same texts; each task and each application is its own kind
    (its own form, phase, history and outcome)."""
    path = url.split("?")[0].split("#")[0]
    if re.fullmatch(r"/(tasks/[0-9a-f-]+|applications/\d+)", path):
        return path
    return re.sub(r"\d+", "N", path)


def _walk(client, submitted: list[str], names: list[str]) -> tuple[int, list[str]]:
    seen: set[str] = set()
    queue = list(START_PAGES)
    visited, found = 0, []
    while queue and visited < PAGES_PER_USER:
        url = queue.pop(0)
        kind = _kind(url)
        if kind in seen or any(part in url for part in NOT_PAGES):
            continue
        seen.add(kind)
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        visited += 1
        page = _Text()
        page.feed(response.get_data(as_text=True))
        queue += page.links
        nodes = page.nodes + [node for blob in page.data for node in _shown_in(json.loads(blob))]
        found += [f"{url}: {node[:80]}" for node in nodes if _chinese_left(node, submitted, names)]
        found += [f"{url}: {node[:80]}" for node in page.quoted if not any(node in t for t in submitted)]
    return visited, found


@pytest.fixture
def demo(app):
    seeding.create_demo_programme()
    seeding.create_demo_draft()
    return _user_entered()


def test_every_role_reads_the_demo_in_english(app, demo):
    submitted, names = demo
    for username in ROLES:
        with app.app_context():  # each reader's own context: a CSRF token is cached on it
            client = app.test_client()
            assert login(client, username).status_code == 302
            token = csrf_token(client.get("/inbox").get_data(as_text=True))
            client.post("/language/en", data={"csrf_token": token, "next": "/inbox"})
            visited, chinese = _walk(client, submitted, names)
        assert visited >= 5, username
        assert chinese == [], (username, chinese[:20])


def test_the_check_finds_chinese_a_page_shows(app, demo):
    """The walk is not blind: in Chinese, the same pages are full of Chinese labels."""
    submitted, names = demo
    client = app.test_client()
    login(client, "province")
    visited, chinese = _walk(client, submitted, names)
    assert visited >= 5 and len(chinese) > 50
