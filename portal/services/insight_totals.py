"""Dashboard totals kept in step with feedback, and rebuilt from it on demand.

Weekly buckets (ratings given, published comments by sentiment) and the count
of distinct residents taking part, district-wide and per area. Every change
happens in the caller's transaction, beside the feedback row it counts.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import (
    String,
    cast,
    delete,
    func,
    insert,
    literal,
    select,
    text,
    union,
)
from sqlalchemy.orm import Session

from portal.models import (
    Comment,
    CommentStatus,
    Commitment,
    FeedbackWeek,
    Participant,
    ParticipantCount,
    Rating,
    RatingChange,
)
from portal.services.commitments import FeedbackTarget
from portal.services.transactions import (
    add_to,
    insert_ignoring_duplicates,
    write,
)

DISTRICT = "district"
SENTIMENTS = ("positive", "negative", "unclear")
WEEK_KEY = ["commitment_id", "week"]
# Rows each participant count is spread over (see models.ParticipantCount).
SHARDS = 8


def area_scope(area_id: int) -> str:
    """The participation scope of one area."""
    return f"area:{area_id}"


def week_of(moment: datetime | date) -> date:
    """The Monday of the (UTC) week a moment falls in (naive means UTC)."""
    if isinstance(moment, datetime):
        # PostgreSQL hands times back in the connection's zone, not UTC.
        day = (moment.astimezone(UTC) if moment.tzinfo else moment).date()
    else:
        day = moment
    return day - timedelta(days=day.weekday())


def count_rating(
    session: Session, commitment_id: int, score: int, at: datetime
) -> None:
    """Add a rating given (or changed to) `score` to its week."""
    add_to(
        session,
        FeedbackWeek,
        {
            "commitment_id": commitment_id,
            "week": week_of(at),
            "ratings": 1,
            "rating_total": score,
        },
        WEEK_KEY,
    )


def count_comment(session: Session, comment: Comment, delta: int) -> None:
    """Add (+1) or take away (-1) a published comment in its week and sentiment."""
    add_to(
        session,
        FeedbackWeek,
        {
            "commitment_id": comment.commitment_id,
            "week": week_of(comment.created_at),
            comment.sentiment: delta,
        },
        WEEK_KEY,
    )


def status_changed(
    session: Session, comment: Comment, before: CommentStatus, after: CommentStatus
) -> None:
    """Keep the totals in step with a change of status: published comments, and
    the writer of a comment a moderator has taken out of quarantine."""
    was, now = before == CommentStatus.PUBLISHED, after == CommentStatus.PUBLISHED
    if was != now:
        count_comment(session, comment, +1 if now else -1)
    if before == CommentStatus.QUARANTINED != after:
        join(session, comment.commitment, comment.resident_key)


def commitment_scope(commitment_id: int) -> str:
    """The participation (and theme) scope of one commitment."""
    return f"commitment:{commitment_id}"


def join(
    session: Session, commitment: Commitment | FeedbackTarget, resident_key: str
) -> None:
    """Count a resident once in the district, the area and the commitment they
    rated or wrote on."""
    scopes = (
        DISTRICT,
        area_scope(commitment.area_id),
        commitment_scope(commitment.id),
    )
    # RETURNING, not rowcount: SQLAlchemy gives -1 for an INSERT on psycopg.
    # The rows are parameters of one statement built once; SQLAlchemy sends
    # them as one multi-row INSERT.
    added = (
        write(
            session,
            insert_ignoring_duplicates(
                session, Participant, ["scope", "resident_key"], returning="scope"
            ),
            [{"scope": scope, "resident_key": resident_key} for scope in scopes],
        )
        .scalars()
        .all()
    )
    if added:
        add_to(
            session,
            ParticipantCount,
            # In one order everywhere, so two writers never wait on each other
            # crosswise (PostgreSQL locks each row until commit).
            [
                {"scope": scope, "shard": random.randrange(SHARDS), "count": 1}  # noqa: S311
                for scope in sorted(added)
            ],
            ["scope", "shard"],
        )


def participants(session: Session) -> dict[str, int]:
    """Distinct residents taking part, by scope."""
    rows = session.execute(
        select(ParticipantCount.scope, func.sum(ParticipantCount.count)).group_by(
            ParticipantCount.scope
        )
    )
    # .all(): a Result has keys(), so dict() would take it for a mapping.
    return dict(rows.all())


def week_start(session: Session, column):
    """SQL for the Monday of the week of a timestamp column."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(
            func.date_trunc("week", func.timezone("UTC", column)),
            FeedbackWeek.week.type,
        )
    return func.date(column, "weekday 0", "-6 days")


