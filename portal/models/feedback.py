"""Residents' ratings, comments and flags, and the rating totals per commitment."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, utcnow
from portal.models.commitment import Commitment, portable_enum

if TYPE_CHECKING:
    from portal.models.reply import Reply

SCORES = (1, 2, 3, 4, 5)


class Rating(Base):
    """A resident's current rating of a commitment: one per resident, enforced here."""

    __tablename__ = "rating"
    __table_args__ = (
        UniqueConstraint("commitment_id", "resident_key"),
        CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed by the unique constraint, which starts with this column.
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id"))
    # A keyed hash of the resident's cookie id, never the id itself.
    resident_key: Mapped[str] = mapped_column(String(64))
    score: Mapped[int]
    # Set by the bot traps: kept for review, left out of every total.
    quarantined: Mapped[bool] = mapped_column(default=False)
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    commitment: Mapped[Commitment] = relationship()


class RatingChange(Base):
    """Every rating and change of rating, in order, for trends over time."""

    __tablename__ = "rating_change"
    __table_args__ = (
        CheckConstraint("new_score BETWEEN 1 AND 5", name="new_score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rating_id: Mapped[int] = mapped_column(ForeignKey("rating.id"), index=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id"), index=True)
    old_score: Mapped[int | None]
    new_score: Mapped[int]
    quarantined: Mapped[bool] = mapped_column(default=False)
    is_demo: Mapped[bool] = mapped_column(default=False)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class RatingSummary(Base):
    """Counted ratings per commitment, kept in step in the rating's transaction.

    Pages read this instead of counting a million rows; it can always be
    recomputed from `rating` (see services.ratings.recount).
    """

    __tablename__ = "rating_summary"

    commitment_id: Mapped[int] = mapped_column(
        ForeignKey("commitment.id"), primary_key=True
    )
    count: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    n1: Mapped[int] = mapped_column(default=0)
    n2: Mapped[int] = mapped_column(default=0)
    n3: Mapped[int] = mapped_column(default=0)
    n4: Mapped[int] = mapped_column(default=0)
    n5: Mapped[int] = mapped_column(default=0)

    @property
    def distribution(self) -> dict[int, int]:
        return {score: getattr(self, f"n{score}") for score in SCORES}

    @property
    def average(self) -> float | None:
        return self.total / self.count if self.count else None


class CommentStatus(enum.StrEnum):
    """Where a comment stands in moderation."""

    PENDING = "pending"
    PUBLISHED = "published"
    REJECTED = "rejected"
    # Flagged by enough residents: hidden until a moderator decides.
    HIDDEN = "hidden"
    # Caught by the bot traps; looks accepted to the sender, waits for review.
    QUARANTINED = "quarantined"


class RejectReason(enum.StrEnum):
    """The fixed reasons a moderator gives for not publishing a comment."""

    PERSONAL_ATTACK = "personal_attack"
    PERSONAL_DATA = "personal_data"
    SPAM = "spam"
    OFF_TOPIC = "off_topic"
    UNLAWFUL = "unlawful"
    DUPLICATE = "duplicate"
    OTHER = "other"


class FlagReason(enum.StrEnum):
    """Why a resident flags a published comment."""

    SPAM = "spam"
    OFFENSIVE = "offensive"
    PERSONAL_INFO = "personal_info"
    OFF_TOPIC = "off_topic"


class Comment(Base):
    """A resident's comment on a commitment, stored masked and normalised."""

    __tablename__ = "comment"
    # Covers counting the published comments received since a day, per commitment.
    __table_args__ = (
        Index("ix_comment_published_since", "status", "created_at", "commitment_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id"), index=True)
    resident_key: Mapped[str] = mapped_column(String(64), index=True)
    # 40 characters typed; masking an e-mail address can make it a little longer.
    display_name: Mapped[str | None] = mapped_column(String(60))
    body: Mapped[str] = mapped_column(Text)
    # "zh", "en" or "und"; comments are shown as written, labelled with this.
    lang: Mapped[str] = mapped_column(String(8))
    status: Mapped[CommentStatus] = mapped_column(
        portable_enum(CommentStatus, "status"), index=True
    )
    # Comma-separated kinds of personal data that were masked ("mobile,email").
    masked: Mapped[str] = mapped_column(String(100), default="")
    # Keyed hash of the sender's network (daily pepper); never the address.
    network_key: Mapped[str | None] = mapped_column(String(64))
    flag_count: Mapped[int] = mapped_column(default=0)
    # Flags a moderator has already looked at; more than that brings it back.
    flags_reviewed: Mapped[int] = mapped_column(default=0)
    # In the moderation queue: new, quarantined, or flagged since last decision.
    needs_review: Mapped[bool] = mapped_column(default=True, index=True)
    # What automatic screening found: space-separated labels for filtering,
    # and a JSON list of {label, detail} explanations for the moderator.
    labels: Mapped[str] = mapped_column(String(200), default="")
    screening: Mapped[str] = mapped_column(Text, default="[]")
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    reject_reason: Mapped[RejectReason | None] = mapped_column(
        portable_enum(RejectReason, "reject_reason")
    )
    decision_note: Mapped[str] = mapped_column(Text, default="")
    # From portal.insights.sentiment when the comment arrives: "positive",
    # "negative" or "unclear", and a score in [-1, 1].
    sentiment: Mapped[str] = mapped_column(String(10), default="unclear")
    sentiment_score: Mapped[float] = mapped_column(default=0.0)

    commitment: Mapped[Commitment] = relationship()
    # The government's answer, if any (one per comment).
    reply: Mapped[Reply | None] = relationship(back_populates="comment")


class Flag(Base):
    """One resident's report of a published comment; one per resident."""

    __tablename__ = "flag"
    __table_args__ = (UniqueConstraint("comment_id", "resident_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id"), index=True)
    resident_key: Mapped[str] = mapped_column(String(64))
    reason: Mapped[FlagReason] = mapped_column(portable_enum(FlagReason, "reason"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
