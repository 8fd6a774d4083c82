"""The moderation queue and moderators' decisions, each in the audit log."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, joinedload

from portal.db import utcnow
from portal.models import (
    Comment,
    CommentStatus,
    Commitment,
    Flag,
    RejectReason,
    StaffUser,
)
from portal.services import audit, insight_totals, settings
from portal.services.transactions import in_transaction

QUEUE_PAGE = 50
MODERATION_MODE = "moderation_mode"


@dataclass(frozen=True)
class QueueFilters:
    """What a moderator narrowed the queue to; validated by the caller."""

    commitment: str = ""
    label: str = ""
    flagged: bool = False

    def query_args(self) -> dict[str, str]:
        """The filters as query-string values, for links back to the same view."""
        args = {"commitment": self.commitment, "label": self.label}
        if self.flagged:
            args["flagged"] = "1"
        return {k: v for k, v in args.items() if v}


def queue(session: Session, filters: QueueFilters, limit: int = QUEUE_PAGE):
    """Comments waiting for a decision, oldest first, and how many there are."""
    stmt = select(Comment).where(Comment.needs_review.is_(True))
    if filters.commitment:
        stmt = stmt.join(Comment.commitment).where(
            Commitment.code == filters.commitment
        )
    if filters.label:
        # Labels are stored space-separated with a space at each end.
        stmt = stmt.where(Comment.labels.contains(f" {filters.label} "))
    if filters.flagged:
        stmt = stmt.where(Comment.flag_count > Comment.flags_reviewed)
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    items = session.scalars(
        stmt.options(joinedload(Comment.commitment))
        .order_by(Comment.created_at, Comment.id)
        .limit(limit)
    ).all()
    return list(items), total


def flag_reasons(session: Session, comments: list[Comment]) -> dict[int, list]:
    """Why residents flagged each of these comments since a moderator last
    looked at its flags: (reason, how many), the commonest first."""
    new = {c.id: c.flag_count - c.flags_reviewed for c in comments}
    flagged = [cid for cid, n in new.items() if n > 0]
    if not flagged:
        return {}
    rows = session.execute(
        select(Flag.comment_id, Flag.reason)
        .where(Flag.comment_id.in_(flagged))
        .order_by(Flag.comment_id, Flag.id.desc())
    )
    latest: dict[int, list] = {}
    for comment_id, reason in rows:
        latest.setdefault(comment_id, []).append(reason)
    reasons = {}
    for comment_id, found in latest.items():
        counted = Counter(found[: new[comment_id]])  # the newest flags only
        reasons[comment_id] = sorted(
            counted.items(), key=lambda pair: (-pair[1], pair[0].value)
        )
    return reasons


class AlreadyDecided(Exception):
    """Another moderator decided this comment first."""

    def __init__(self, comment: Comment) -> None:
        super().__init__(f"comment {comment.id} was already decided")
        self.comment = comment


class CannotModerate(Exception):
    """The decision is not allowed (e.g. "other" without a note)."""


def decide(
    session: Session,
    comment_id: int,
    moderator: StaffUser,
    *,
    approve: bool,
    reason: RejectReason | None = None,
    note: str = "",
) -> Comment:
    """Publish or reject a comment waiting for review; the first moderator wins.

    Compare-and-set on needs_review: a second moderator's decision changes
    nothing and raises AlreadyDecided with what the first one did.
    """
    note = note.strip()
    if not approve and reason is None:
        raise CannotModerate("a rejection needs a reason")
    if reason == RejectReason.OTHER and not note:
        raise CannotModerate("the reason 'other' needs a note")

    def work() -> Comment:
        # Locked so that a flag hiding it meanwhile cannot skew the totals.
        comment = session.get(
            Comment, comment_id, with_for_update=True, populate_existing=True
        )
        if comment is None:
            raise LookupError(comment_id)
        was = comment.status
        before = {"status": was.value}
        status = CommentStatus.PUBLISHED if approve else CommentStatus.REJECTED
        changed = session.execute(
            update(Comment)
            .where(Comment.id == comment_id, Comment.needs_review.is_(True))
            .values(
                status=status,
                needs_review=False,
                flags_reviewed=Comment.flag_count,
                decided_at=utcnow(),
                decided_by_id=moderator.id,
                reject_reason=None if approve else reason,
                decision_note=note,
            )
        ).rowcount
        session.refresh(comment)
        if not changed:
            raise AlreadyDecided(comment)
        insight_totals.status_changed(session, comment, was, status)
        audit.record(
            session,
            moderator,
            "comment.approve" if approve else "comment.reject",
            comment,
            before=before,
            after={
                "status": status.value,
                "reject_reason": None if approve else reason.value,
            },
            reason=(reason.value if reason else "") + (f": {note}" if note else ""),
        )
        return comment

    return in_transaction(session, work)


def waiting_count(session: Session) -> int:
    """How many comments wait for a moderator."""
    return session.scalar(select(func.count()).where(Comment.needs_review.is_(True)))


def moderation_mode(session: Session) -> str:
    """ "pre" (wait for a moderator) or "post" (clean comments appear at once)."""
    return mode_or_default(settings.get(session, MODERATION_MODE))


def mode_or_default(stored: str | None) -> str:
    """The stored moderation mode, else the configured default."""
    return stored or current_app.config["MODERATION_MODE"]


def set_moderation_mode(session: Session, actor: StaffUser, mode: str) -> None:
    """Switch pre- and post-moderation; recorded in the audit log."""
    if mode not in ("pre", "post"):
        raise ValueError(mode)
    before = moderation_mode(session)
    settings.put(session, MODERATION_MODE, mode)
    audit.record(
        session,
        actor,
        "settings.moderation_mode",
        None,
        before={"mode": before},
        after={"mode": mode},
    )
    session.commit()
