"""Rows of the officials' CSV exports, read from the database as they are written.

Column names are data names (snake_case English), not prose. Days are UTC
calendar days in ISO form (2026-11-27). Nothing in any export identifies a
resident: no resident key, network key, rating id or flag.

commitments.csv (one row per commitment of the current report)
    code, area_code, area_zh, area_en, title_zh, title_en, target_value,
    target_unit_zh, target_unit_en, status, latest_progress_date,
    latest_progress_value, latest_progress_percent (count targets only),
    rating_count, rating_average (2 decimals), rating_1 .. rating_5,
    published_comments, positive_comments, negative_comments,
    unclear_comments, replies
ratings.csv (one row per counted rating; those the bot traps caught are left out)
    commitment_code, score, created_on, updated_on, demonstration (1 or 0)
comments.csv (published comments only)
    comment_id (as in the page's address), commitment_code, created_on, lang,
    display_name (as shown; empty for "A resident"), body (as published,
    personal data masked), sentiment (positive/negative/unclear),
    sentiment_score (-1 to 1), answered (1 or 0), answering_department,
    demonstration (1 or 0)

The public open-data download of published comments (/api/v1/comments.csv)
has the same rows for every commitment, without the two sentiment columns
(an estimate for officials, not what residents said).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.csvexport import number
from portal.db import as_utc
from portal.models import (
    Comment,
    CommentStatus,
    Commitment,
    FeedbackWeek,
    Rating,
    Reply,
)
from portal.models.feedback import SCORES
from portal.services import commitments as catalogue
from portal.services import ratings
from portal.services.departments import EVERYTHING, Scope, condition

# Rows fetched from the database at a time for the long exports.
BATCH = 5000

COMMITMENT_COLUMNS = (
    "code", "area_code", "area_zh", "area_en", "title_zh", "title_en",
    "target_value", "target_unit_zh", "target_unit_en", "status",
    "latest_progress_date", "latest_progress_value", "latest_progress_percent",
    "rating_count", "rating_average", *(f"rating_{score}" for score in SCORES),
    "published_comments", "positive_comments", "negative_comments",
    "unclear_comments", "replies",
)  # fmt: skip

RATING_COLUMNS = (
    "commitment_code", "score", "created_on", "updated_on", "demonstration",
)  # fmt: skip

COMMENT_COLUMNS = (
    "comment_id", "commitment_code", "created_on", "lang", "display_name", "body",
    "sentiment", "sentiment_score", "answered", "answering_department",
    "demonstration",
)  # fmt: skip


SENTIMENT = {COMMENT_COLUMNS.index(name) for name in ("sentiment", "sentiment_score")}
PUBLIC_COMMENT_COLUMNS = tuple(
    name for i, name in enumerate(COMMENT_COLUMNS) if i not in SENTIMENT
)


def utc_day(moment: datetime) -> str:
    """The UTC calendar day of a stored moment, as 2026-11-27."""
    return as_utc(moment).astimezone(UTC).date().isoformat()


def commitment_rows(session: Session, scope: Scope) -> Iterator[tuple]:
    """The current report's commitments `scope` sees, with their progress and
    feedback totals.

    Totals come from the kept summaries, never from counting feedback rows.
    """
    report = catalogue.current_report(session)
    if report is None:
        return
    seen = _visible_ids(session, report.id, scope)
    items = [c for c in catalogue.all_commitments(session, report) if c.id in seen]
    ids = [c.id for c in items]
    updates = catalogue.latest_updates(session, items)
    summaries = ratings.summaries(session, ids)
    tones = _comment_tones(session, ids)
    replies = _reply_counts(session, ids)
    for c in items:
        update, summary = updates.get(c.id), summaries.get(c.id)
        unit = c.target_unit
        positive, negative, unclear = tones.get(c.id, (0, 0, 0))
        average = summary.average if summary else None
        yield (
            c.code, c.area.code, c.area.name_zh, c.area.name_en,
            c.title_zh, c.title_en, number(c.target_value),
            unit.label_zh if unit else None, unit.label_en if unit else None,
            c.status.value,
            update.reported_on.isoformat() if update else None,
            number(update.value) if update else None,
            catalogue.progress_percent(c, update),
            summary.count if summary else 0,
            round(average, 2) if average is not None else None,
            *(summary.distribution if summary else dict.fromkeys(SCORES, 0)).values(),
            positive + negative + unclear, positive, negative, unclear,
            replies.get(c.id, 0),
        )  # fmt: skip


def _comment_tones(session: Session, ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """Published comments per commitment by sentiment, from the weekly totals."""
    if not ids:
        return {}
    rows = session.execute(
        select(
            FeedbackWeek.commitment_id,
            func.sum(FeedbackWeek.positive),
            func.sum(FeedbackWeek.negative),
            func.sum(FeedbackWeek.unclear),
        )
        .where(FeedbackWeek.commitment_id.in_(ids))
        .group_by(FeedbackWeek.commitment_id)
    )
    return {cid: (int(p), int(n), int(u)) for cid, p, n, u in rows}


def _reply_counts(session: Session, ids: list[int]) -> dict[int, int]:
    """Officials' replies per commitment."""
    if not ids:
        return {}
    rows = session.execute(
        select(Reply.commitment_id, func.count())
        .where(Reply.commitment_id.in_(ids))
        .group_by(Reply.commitment_id)
    )
    return dict(rows.all())


