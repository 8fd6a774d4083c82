"""Residents' comments and flags: stored masked, shown only once published."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from portal.insights.sentiment import analyse
from portal.models import Comment, CommentStatus, Commitment, Flag, FlagReason
from portal.screening.pii import mask_personal_data
from portal.services import insight_totals, screening
from portal.services.moderation import moderation_mode
from portal.services.retired import refuse_if_retired
from portal.services.transactions import in_transaction, insert_ignoring_duplicates


@dataclass(frozen=True)
class Submitted:
    """A stored comment and the kinds of personal data masked in it."""

    comment: Comment
    masked: frozenset[str]


def submit_comment(
    session: Session,
    commitment: Commitment,
    *,
    resident_key: str,
    body: str,
    display_name: str | None,
    network_key: str | None,
    quarantined: bool = False,
) -> Submitted:
    """Store a comment for moderation, with personal data masked first.

    `body` and `display_name` are already cleaned (see portal.screening.text).
    A retired commitment raises CommitmentRetired and nothing is stored.
    """
    refuse_if_retired(commitment)
    masked_body = mask_personal_data(body)
    masked_name = mask_personal_data(display_name) if display_name else None
    kinds = masked_body.kinds | (masked_name.kinds if masked_name else frozenset())
    found = screening.screen(
        session,
        body=masked_body.text,
        display_name=masked_name.text if masked_name else None,
        masked=kinds,
        resident_key=resident_key,
        network_key=network_key,
        quarantined=quarantined,
    )
    if quarantined:
        status = CommentStatus.QUARANTINED
    elif moderation_mode(session) == "post" and not found.holds:
        status = CommentStatus.PUBLISHED
    else:
        status = CommentStatus.PENDING
    # Computed once, as the comment arrives, never when a dashboard loads.
    verdict = analyse(masked_body.text)
    comment = Comment(
        commitment_id=commitment.id,
        resident_key=resident_key,
        display_name=masked_name.text if masked_name else None,
        body=masked_body.text,
        lang=verdict.lang,
        sentiment=verdict.label,
        sentiment_score=verdict.score,
        status=status,
        masked=",".join(sorted(kinds)),
        network_key=network_key,
        labels=found.stored_labels(),
        screening=found.stored_findings(),
    )

    def work() -> Comment:
        session.add(comment)
        session.flush()
        if status == CommentStatus.PUBLISHED:
            insight_totals.count_comment(session, comment, +1)
        if not quarantined:
            insight_totals.join(session, commitment, resident_key)
        return comment

    return Submitted(in_transaction(session, work), kinds)


THREAD_PAGE = 30


@dataclass(frozen=True)
class Thread:
    """One page of a commitment's thread, oldest first, and where it stands."""

    comments: list[Comment]
    page: int
    pages: int
    total: int


def visible_comments(
    session: Session,
    commitment: Commitment,
    resident_key: str | None,
    *,
    page: int | None = None,
    showing: int | None = None,
) -> Thread:
    """What a reader sees in a thread, a page at a time (the newest page unless
    asked, or the page holding comment `showing`): published comments, the
    placeholders of hidden and removed ones, and their own comments awaiting review.
    """
    shown = Comment.status.in_(
        (CommentStatus.PUBLISHED, CommentStatus.HIDDEN, CommentStatus.REJECTED)
    )
    if resident_key:
        own = (Comment.resident_key == resident_key) & Comment.status.in_(
            (CommentStatus.PENDING, CommentStatus.QUARANTINED)
        )
        shown = shown | own
    where = (Comment.commitment_id == commitment.id) & shown
    total = session.scalar(select(func.count()).where(where))
    pages = max(1, -(-total // THREAD_PAGE))
    target = session.get(Comment, showing) if showing is not None else None
    if target is not None and target.commitment_id == commitment.id:
        before = session.scalar(
            select(func.count()).where(
                where,
                (Comment.created_at < target.created_at)
                | (
                    (Comment.created_at == target.created_at) & (Comment.id < target.id)
                ),
            )
        )
        page = before // THREAD_PAGE + 1
    page = min(max(page or pages, 1), pages)
    items = session.scalars(
        select(Comment)
        .where(where)
        .options(selectinload(Comment.reply))
        .order_by(Comment.created_at, Comment.id)
        .limit(THREAD_PAGE)
        .offset((page - 1) * THREAD_PAGE)
    )
    return Thread(list(items), page, pages, total)


def comment_counts(session: Session, commitment_ids: list[int]) -> dict[int, int]:
    """Published comments per commitment."""
    if not commitment_ids:
        return {}
    rows = session.execute(
        select(Comment.commitment_id, func.count())
        .where(
            Comment.commitment_id.in_(commitment_ids),
            Comment.status == CommentStatus.PUBLISHED,
        )
        .group_by(Comment.commitment_id)
    )
    return {key: value for key, value in rows}


class NotFlaggable(Exception):
    """Only published comments can be flagged."""


def flag_comment(
    session: Session,
    comment_id: int,
    *,
    resident_key: str,
    reason: FlagReason,
    threshold: int,
) -> None:
    """Record one resident's flag; enough distinct flags hide the comment."""

    def work() -> None:
        comment = session.get(Comment, comment_id)
        if comment is None or comment.status not in (
            CommentStatus.PUBLISHED,
            CommentStatus.HIDDEN,
        ):
            raise NotFlaggable
        new = session.execute(
            insert_ignoring_duplicates(session, Flag, ["comment_id", "resident_key"])
            .values(comment_id=comment_id, resident_key=resident_key, reason=reason)
            .returning(Flag.id)
        ).scalar()
        if new is None:
            return  # this resident flagged it before: still one flag
        # A new flag brings the comment back to the moderators' queue.
        session.execute(
            update(Comment)
            .where(Comment.id == comment_id)
            .values(flag_count=Comment.flag_count + 1, needs_review=True)
        )
        # Compare-and-set: only a still-published comment becomes hidden, and
        # only by flags a moderator has not already looked at.
        hidden = session.execute(
            update(Comment)
            .where(
                Comment.id == comment_id,
                Comment.status == CommentStatus.PUBLISHED,
                Comment.flag_count - Comment.flags_reviewed >= threshold,
            )
            .values(status=CommentStatus.HIDDEN)
        ).rowcount
        if hidden:
            insight_totals.count_comment(session, comment, -1)

    return in_transaction(session, work)


def resident_comments(session: Session, resident_key: str) -> list[Comment]:
    """Everything this resident wrote, newest first, with its commitment."""
    return list(
        session.scalars(
            select(Comment)
            .where(Comment.resident_key == resident_key)
            .options(selectinload(Comment.reply))
            .order_by(Comment.created_at.desc(), Comment.id.desc())
        )
    )
