"""Residents' ratings: one per resident and commitment, with totals kept in step."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, delete, func, insert, select, text
from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.models import Commitment, Rating, RatingChange, RatingSummary
from portal.models.feedback import SCORES
from portal.services import insight_totals
from portal.services.commitments import FeedbackTarget
from portal.services.retired import refuse_if_retired
from portal.services.transactions import (
    add_to,
    in_transaction,
    insert_ignoring_duplicates,
    write,
)

# One rating per resident and commitment (the unique constraint).
RATING_KEY = ["commitment_id", "resident_key"]
RATING_CHANGE = insert(RatingChange)


@dataclass(frozen=True)
class RatingOutcome:
    """What rating did: the score before (None for a first rating)."""

    previous: int | None
    score: int


def rate(
    session: Session,
    commitment: Commitment | FeedbackTarget,
    resident_key: str,
    score: int,
    *,
    quarantined: bool = False,
) -> RatingOutcome:
    """Record or change a resident's rating, its history and the totals at once.

    The unique constraint decides who was first; there is no check-then-insert.
    A retired commitment raises CommitmentRetired and nothing is stored.
    """
    if score not in SCORES:
        raise ValueError(f"score {score!r} is not 1-5")
    refuse_if_retired(commitment)

    def work() -> RatingOutcome:
        now = utcnow()
        new_id = write(
            session,
            insert_ignoring_duplicates(session, Rating, RATING_KEY, returning="id"),
            {
                "commitment_id": commitment.id,
                "resident_key": resident_key,
                "score": score,
                "quarantined": quarantined,
                "created_at": now,
                "updated_at": now,
            },
        ).scalar()
        previous, counted_before = None, False
        if new_id is None:
            rating = session.execute(
                select(Rating)
                .where(
                    Rating.commitment_id == commitment.id,
                    Rating.resident_key == resident_key,
                )
                .with_for_update()
            ).scalar_one()
            previous, counted_before = rating.score, not rating.quarantined
            if (rating.score, rating.quarantined) == (score, quarantined):
                return RatingOutcome(previous, score)
            rating.score, rating.quarantined, rating.updated_at = (
                score,
                quarantined,
                now,
            )
            new_id = rating.id
        write(
            session,
            RATING_CHANGE,
            {
                "rating_id": new_id,
                "commitment_id": commitment.id,
                "old_score": previous,
                "new_score": score,
                "quarantined": quarantined,
                "changed_at": now,
            },
        )
        if counted_before:
            _adjust_summary(session, commitment.id, previous, -1)
        if not quarantined:
            _adjust_summary(session, commitment.id, score, +1)
            insight_totals.count_rating(session, commitment.id, score, now)
            insight_totals.join(session, commitment, resident_key)
        return RatingOutcome(previous, score)

    return in_transaction(session, work)


def _adjust_summary(
    session: Session, commitment_id: int, score: int, delta: int
) -> None:
    """Add or take away one rating in the totals, in the caller's transaction."""
    add_to(
        session,
        RatingSummary,
        {
            "commitment_id": commitment_id,
            "count": delta,
            "total": delta * score,
            f"n{score}": delta,
        },
        ["commitment_id"],
    )


def summaries(session: Session, commitment_ids: list[int]) -> dict[int, RatingSummary]:
    """The rating totals of these commitments (absent when nobody rated yet)."""
    if not commitment_ids:
        return {}
    rows = session.scalars(
        select(RatingSummary).where(RatingSummary.commitment_id.in_(commitment_ids))
    )
    return {row.commitment_id: row for row in rows}


def resident_scores(
    session: Session, resident_key: str | None, commitment_ids: list[int]
) -> dict[int, int]:
    """This resident's own scores for these commitments."""
    if not resident_key or not commitment_ids:
        return {}
    rows = session.execute(
        select(Rating.commitment_id, Rating.score).where(
            Rating.resident_key == resident_key,
            Rating.commitment_id.in_(commitment_ids),
        )
    )
    return {key: value for key, value in rows}


def recount(session: Session) -> dict[int, dict[int, int]]:
    """Counted ratings per commitment and score, straight from the rating rows."""
    rows = session.execute(
        select(Rating.commitment_id, Rating.score, func.count())
        .where(Rating.quarantined.is_(False))
        .group_by(Rating.commitment_id, Rating.score)
    )
    counts: dict[int, dict[int, int]] = {}
    for commitment_id, score, n in rows:
        counts.setdefault(commitment_id, dict.fromkeys(SCORES, 0))[score] = n
    return counts


def resident_ratings(session: Session, resident_key: str) -> list[Rating]:
    """Every rating this resident gave, newest first, with its commitment."""
    return list(
        session.scalars(
            select(Rating)
            .where(Rating.resident_key == resident_key)
            .order_by(Rating.updated_at.desc(), Rating.id.desc())
        )
    )


def rebuild_summaries(session: Session) -> None:
    """Recompute every rating total from the counted ratings, in SQL."""
    if session.get_bind().dialect.name == "postgresql":
        # A rating sent meanwhile waits, rather than adjust totals being rebuilt.
        session.execute(text("LOCK TABLE rating_summary IN SHARE ROW EXCLUSIVE MODE"))
    session.execute(delete(RatingSummary))
    per_score = [func.sum(case((Rating.score == s, 1), else_=0)) for s in SCORES]
    session.execute(
        insert(RatingSummary).from_select(
            ["commitment_id", "count", "total", "n1", "n2", "n3", "n4", "n5"],
            select(
                Rating.commitment_id,
                func.count(),
                func.sum(Rating.score),
                *per_score,
            )
            .where(Rating.quarantined.is_(False))
            .group_by(Rating.commitment_id),
        )
    )
