"""Public figures on moderation: decisions per month, reasons and waiting times."""

from __future__ import annotations

import json
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Integer, cast, select
from sqlalchemy.orm import Session

from portal.db import as_utc
from portal.models import AuditEvent, Comment, RejectReason
from portal.services.working_days import CHINA


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
    """Every month with decisions, newest first (months of the district's
    calendar, by decision time).

    Read from the audit log, so a comment decided twice (approved, then
    flagged and removed) counts in both months, as it happened. Its wait is
    counted once, to its first decision: a later one waited on residents'
    flags, not on the queue.
    """
    rows = session.execute(
        select(
            Comment.id,
            AuditEvent.action,
            AuditEvent.after,
            AuditEvent.at,
            Comment.created_at,
        )
        .join(Comment, Comment.id == cast(AuditEvent.object_id, Integer))
        .where(
            AuditEvent.object_type == "comment",
            AuditEvent.action.in_(("comment.approve", "comment.reject")),
        )
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    months: dict[tuple[int, int], Month] = {}
    decided_before: set[int] = set()
    for comment_id, action, after, decided, created in rows:
        decided = as_utc(decided)
        local = decided.astimezone(CHINA)
        key = (local.year, local.month)
        month = months.setdefault(key, Month(*key))
        if action == "comment.approve":
            month.published += 1
        else:
            reason = json.loads(after).get("reject_reason") or RejectReason.OTHER
            month.rejected[RejectReason(reason)] += 1
        if comment_id not in decided_before:
            decided_before.add(comment_id)
            month.waits.append((decided - as_utc(created)).total_seconds())
    return [months[key] for key in sorted(months, reverse=True)]
