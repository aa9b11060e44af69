"""Finding applications (issue 13 §2): county by part of its name or its code, theme, call, number,
status and phase; the full text of the plans and opinions the user may read; scope; paging and sorting.

The scenario: 济南市历下区 declares with a distinctive plan sentence, is reviewed by expert05 and
expert06 (each opinion holds words nobody else wrote) and gets the province's 待完善 summary;
青岛市市南区 and 济南市市中区 declare plain applications.
"""

from __future__ import annotations

import pytest

from app.demo import driver
from app.extensions import db
from app.models import SearchText
from app.services.reading.search import ApplicationQuery, search_applications
from app.services.store import search_index

PLAN_WORDS = "泉城邻里议事厅"
OPINION05 = "建议补充鹊华秋色议事规则。"
OPINION06 = "分期目标需量化到年度。"
SUMMARY = "专家组意见汇总：请细化趵突泉片区的分期目标。"


@pytest.fixture
def programme(world):
    lixia = world.start("370102")
    world.declare(lixia, plan_background=driver.declaration()["plan_background"] + PLAN_WORDS + "试点。")
    world.city_decides(lixia, "forward")
    world.assign(lixia, "expert05", "expert06")
    world.opine(lixia, "expert05", "improve", OPINION05)
    world.opine(lixia, "expert06", "improve", OPINION06)
    world.decide(lixia, "improve", SUMMARY)
    shinan = world.start("370202")
    world.declare(shinan, theme=3)
    shizhong = world.start("370103")
    return {"lixia": world.reload(lixia), "shinan": world.reload(shinan), "shizhong": world.reload(shizhong)}


def found(world, username: str, **query) -> list[int]:
    return [i.id for i in search_applications(world.user(username), ApplicationQuery(**query)).items]


def test_a_county_is_found_by_part_of_its_name_with_or_without_its_city_and_by_its_code(world, programme):
    lixia = programme["lixia"].id
    for words in ("历下", "历下区", "济南市历下区", "370102"):
        assert found(world, "province", q=words) == [lixia], words
    assert sorted(found(world, "province", q="济南")) == sorted([lixia, programme["shizhong"].id])
    assert found(world, "province", q="市南") == [programme["shinan"].id]


def test_a_number_a_theme_and_a_call_find_their_applications(world, programme):
    shinan = programme["shinan"]
    assert found(world, "province", q=str(shinan.id)) == [shinan.id]
    assert found(world, "province", q=shinan.theme_code) == [shinan.id]
    assert found(world, "province", q=shinan.theme_title[:2]) == [shinan.id]
    assert found(world, "province", theme=shinan.theme_title[1:4]) == [shinan.id]
    assert len(found(world, "province", q="全省城乡社区治理实验区申报")) == 3  # the call's name
    assert len(found(world, "province", call=shinan.call_id)) == 3
    assert found(world, "province", call=shinan.call_id + 1) == []


def test_status_and_phase_filter_and_words_narrow_each_other(world, programme):
    lixia = programme["lixia"]
    assert lixia.id in found(world, "province", phase=lixia.phase, status="running")
    assert found(world, "province", status="completed") == []
    assert found(world, "province", q="历下 泉城邻里") == [lixia.id]
    assert found(world, "province", q="市南 泉城邻里") == []


def test_the_plan_is_found_by_words_inside_it_from_three_characters_on(world, programme):
    lixia = programme["lixia"].id
    assert found(world, "province", q=PLAN_WORDS) == [lixia]
    assert found(world, "370100", q="邻里议事") == [lixia]  # the city reads the plan
    assert found(world, "370102", q="邻里议事") == [lixia]
    assert found(world, "370200", q="邻里议事") == []  # out of scope: 青岛 sees only its own


def test_a_confidential_opinion_finds_its_application_only_for_who_may_read_it(world, programme):
    lixia = programme["lixia"].id
    assert found(world, "province", q="鹊华秋色") == [lixia]
    assert found(world, "auditor", q="鹊华秋色") == [lixia]
    assert found(world, "expert05", q="鹊华秋色") == [lixia]  # their own opinion
    for reader in ("expert06", "370100", "370102", "expert01"):
        assert found(world, reader, q="鹊华秋色") == [], reader
    # The province's summary is what the city and the applicant read.
    assert found(world, "370100", q="趵突泉片区") == [lixia]
    assert found(world, "370102", q="趵突泉片区") == [lixia]


def test_the_experts_a_picker_named_are_no_words_for_the_city(world, programme):
    lixia = programme["lixia"].id
    assert found(world, "province", q="expert05") == [lixia]
    assert found(world, "370100", q="expert05") == []


def test_a_reindex_rewrites_the_same_texts(world, programme):
    def texts():
        return sorted(
            db.session.execute(
                db.select(SearchText.event_id, SearchText.confidential, SearchText.author_id, SearchText.body)
            ).all()
        )

    before = texts()
    assert before
    assert search_index.reindex() > 0
    assert texts() == before
    assert search_index.reindex_if_missing() == 0  # there are texts: nothing to do
    db.session.execute(db.delete(SearchText))
    assert found(world, "province", q=PLAN_WORDS) == []
    assert search_index.reindex_if_missing() > 0  # a database upgraded from before the search
    assert texts() == before
    assert found(world, "province", q=PLAN_WORDS) == [programme["lixia"].id]


def test_pages_follow_each_other_without_repeats_in_every_sort(world, programme):
    province = world.user("province")
    everyone = sorted(i.id for i in programme.values())
    for sort in ("id", "applicant", "city", "call", "theme", "phase", "status", "updated"):
        for order in ("asc", "desc"):
            seen, after = [], None
            while True:
                page = search_applications(
                    province, ApplicationQuery(sort=sort, order=order, limit=1, after=after)
                )
                assert page.total == 3
                seen += [i.id for i in page.items]
                after = page.next_after
                if after is None:
                    break
            assert sorted(seen) == everyone, (sort, order)
            whole = [
                i.id for i in search_applications(province, ApplicationQuery(sort=sort, order=order)).items
            ]
            assert seen == whole, (sort, order)


def test_sorting_by_county_follows_the_administrative_codes(world, programme):
    ids = found(world, "province", sort="applicant", order="asc")
    assert ids == [programme["lixia"].id, programme["shizhong"].id, programme["shinan"].id]
    assert found(world, "province", sort="applicant", order="desc") == ids[::-1]


def test_odd_input_falls_back_instead_of_failing(world, programme):
    assert len(found(world, "province", sort="nonsense", order="sideways", after=10**30)) == 3
    assert found(world, "province", q='"%_\\') == []
    assert found(world, "province", q="  ") == found(world, "province")


def test_a_step_that_fails_leaves_no_words_behind(world, monkeypatch):
    """The texts are written in the step's transaction: a step that cannot commit writes none."""
    from app.services.store import transitions

    instance = world.start("370102")

    def broken_announce(*args, **kwargs):
        raise RuntimeError("the notifications could not be written")

    monkeypatch.setattr(transitions, "announce", broken_announce)
    plan = driver.declaration()["plan_background"] + PLAN_WORDS
    with pytest.raises(RuntimeError):
        world.declare(instance, plan_background=plan)
    assert db.session.scalar(db.select(db.func.count(SearchText.id))) == 0
    monkeypatch.undo()
    world.declare(instance, plan_background=plan)
    assert found(world, "province", q=PLAN_WORDS) == [instance.id]
