"""Score the sentiment analyser on the shared evaluation sets, once, on one core.

    python -m portal.insights.evaluate ../shared/datasets/sentiment

Prints accuracy on zh_eval.csv, on its weibo rows with `[..]` emoticons
removed, on en_eval.csv, the share of en_neutral.csv called unclear, the
CPU milliseconds per comment and the share of comments the encoder read. An
unclear verdict on a pos/neg row counts as wrong; the "forced" figure uses the
sign of the score instead. `--no-encoder` scores the n-gram fallback alone.
"""

from __future__ import annotations

import argparse
import csv
import re
import time
from pathlib import Path

from portal.insights import sentiment
from portal.insights.sentiment import Sentiment, analyse_many

EMOTICON = re.compile(r"\[[^\[\]]{1,8}\]")
BATCH = 64


def read_rows(path: Path) -> list[dict[str, str]]:
    """Rows of one evaluation CSV."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def accuracy(results: list[Sentiment], labels: list[str]) -> tuple[float, float]:
    """Accuracy with unclear counted wrong, and accuracy by the score's sign."""
    want = {"pos": 1.0, "neg": -1.0}
    strict = forced = 0
    for result, label in zip(results, labels, strict=True):
        sign = want[label]
        strict += result.label == ("positive" if sign > 0 else "negative")
        forced += result.score * sign > 0
    return strict / len(labels), forced / len(labels)


class Timer:
    """Process CPU time spent inside the analyser, and how many texts it saw."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.count = 0

    def run(self, texts: list[str]) -> list[Sentiment]:
        """Analyse texts in batches, adding their CPU time to the total."""
        out: list[Sentiment] = []
        for start in range(0, len(texts), BATCH):
            chunk = texts[start : start + BATCH]
            began = time.process_time()
            out += analyse_many(chunk)
            self.seconds += time.process_time() - began
            self.count += len(chunk)
        return out


def main() -> None:
    """Run every set through the analyser and print one line per figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument(
        "--no-encoder", action="store_true", help="score the n-gram fallback alone"
    )
    args = parser.parse_args()

    if args.no_encoder:
        sentiment.encoder_available = lambda: False
    encoded = [0]
    embed = sentiment.embed

    def counting_embed(texts: list[str]) -> list[list[float]]:
        encoded[0] += len(texts)
        return embed(texts)

    sentiment.embed = counting_embed
    sentiment.load_head()
    sentiment.load_ngrams()
    if sentiment.encoder_available():  # one thread: CPU time is one core's time
        embed(["warm up"])
    timer = Timer()

    zh = read_rows(args.folder / "zh_eval.csv")
    zh_results = timer.run([row["text"] for row in zh])
    weibo = [row for row in zh if row["source"].startswith("weibo")]
    stripped = timer.run([EMOTICON.sub("", row["text"]) for row in weibo])
    en = read_rows(args.folder / "en_eval.csv")
    en_results = timer.run([row["text"] for row in en])
    neutral = read_rows(args.folder / "en_neutral.csv")
    neutral_results = timer.run([row["text"] for row in neutral])

    figures = [
        ("zh_eval", zh_results, [row["label"] for row in zh]),
        ("zh weibo, [..] removed", stripped, [row["label"] for row in weibo]),
        ("en_eval", en_results, [row["label"] for row in en]),
    ]
    for name, results, labels in figures:
        strict, forced = accuracy(results, labels)
        print(f"{name}: accuracy {strict:.3f} (forced {forced:.3f}, n={len(labels)})")
    for name, rows, results in (
        ("zh_eval", zh, zh_results),
        ("en_eval", en, en_results),
    ):
        for source in sorted({row["source"] for row in rows}):
            picked = [i for i, row in enumerate(rows) if row["source"] == source]
            strict, forced = accuracy(
                [results[i] for i in picked], [rows[i]["label"] for i in picked]
            )
            print(f"  {name} {source}: {strict:.3f} (forced {forced:.3f})")
    unclear = sum(r.label == "unclear" for r in neutral_results) / len(neutral_results)
    print(f"en_neutral: called unclear {unclear:.3f} (n={len(neutral_results)})")
    langs = sum(r.lang == "zh" for r in zh_results) / len(zh_results)
    print(f"language: zh rows detected zh {langs:.3f}")
    per = 1000 * timer.seconds / timer.count
    print(f"speed: {per:.1f} ms CPU per comment, one thread (n={timer.count})")
    print(f"encoder read {encoded[0] / timer.count:.3f} of the comments")


if __name__ == "__main__":
    main()
