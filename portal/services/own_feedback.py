"""Whether a resident has feedback of their own on a commitment."""

from __future__ import annotations

from sqlalchemy import literal, or_, select
from sqlalchemy.orm import Session

from portal.models import Comment, Rating, Reply, ReplyVerdict


def has_own_feedback(
    session: Session, resident_key: str | None, commitment_id: int
) -> bool:
    """True when the resident rated, wrote on, or judged a reply on the commitment:
    their page then shows their own score, comments or verdicts."""
    if resident_key is None:
        return False
    rating = select(literal(1)).where(
        Rating.commitment_id == commitment_id, Rating.resident_key == resident_key
    )
    comment = select(literal(1)).where(
        Comment.commitment_id == commitment_id, Comment.resident_key == resident_key
    )
    verdict = (
        select(literal(1))
        .select_from(ReplyVerdict)
        .join(Reply, Reply.id == ReplyVerdict.reply_id)
        .where(
            Reply.commitment_id == commitment_id,
            ReplyVerdict.resident_key == resident_key,
        )
    )
    return bool(
        session.scalar(select(or_(rating.exists(), comment.exists(), verdict.exists())))
    )
