"""Themes of one commitment's comments, as a reader of its summary sees them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from portal.insights.themes import (
    CommitmentThemes,
    PolarityThemes,
    ThemeComment,
    find_themes,
    stopwords,
)

ROOT = Path(__file__).resolve().parents[2]

ZH_NEGATIVE = [
    "充电桩太少了，下班回来要排队一个多小时",
    "小区的充电桩坏了两个，到现在没人来修",
    "充电桩数量不够，晚上排队排到十点",
    "学位不够，孩子只能去很远的学校上学",
    "报名那天排队排了一上午，学位还是不够",
    "村道坏了半年了，下雨天根本没法走",
    "路灯不亮，晚上走路很危险",
    "楼下的路灯一直不亮，打了电话也没人管",
    "维修不及时，服务态度不好",
    "回复太慢，处理也不及时",
]
ZH_POSITIVE = [
    "新装的充电桩很好用，再也不用排队了",
    "学校扩建以后学位充足，家长很满意",
    "村道修好了，出行方便多了",
    "路灯修好了，晚上走路很安心",
    "工作人员态度很好，回复也及时",
    "服务很好，点赞",
]
EN_NEGATIVE = [
    "The charging piles are broken again and nobody fixed them.",
    "Two charging piles have been broken for a month!",
    "Street lights not working on our road.",
    "The street lights are not working after 9pm.",
    "No parking near the school gate.",
    "There is no parking for parents at pick-up time.",
    "Not enough school places for our kids.",
]
EN_POSITIVE = [
    "The new charging piles work well.",
    "Great job on the village road, very smooth now.",
    "The village road is smooth and clean.",
]


def make_comments(
    *groups: tuple[str, str, list[str]], first_id: int = 1
) -> list[ThemeComment]:
    """Number (lang, label, bodies) groups as comments with ids from `first_id`."""
    comments: list[ThemeComment] = []
    for lang, label, bodies in groups:
        for body in bodies:
            comments.append(ThemeComment(first_id + len(comments), body, lang, label))
    return comments


def chinese() -> list[ThemeComment]:
    """Comments on charging piles, school places, village roads and street lights."""
    return make_comments(
        ("zh", "negative", ZH_NEGATIVE), ("zh", "positive", ZH_POSITIVE)
    )


def english() -> list[ThemeComment]:
    """The same topics written in English, numbered apart from the Chinese ones."""
    return make_comments(
        ("en", "negative", EN_NEGATIVE), ("en", "positive", EN_POSITIVE), first_id=100
    )


def terms(side: PolarityThemes) -> list[str]:
    """The terms as listed for readers, best first."""
    return [theme.term for theme in side.themes]


def containing(comments: list[ThemeComment], label: str, term: str) -> list[int]:
    """Ids of comments of one label whose text holds the term, ignoring case."""
    return [
        c.id for c in comments if c.label == label and term.lower() in c.body.lower()
    ]


def test_chinese_complaints_are_negative_themes() -> None:
    """Queues, shortages, breakdowns, dark lamps and slow repairs are listed."""
    result = find_themes(chinese())
    found = terms(result.negative)
    for term in ("排队", "不够", "坏了", "不亮", "不及时"):
        assert term in found
    assert result.negative.count == len(ZH_NEGATIVE)
    assert result.positive.count == len(ZH_POSITIVE)


def test_english_complaints_are_negative_themes() -> None:
    """Broken piles, dark street lights and missing parking are listed as phrases."""
    result = find_themes(english())
    found = terms(result.negative)
    for term in ("broken", "not working", "no parking", "charging piles"):
        assert term in found
    assert "village road" in terms(result.positive)
    assert "working" not in found


def test_counts_are_comments_that_use_the_term() -> None:
    """Each count is the number of that side's comments holding the term."""
    comments = chinese()
    result = find_themes(comments)
    for theme in result.negative.themes:
        if theme.term in ("排队", "不够", "坏了", "不亮", "不及时", "充电桩"):
            assert theme.count == len(containing(comments, "negative", theme.term))


def test_a_comment_repeating_a_term_counts_once() -> None:
    """Saying 排队 three times in one comment is still one comment."""
    comments = make_comments(
        ("zh", "negative", ["排队排队还是排队，太难了", "充电要排队"]),
    )
    (theme,) = [t for t in find_themes(comments).negative.themes if t.term == "排队"]
    assert theme.count == 2


