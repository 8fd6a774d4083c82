"""Officials' public replies to comments, and residents' verdicts on them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, utcnow
from portal.models.commitment import portable_enum
from portal.models.feedback import Comment
from portal.models.staff import StaffUser


class Reply(Base):
    """The government's answer to one published comment, by one department."""

    __tablename__ = "reply"
    # Covers the dashboard's reply figures, summed per commitment and days taken.
    __table_args__ = (
        Index(
            "ix_reply_figures",
            "commitment_id",
            "working_days",
            "satisfied",
            "dissatisfied",
        ),
        # Covers counting the answers to comments received before a day.
        Index("ix_reply_received", "commitment_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # One answer per comment: a second official is told it is already answered.
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id"), unique=True)
    # Denormalised so per-commitment reply counts need no join.
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id"), index=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    # The answering department as it was when the reply was written.
    department: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8))
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Counted verdicts of residents, kept in step with reply_verdict.
    satisfied: Mapped[int] = mapped_column(default=0)
    dissatisfied: Mapped[int] = mapped_column(default=0)
    # Working days from the comment's receipt to this reply, fixed when it is
    # posted, so reply times are summed by the database, not row by row.
    working_days: Mapped[int] = mapped_column(default=0)
    # When the comment was received (its created_at), so overdue counts need
    # no join with the comments.
    received_at: Mapped[datetime]

    comment: Mapped[Comment] = relationship(back_populates="reply")
    official: Mapped[StaffUser] = relationship()


class VerdictReason(enum.StrEnum):
    """Why a resident says a reply did not resolve the concern."""

    NOT_SOLVED = "not_solved"
    TOO_SLOW = "too_slow"
    NOT_ANSWERED = "not_answered"
    OTHER = "other"


class ReplyVerdict(Base):
    """One resident's view of a reply: satisfied or not, and why not."""

    __tablename__ = "reply_verdict"
    __table_args__ = (UniqueConstraint("reply_id", "resident_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reply_id: Mapped[int] = mapped_column(ForeignKey("reply.id"), index=True)
    resident_key: Mapped[str] = mapped_column(String(64))
    satisfied: Mapped[bool]
    reason: Mapped[VerdictReason | None] = mapped_column(
        portable_enum(VerdictReason, "reason")
    )
    # True when the comment's own author gave this verdict.
    by_author: Mapped[bool] = mapped_column(default=False)
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
