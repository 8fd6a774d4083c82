"""Public figures on moderation: decisions per month, reasons and waiting times."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.db import as_utc
from portal.models import Comment, CommentStatus, RejectReason


@dataclass
class Month:
    """One month of moderators' decisions."""

    year: int
    month: int
    published: int = 0
    rejected: Counter = field(default_factory=Counter)
    waits: list[float] = field(default_factory=list)

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())

    @property
    def median_wait(self) -> timedelta | None:
        if not self.waits:
            return None
        return timedelta(seconds=statistics.median(self.waits))


def by_month(session: Session) -> list[Month]:
    """Every month with decisions, newest first (months by decision time, UTC)."""
    rows = session.execute(
        select(
            Comment.status,
            Comment.reject_reason,
            Comment.created_at,
            Comment.decided_at,
        ).where(
            Comment.decided_by_id.is_not(None),
            Comment.status.in_((CommentStatus.PUBLISHED, CommentStatus.REJECTED)),
        )
    )
    months: dict[tuple[int, int], Month] = {}
    for status, reason, created, decided in rows:
        decided = as_utc(decided)
        key = (decided.year, decided.month)
        month = months.setdefault(key, Month(*key))
        if status == CommentStatus.PUBLISHED:
            month.published += 1
        else:
            month.rejected[reason or RejectReason.OTHER] += 1
        month.waits.append((decided - as_utc(created)).total_seconds())
    return [months[key] for key in sorted(months, reverse=True)]