def test_examples_are_shortest_comments_holding_the_term() -> None:
    """Up to three example ids per theme, each a comment using it, shortest first."""
    comments = chinese() + english()
    by_id = {c.id: c for c in comments}
    result = find_themes(comments, limit=20)
    for side in (result.negative, result.positive):
        for theme in side.themes:
            assert 1 <= len(theme.example_ids) <= min(3, theme.count)
            holding = containing(comments, side.polarity, theme.term)
            assert set(theme.example_ids) <= set(holding)
            lengths = [len(by_id[i].body) for i in theme.example_ids]
            assert lengths == sorted(lengths)


def test_negated_praise_is_not_read_as_praise() -> None:
    """不好 stays 不好: it gives no 好 to either side."""
    comments = make_comments(
        (
            "zh",
            "negative",
            ["服务态度不好", "窗口的工作人员态度不好", "新修的路质量不好，又开裂了"],
        ),
        ("zh", "positive", ["办事效率提高了", "效率比以前高多了"]),
    )
    result = find_themes(comments)
    assert "不好" in terms(result.negative)
    assert "好" not in terms(result.negative) + terms(result.positive)


def test_praise_is_counted_apart_from_its_negation() -> None:
    """好 on the positive side counts only comments that really say 好."""
    comments = make_comments(
        ("zh", "negative", ["服务态度不好", "态度不好，回复也慢"]),
        ("zh", "positive", ["服务很好", "态度非常好，点赞"]),
    )
    result = find_themes(comments)
    (praise,) = [t for t in result.positive.themes if t.term == "好"]
    assert praise.count == 2
    assert set(praise.example_ids) == {3, 4}
    assert "不好" in terms(result.negative)


def test_negation_reaches_past_degree_words() -> None:
    """不太好 and 不是很好 read as 不好; "never been fixed" as "never fixed"."""
    comments = make_comments(
        ("zh", "negative", ["感觉不太好", "体验不是很好"]),
        ("en", "negative", ["It has never been fixed.", "Never fixed, as usual."]),
    )
    found = terms(find_themes(comments).negative)
    assert "不好" in found
    assert "never fixed" in found
    assert "好" not in found
    assert "fixed" not in found


def test_dark_street_lamp_keeps_its_negation() -> None:
    """路灯不亮 yields 不亮, not a dictionary word that hides the negation."""
    comments = make_comments(
        ("zh", "negative", ["路灯不亮", "小区路灯不亮了", "红绿灯不亮"]),
    )
    result = find_themes(comments)
    (dark,) = [t for t in result.negative.themes if t.term == "不亮"]
    assert dark.count == 3


def test_english_negation_keeps_the_word_it_denies() -> None:
    """ "not working" is a complaint; "working" alone is praise."""
    comments = make_comments(
        ("en", "negative", ["The lift is not working.", "Lift isn't working again"]),
        ("en", "positive", ["The lift is working now", "Lift working well, thanks"]),
    )
    result = find_themes(comments)
    assert "not working" in terms(result.negative)
    assert "working" in terms(result.positive)
    assert "working" not in terms(result.negative)


def test_stop_and_degree_words_never_appear() -> None:
    """No theme is, or holds, a stop word; degree words are dropped."""
    stop = stopwords()
    assert {"的", "了", "我们", "the", "and", "is"} <= stop
    result = find_themes(chinese() + english(), limit=50, min_count=1)
    for side in (result.negative, result.positive):
        for term in terms(side):
            assert term not in stop
            assert not set(term.split()) & stop
            assert not term.startswith(("很", "太", "非常", "very ", "too "))


def test_terms_both_sides_use_are_not_themes() -> None:
    """A topic named in every comment says nothing about either side."""
    comments = make_comments(
        ("zh", "negative", ["充电桩排队太久", "充电桩排队一小时", "充电桩坏了"]),
        ("zh", "positive", ["充电桩很方便", "充电桩方便多了", "充电桩修好了"]),
    )
    result = find_themes(comments)
    assert "充电桩" not in terms(result.negative) + terms(result.positive)
    assert "排队" in terms(result.negative)
    assert "方便" in terms(result.positive)