def rebuild(session: Session) -> None:
    """Recompute every dashboard total from the feedback rows, in SQL."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text(
                "LOCK TABLE feedback_week, participant, participant_count_shard "
                "IN SHARE ROW EXCLUSIVE MODE"
            )
        )
    for model in (FeedbackWeek, Participant, ParticipantCount):
        session.execute(delete(model))
    _rebuild_weeks(session)
    _rebuild_participants(session)


def _rebuild_weeks(session: Session) -> None:
    """Weekly ratings from the rating history, comments by sentiment."""
    week = week_start(session, RatingChange.changed_at).label("week")
    rows: dict[tuple[int, date], dict[str, int]] = {}

    def row(commitment_id: int, day) -> dict[str, int]:
        key = (commitment_id, day if isinstance(day, date) else date.fromisoformat(day))
        return rows.setdefault(
            key, dict(ratings=0, rating_total=0, positive=0, negative=0, unclear=0)
        )

    ratings = session.execute(
        select(
            RatingChange.commitment_id,
            week,
            func.count(),
            func.sum(RatingChange.new_score),
        )
        .where(RatingChange.quarantined.is_(False))
        .group_by(RatingChange.commitment_id, week)
    )
    for commitment_id, day, n, total in ratings:
        bucket = row(commitment_id, day)
        bucket["ratings"], bucket["rating_total"] = n, total
    written = week_start(session, Comment.created_at).label("week")
    comments = session.execute(
        select(Comment.commitment_id, written, Comment.sentiment, func.count())
        .where(Comment.status == CommentStatus.PUBLISHED)
        .group_by(Comment.commitment_id, written, Comment.sentiment)
    )
    for commitment_id, day, sentiment, n in comments:
        row(commitment_id, day)[sentiment] = n
    if rows:
        session.execute(
            insert(FeedbackWeek),
            [
                {"commitment_id": cid, "week": day, **values}
                for (cid, day), values in rows.items()
            ],
        )


def _rebuild_participants(session: Session) -> None:
    """Distinct residents who ever gave a counted rating, or wrote a comment not
    (or no longer) held as a bot's, per scope.

    Ratings come from their history: a resident whose counted rating is later
    changed by one the bot traps catch has still taken part, as the weeks show.
    """
    people = union(
        select(Rating.resident_key, Rating.commitment_id)
        .join(RatingChange, RatingChange.rating_id == Rating.id)
        .where(RatingChange.quarantined.is_(False)),
        select(Comment.resident_key, Comment.commitment_id).where(
            Comment.status != CommentStatus.QUARANTINED
        ),
    ).subquery()
    area = (literal("area:", String) + cast(Commitment.area_id, String)).label("scope")
    own = (literal("commitment:", String) + cast(people.c.commitment_id, String)).label(
        "scope"
    )
    session.execute(
        insert(Participant).from_select(
            ["scope", "resident_key"],
            union(
                select(literal(DISTRICT, String), people.c.resident_key),
                select(area, people.c.resident_key).join(
                    Commitment, Commitment.id == people.c.commitment_id
                ),
                select(own, people.c.resident_key),
            ),
        )
    )
    session.execute(
        insert(ParticipantCount).from_select(
            ["scope", "shard", "count"],
            select(Participant.scope, literal(0), func.count()).group_by(
                Participant.scope
            ),
        )
    )
