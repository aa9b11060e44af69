"""The revision of a Chinese text as a reader sees it: edits marked where they are, rewrites whole."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.services.reading.plan_diff import DELETED, FOLDED, INSERTED, SAME, diff_text, sentences

# Chinese text with the marks the diff cuts at, line breaks and spaces.
_TEXT = st.text(alphabet="社区治理实验举措经费保障一二三。！？；，“”（）\n 12", max_size=120)


def _before(diff) -> str:
    return "".join(s.text for s in diff.segments if s.kind in (SAME, DELETED))


def _after(diff) -> str:
    return "".join(s.text for s in diff.segments if s.kind in (SAME, INSERTED))


@given(_TEXT)
def test_sentences_give_the_text_back(text):
    assert "".join(sentences(text)) == text


@given(_TEXT, _TEXT)
def test_a_diff_holds_both_texts_whole(before, after):
    diff = diff_text(before, after)
    assert _before(diff) == before and _after(diff) == after
    assert diff.changed == (before != after)


def test_a_sentence_ends_at_its_mark_and_keeps_its_closing_quote():
    assert sentences("他说：“好。”然后走了。\n\n下一段") == ["他说：“好。”", "然后走了。", "\n\n", "下一段"]


def test_an_edited_figure_is_marked_alone():
    diff = diff_text("区财政每年安排专项经费300万元。其余不变。", "区财政每年安排专项经费500万元。其余不变。")
    assert [(s.kind, s.text) for s in diff.segments] == [
        (SAME, "区财政每年安排专项经费"),
        (DELETED, "3"),
        (INSERTED, "5"),
        (SAME, "00万元。其余不变。"),
    ]
    assert (diff.inserted, diff.deleted) == (1, 1)


def test_a_rewritten_clause_is_not_cut_at_a_word_both_versions_hold():
    diff = diff_text(
        "专项经费350万元，并积极争取上级资金和社会资金支持。",
        "专项经费350万元，其中市级补助资金100万元已列入预算。",
    )
    assert [(s.kind, s.text) for s in diff.segments] == [
        (SAME, "专项经费350万元，"),
        (DELETED, "并积极争取上级资金和社会资金支持"),
        (INSERTED, "其中市级补助资金100万元已列入预算"),
        (SAME, "。"),
    ]


def test_a_rewritten_sentence_is_shown_whole_not_as_scattered_characters():
    diff = diff_text(
        "开头。组织保障由民政部门负责。结尾。", "开头。成立领导小组统筹推进全区社区治理的各项工作。结尾。"
    )
    assert [(s.kind, s.text) for s in diff.segments] == [
        (SAME, "开头。"),
        (DELETED, "组织保障由民政部门负责。"),
        (INSERTED, "成立领导小组统筹推进全区社区治理的各项工作。"),
        (SAME, "结尾。"),
    ]


def test_an_added_sentence_and_a_removed_one_are_marked_as_such():
    diff = diff_text("甲。乙。丙。", "甲。新增的一句。乙。")
    assert [(s.kind, s.text) for s in diff.segments] == [
        (SAME, "甲。"),
        (INSERTED, "新增的一句。"),
        (SAME, "乙。"),
        (DELETED, "丙。"),
    ]


def test_white_space_does_not_count_as_inserted_characters():
    diff = diff_text("甲。", "甲。\n\n新 段落。")
    assert diff.inserted == len("新段落。")


def test_long_unchanged_text_folds_with_context_kept_beside_the_change():
    unchanged = "社区协商议事规则全覆盖。" * 40
    diff = diff_text(unchanged + "旧的结尾。", unchanged + "新的结尾。")
    folded = diff.folded(context=20)
    assert [(s.kind, s.text) for s in folded[1:]] == [
        (SAME, unchanged[-20:]),
        (DELETED, "旧"),
        (INSERTED, "新"),
        (SAME, "的结尾。"),
    ]
    assert folded[0].kind == FOLDED and folded[0].text + folded[1].text == unchanged