def test_phrase_stands_in_for_its_words() -> None:
    """ "charging piles" is listed, not "charging" and "piles" beside it."""
    result = find_themes(english())
    found = terms(result.negative)
    assert "charging piles" in found
    assert "charging" not in found
    assert "piles" not in found


def test_a_term_needs_two_comments() -> None:
    """One comment is an anecdote, not a theme, unless asked for."""
    comments = make_comments(("zh", "negative", ["垃圾桶满了没人清理"]))
    assert find_themes(comments).negative.themes == ()
    assert find_themes(comments, min_count=1).negative.themes


def test_limit_caps_the_list() -> None:
    """At most `limit` themes are listed per side, eight by default."""
    comments = chinese() + english()
    assert len(find_themes(comments).negative.themes) == 8
    assert len(find_themes(comments, limit=3).negative.themes) == 3


@pytest.mark.parametrize(
    "comments",
    [
        [],
        [ThemeComment(1, "还行吧，看看再说", "zh", "unclear")],
        [
            ThemeComment(2, "", "und", "negative"),
            ThemeComment(3, "👍👍", "und", "positive"),
        ],
    ],
)
def test_nothing_to_summarise(comments: list[ThemeComment]) -> None:
    """No polar text gives empty themes; the counts say how many were read."""
    result = find_themes(comments)
    assert result.negative.themes == result.positive.themes == ()
    assert result.negative.count == sum(c.label == "negative" for c in comments)
    assert result.positive.count == sum(c.label == "positive" for c in comments)


def test_both_languages_at_once() -> None:
    """Chinese and English comments on one commitment share one summary."""
    comments = chinese() + english()
    result = find_themes(comments, limit=20)
    found = terms(result.negative)
    assert {"排队", "不够", "broken", "not working"} <= set(found)
    assert result.negative.count == len(ZH_NEGATIVE) + len(EN_NEGATIVE)


def test_mixed_script_comment() -> None:
    """A Chinese comment naming an app in Latin letters is cut as both."""
    comments = make_comments(
        ("zh", "negative", ["充电桩APP不好用", "这个APP老是闪退，不好用"]),
    )
    found = terms(find_themes(comments).negative)
    assert "app" in found
    assert "不好用" in found


def test_order_of_comments_does_not_matter() -> None:
    """The same comments in another order give the same summary."""
    comments = chinese() + english()
    assert find_themes(comments) == find_themes(list(reversed(comments)))


def test_summary_stores_as_json() -> None:
    """The result is plain data: counts, terms and example ids."""
    result = find_themes(chinese())
    assert isinstance(result, CommitmentThemes)
    data = json.loads(json.dumps(result.as_dict(), ensure_ascii=False))
    assert data["negative"]["count"] == len(ZH_NEGATIVE)
    first = data["negative"]["themes"][0]
    assert first == {
        "term": result.negative.themes[0].term,
        "count": result.negative.themes[0].count,
        "example_ids": list(result.negative.themes[0].example_ids),
    }


def test_segmenter_loads_quietly_and_writes_nothing_here(tmp_path: Path) -> None:
    """A fresh process prints nothing, warns nothing and leaves its folder empty."""
    script = (
        "from portal.insights.themes import ThemeComment, find_themes\n"
        "c = [ThemeComment(1, '路灯不亮', 'zh', 'negative'),\n"
        "     ThemeComment(2, '红绿灯不亮', 'zh', 'negative')]\n"
        "assert find_themes(c).negative.themes[0].term == '不亮'\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == done.stderr == ""
    assert list(tmp_path.iterdir()) == []


def test_examples_are_different_wordings():
    same = "充电桩太少了"
    comments = [
        ThemeComment(id=n, body=same, lang="zh", label="negative") for n in range(3)
    ] + [ThemeComment(id=9, body="充电桩太少，排队很久", lang="zh", label="negative")]
    themes = find_themes(comments, min_count=2)
    for theme in themes.negative.themes:
        assert len(theme.example_ids) == len(
            {next(c.body for c in comments if c.id == i) for i in theme.example_ids}
        )
    assert any(9 in t.example_ids for t in themes.negative.themes)
