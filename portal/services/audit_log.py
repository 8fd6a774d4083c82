"""Reading the audit log: filters for administrators and the CSV export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import AuditEvent

PAGE = 200


@dataclass(frozen=True)
class AuditFilters:
    """Action, actor and a date range; anything malformed is ignored."""

    action: str = ""
    actor: str = ""
    since: date | None = None
    until: date | None = None

    @classmethod
    def from_args(cls, args) -> AuditFilters:
        def day(name: str) -> date | None:
            try:
                value = date.fromisoformat(args.get(name, ""))
            except ValueError:
                return None
            # Days at the ends of the calendar cannot be turned into a range.
            return value if date.min < value < date.max else None

        def word(name: str) -> str:
            value = args.get(name, "").strip()
            return value if len(value) <= 40 and value.isprintable() else ""

        return cls(word("action"), word("actor"), day("since"), day("until"))

    def query_args(self) -> dict[str, str]:
        """The filters as query-string values, for the CSV link."""
        args = {
            "action": self.action,
            "actor": self.actor,
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
        }
        return {k: v for k, v in args.items() if v}


def events(session: Session, filters: AuditFilters, limit: int | None = PAGE):
    """The matching events, newest first."""
    stmt = select(AuditEvent)
    if filters.action:
        stmt = stmt.where(AuditEvent.action == filters.action)
    if filters.actor:
        stmt = stmt.where(AuditEvent.actor == filters.actor)
    if filters.since:
        start = datetime.combine(filters.since, time.min, UTC)
        stmt = stmt.where(AuditEvent.at >= start)
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), time.min, UTC)
        stmt = stmt.where(AuditEvent.at < end)
    stmt = stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if limit:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))
