"""The plan similarity check (issue 16 §5): a plan largely copied from another county's is flagged to
the city and the province, with the passages side by side; two different plans on one theme are not."""

from __future__ import annotations

import random

import lxml.html
from sqlalchemy import select

from app.demo import driver
from app.demo.texts import copied_plan, plan_sections
from app.extensions import db
from app.forms.checks import PLAN_SECTIONS
from app.models import SimilarityCheck
from app.services.lifecycle import timers
from app.services.similarity import similarity_findings
from app.services.similarity.alignment import align
from app.services.similarity.checks import FLAG_SHARE
from app.services.similarity.text import normalised, sentences_of

from .web_helpers import login

_VALUES = {"theme": "社区协商议事", "streets": 9, "communities": 70, "people": 50, "pilot": 6, "funds": 400}


def _plan(county: str, seed: int) -> dict[str, str]:
    return plan_sections(county, _VALUES, random.Random(seed))


def _sentences(plan: dict[str, str]):
    return sentences_of(plan, PLAN_SECTIONS)


def test_a_copied_passage_is_found_and_shown_marked():
    source = _plan("济南市历下区", 1)
    copier = copied_plan("青岛市市南区", _plan("青岛市市南区", 2), "济南市历下区", source)

    found = align(_sentences(copier), _sentences(source))

    assert found.similarity >= FLAG_SHARE
    copied_sentence = max(
        (s for s in source["plan_measures"].split("。") if "济南" not in s and "（" not in s), key=len
    )
    shown = ["".join(text for text, _ in p.theirs) for p in found.passages]
    assert any(copied_sentence in text for text in shown), "the copied passage is shown"
    marked = "".join(text for p in found.passages for text, copied in p.mine if copied)
    assert normalised(copied_sentence) in normalised(marked), "and marked as copied"


def test_a_lightly_edited_copy_is_still_found():
    source = _plan("济南市历下区", 1)
    edited = {s: t.replace("，", "、").replace("社区", "社区 ") for s, t in source.items()}
    assert align(_sentences(edited), _sentences(source)).similarity > 0.9


def test_two_different_plans_on_the_same_theme_are_not_flagged():
    for seed in range(20):
        mine, theirs = _plan("济南市历下区", seed), _plan("青岛市市南区", seed + 100)
        assert align(_sentences(mine), _sentences(theirs)).similarity < FLAG_SHARE / 3


def _copying_pair(world):
    """济南市历下区's plan, and 青岛市市南区's copying its background and measures; both submitted."""
    source, copier = world.start("370102"), world.start("370202")
    world.declare(source)
    world.declare(copier, **driver.plan_copied_from("370202", 0, "370102", 0))
    return source, copier


def _checks():
    return db.session.scalars(select(SimilarityCheck).order_by(SimilarityCheck.id)).all()


def test_a_submitted_plan_is_queued_and_checked_by_the_worker(world):
    source, copier = _copying_pair(world)
    assert [(c.instance_id, c.status) for c in _checks()] == [(source.id, "pending"), (copier.id, "pending")]
    assert similarity_findings(world.user("province"), copier).checking

    assert timers.worker_pass().compared == 2

    done = {c.instance_id: c for c in _checks()}
    assert {c.status for c in done.values()} == {"done"}
    assert [m.other_instance_id for m in done[copier.id].matches] == [source.id]
    # Both were submitted before the worker ran: each is highly similar to the other.
    assert [m.other_instance_id for m in done[source.id].matches] == [copier.id]
    assert done[copier.id].compared == 1
    assert timers.worker_pass().compared == 0, "a check is done once"


def test_a_county_is_not_compared_with_its_own_earlier_plans(world):
    instance = world.start("370102")
    world.declare(instance)
    world.city_decides(instance, "return", "请补充经费来源。")
    world.declare(instance)  # the same plan again, revised
    timers.worker_pass()
    assert [(c.status, c.compared, c.matches) for c in _checks()] == [("done", 0, []), ("done", 0, [])]


def _flag(client, url: str) -> lxml.html.HtmlElement | None:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    found = lxml.html.fromstring(response.get_data(as_text=True)).xpath('//*[@data-testid="plan-similarity"]')
    return found[0] if found else None


def test_the_flag_shows_to_the_city_and_the_province_not_to_the_county(client, world):
    source, copier = _copying_pair(world)
    login(client, "370200")
    review = f"/tasks/{world.task(copier, 'Task_CityReview').id}"
    checking = _flag(client, review)
    assert checking is not None and checking.xpath('.//*[@data-testid="similarity-checking"]')
    timers.worker_pass()

    flag = _flag(client, review)
    assert flag is not None
    text = flag.text_content()
    assert "与 济南市历下区 的方案高度相似" in text and "%" in text
    mine = flag.xpath('.//*[@data-testid="similarity-mine"]')[0]
    theirs = flag.xpath('.//*[@data-testid="similarity-theirs"]')[0]
    assert "青岛市市南区位于全市城乡接合部" in mine.text_content()
    assert "济南市历下区位于全市城乡接合部" in theirs.text_content()
    assert mine.xpath(".//mark") and theirs.xpath(".//mark")
    assert not flag.xpath(f'.//a[@href="/applications/{source.id}"]'), "济南's application stays out of reach"
    assert _flag(client, f"/applications/{copier.id}") is not None

    login(client, "province")
    flag = _flag(client, f"/applications/{copier.id}")
    assert flag is not None and flag.xpath(f'.//a[@href="/applications/{source.id}"]')

    login(client, "370202")
    assert _flag(client, f"/applications/{copier.id}") is None, "the applicant does not see it"


def test_scope_keeps_the_findings_to_the_application_s_city(world):
    _source, copier = _copying_pair(world)
    timers.worker_pass()
    assert similarity_findings(world.user("370200"), copier) is not None
    assert similarity_findings(world.user("370100"), copier) is None, "济南市 oversees 历下区, not 市南区"
    assert similarity_findings(world.user("auditor"), copier) is not None
    assert similarity_findings(world.user("370202"), copier) is None
    assert similarity_findings(world.user("expert01"), copier) is None
