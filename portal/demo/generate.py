"""Making up demonstration rows: who rates what, what residents write, progress.

Pure functions of a seeded random generator; portal.demo.data writes the rows
(each with is_demo set) to the database.
"""

from __future__ import annotations

import itertools
import math
import random
from bisect import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_DOWN, Decimal

from portal.demo.phrases import (
    CLAUSES,
    CLOSERS,
    NAMES,
    OPENERS,
    PLACES,
    SUGGESTIONS,
    TOPIC_GROUPS,
)
from portal.models import (
    CommentStatus,
    Commitment,
    Phrasing,
)
from portal.models.feedback import SCORES

CHANGED_SHARE = 0.12


ZH_SHARE = 0.7


PENDING_SHARE = 0.1


GROWTH = {Phrasing.GROW_BY, Phrasing.GROW_AT_LEAST}


def batched(rows: Iterable, size: int) -> Iterator[list]:
    """Lists of up to size rows (itertools.batched arrives in Python 3.12)."""
    rows = iter(rows)
    while chunk := list(itertools.islice(rows, size)):
        yield chunk


@dataclass(frozen=True)
class Profile:
    """How residents feel about one commitment, now and at the start, and how many
    of them take part."""

    commitment: Commitment
    mood: float
    start_mood: float
    popularity: float


def make_profiles(rng: random.Random, commitments: list[Commitment]) -> list[Profile]:
    """Some commitments liked, some disliked, most in between; some changing."""
    profiles = []
    for commitment in commitments:
        kind = rng.random()
        if kind < 0.3:
            mood = rng.uniform(3.8, 4.6)
        elif kind < 0.55:
            mood = rng.uniform(1.6, 2.5)
        else:
            mood = rng.uniform(2.6, 3.7)
        start = min(5.0, max(1.0, mood + rng.uniform(-0.9, 0.9)))
        profiles.append(Profile(commitment, mood, start, rng.lognormvariate(0, 0.8)))
    return profiles


def _cum_weights(mood: float) -> list[float]:
    """Cumulative weights of the five scores, in a bell around the mood."""
    return list(
        itertools.accumulate(math.exp(-((s - mood) ** 2) / 2.4) for s in SCORES)
    )


def _draw(rng: random.Random, cum_weights: list[float]) -> int:
    return SCORES[bisect(cum_weights, rng.random() * cum_weights[-1])]


def _share(total: int, weights: list[float]) -> list[int]:
    """Split total in proportion to weights, in whole numbers that add up."""
    raw = [total * w / sum(weights) for w in weights]
    counts = [int(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: counts[i] - raw[i])[
        : total - sum(counts)
    ]:
        counts[i] += 1
    return counts


def rating_rows(
    rng: random.Random, profiles: list[Profile], n: int, run: str, weeks: int
) -> Iterator[tuple[dict, int | None]]:
    """n rating rows over the commitments and weeks, each with its first score
    when it was changed later (else None)."""
    now = datetime.now(UTC)
    span = timedelta(weeks=weeks)
    keys = itertools.count(1)
    for profile, count in zip(
        profiles, _share(n, [p.popularity for p in profiles]), strict=True
    ):
        drift = profile.mood - profile.start_mood
        by_week = [
            _cum_weights(profile.start_mood + drift * (w + 0.5) / weeks)
            for w in range(weeks)
        ]
        current = _cum_weights(profile.mood)
        for _ in range(count):
            # More residents join as the site becomes known: skewed to recent.
            when = rng.random() ** 0.8
            created = now - span * (1 - when)
            score = _draw(rng, by_week[min(int(when * weeks), weeks - 1)])
            first, updated = None, created
            if rng.random() < CHANGED_SHARE:
                first, score = score, _draw(rng, current)
                if score == first:
                    score = (
                        first + 1 if first == 1 or first < profile.mood else first - 1
                    )
                later = (now - created) * (0.1 + 0.9 * rng.random())
                updated = created + max(later, timedelta(seconds=1))
            row = {
                "commitment_id": profile.commitment.id,
                "resident_key": f"demo-{run}-{next(keys)}",
                "score": score,
                "quarantined": False,
                "is_demo": True,
                "created_at": created,
                "updated_at": updated,
            }
            yield row, first


def comment_body(
    rng: random.Random, lang: str, group: str, tone: str, title: str
) -> str:
    """An ordinary resident's comment: an opener, one or two clauses, a closer."""
    signs = {"positive": "+", "negative": "-", "mixed": "+-"}[tone]
    # Two places, so a mixed comment praises one and faults another.
    places = rng.sample(PLACES[lang], 2)
    clause = ("，不过" if lang == "zh" else ", but ").join(
        rng.choice(CLAUSES[group, lang, sign]).format(place=place)
        for sign, place in zip(signs, places, strict=False)
    )
    opener = rng.choice(OPENERS[lang]).format(title=title)
    if lang == "en" and not opener:
        clause = clause[0].upper() + clause[1:]
    parts = [opener + clause + ("。" if lang == "zh" else ".")]
    if rng.random() < 0.3:
        parts.append(rng.choice(SUGGESTIONS[lang]))
    parts.append(rng.choice(CLOSERS[lang, tone]))
    return ("" if lang == "zh" else " ").join(part for part in parts if part)


def comment_rows(
    rng: random.Random, profiles: list[Profile], m: int, run: str, weeks: int
) -> Iterator[dict]:
    """m comment rows, 70% Chinese, their tone following how liked the commitment is;
    most published, some still waiting for moderation."""
    now = datetime.now(UTC)
    span = timedelta(weeks=weeks)
    cum_weights = list(itertools.accumulate(p.popularity for p in profiles))
    for i in range(1, m + 1):
        profile = rng.choices(profiles, cum_weights=cum_weights)[0]
        commitment = profile.commitment
        lang = "zh" if rng.random() < ZH_SHARE else "en"
        liked, r = (profile.mood - 1) / 4 * 0.85, rng.random()
        tone = "positive" if r < liked else "mixed" if r < liked + 0.25 else "negative"
        title = commitment.title_zh if lang == "zh" else commitment.title_en
        group = TOPIC_GROUPS.get(commitment.topic.key, "general")
        pending = rng.random() < PENDING_SHARE
        # Comments awaiting moderation were sent in the last few days.
        created = (
            now - (min(span, timedelta(days=3)) if pending else span) * rng.random()
        )
        decided = None
        if not pending:
            decided = min(now, created + timedelta(hours=rng.uniform(0.5, 72)))
        yield {
            "commitment_id": commitment.id,
            "resident_key": f"demo-{run}-c{i}",
            "display_name": rng.choice(NAMES[lang]) if rng.random() < 0.6 else None,
            "body": comment_body(rng, lang, group, tone, title),
            "lang": lang,
            "status": CommentStatus.PENDING if pending else CommentStatus.PUBLISHED,
            "masked": "",
            "network_key": None,
            "flag_count": 0,
            # Published ones were decided; pending ones wait in the moderation queue.
            "needs_review": pending,
            "is_demo": True,
            "created_at": created,
            "decided_at": decided,
        }


def progress_value(commitment: Commitment, share: float) -> Decimal | None:
    """A value reached at this share of the target (None for unquantified ones)."""
    target = commitment.target_value
    if target is None or not commitment.phrasing.is_quantified:
        return None
    step = Decimal(1) if target % 1 == 0 and target >= 10 else Decimal("0.01")
    return (target * Decimal(str(share))).quantize(step, ROUND_DOWN)