def _visible_ids(session: Session, report_id: int, scope: Scope) -> set[int]:
    return set(
        session.scalars(
            select(Commitment.id).where(
                Commitment.report_id == report_id, condition(scope)
            )
        )
    )


def rating_rows(session: Session, scope: Scope) -> Iterator[tuple]:
    """Every counted rating of the current report's commitments `scope` sees,
    oldest first, streamed."""
    report = catalogue.current_report(session)
    if report is None:
        return
    rows = session.execute(
        select(
            Commitment.code,
            Rating.score,
            Rating.created_at,
            Rating.updated_at,
            Rating.is_demo,
        )
        .join(Commitment, Commitment.id == Rating.commitment_id)
        .where(
            Commitment.report_id == report.id,
            Rating.quarantined.is_(False),
            condition(scope),
        )
        .order_by(Rating.id)
        .execution_options(yield_per=BATCH)
    )
    for code, score, created, updated, demo in rows:
        yield code, score, utc_day(created), utc_day(updated), int(demo)


def comment_rows(session: Session, scope: Scope) -> Iterator[tuple]:
    """Every published comment of the current report's commitments `scope`
    sees, oldest first, streamed."""
    report = catalogue.current_report(session)
    if report is None:
        return
    rows = session.execute(
        select(
            Comment.id,
            Commitment.code,
            Comment.created_at,
            Comment.lang,
            Comment.display_name,
            Comment.body,
            Comment.sentiment,
            Comment.sentiment_score,
            Reply.department,
            Reply.id.is_not(None),
            Comment.is_demo,
        )
        .join(Commitment, Commitment.id == Comment.commitment_id)
        .outerjoin(Reply, Reply.comment_id == Comment.id)
        .where(
            Commitment.report_id == report.id,
            Comment.status == CommentStatus.PUBLISHED,
            condition(scope),
        )
        .order_by(Comment.id)
        .execution_options(yield_per=BATCH)
    )
    for (
        comment_id, code, created, lang, name, body, tone, score, department,
        answered, demo,
    ) in rows:  # fmt: skip
        yield (
            comment_id, code, utc_day(created), lang, name or "", body, tone,
            round(score, 4), int(answered), department or "", int(demo),
        )  # fmt: skip


def public_comment_rows(session: Session) -> Iterator[tuple]:
    """Every published comment of the current report, without sentiment."""
    for row in comment_rows(session, EVERYTHING):
        yield tuple(value for i, value in enumerate(row) if i not in SENTIMENT)
