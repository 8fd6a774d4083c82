"""Officials' public replies to comments, residents' verdicts, and reply times.

A reply is due within a number of working days (Monday to Friday, counted in
China Standard Time) of the comment being received; the target is a setting.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, joinedload

from portal.db import utcnow
from portal.models import (
    Comment,
    CommentStatus,
    Commitment,
    Reply,
    ReplyVerdict,
    StaffUser,
    VerdictReason,
)
from portal.screening.language import detect_language
from portal.services import audit, settings
from portal.services.departments import EVERYTHING, Scope, can_act_on, condition
from portal.services.transactions import in_transaction, insert_ignoring_duplicates
from portal.services.working_days import (
    CHINA,
    add_working_days,
    local_day,
    working_days_between,
)

REPLY_TARGET_DAYS = "reply_target_days"
# Where an answered comment can go after its answer: out of the published thread.
WITHDRAWN = (
    CommentStatus.HIDDEN,
    CommentStatus.REJECTED,
    CommentStatus.PENDING,
    CommentStatus.QUARANTINED,
)
# Dates of receipt and reply are the district's dates, not UTC's.


class CannotReply(Exception):
    """The reply is not allowed; `reason` says why, for the official."""

    def __init__(self, reason: str, reply: Reply | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.reply = reply


def target_days(session: Session) -> int:
    """Working days within which a comment should be answered."""
    stored = settings.get(session, REPLY_TARGET_DAYS)
    return int(stored) if stored else int(current_app.config["REPLY_TARGET_DAYS"])


def set_target_days(session: Session, actor: StaffUser, days: int) -> None:
    """Change the reply target; recorded in the audit log."""
    if not 1 <= days <= 60:
        raise ValueError(days)
    before = target_days(session)
    settings.put(session, REPLY_TARGET_DAYS, str(days))
    audit.record(
        session,
        actor,
        "settings.reply_target_days",
        None,
        before={"days": before},
        after={"days": days},
    )
    session.commit()


def due_on(comment: Comment, days: int) -> date:
    """The last day a reply to this comment is on time."""
    return add_working_days(local_day(comment.created_at), days)


def post_reply(
    session: Session, comment_id: int, official: StaffUser, body: str
) -> Reply:
    """Publish an official's answer to a published comment, in their department's
    name. One answer per comment: the second official is told who answered."""
    if not official.department:
        raise CannotReply("no_department")

    def work() -> Reply:
        comment = session.get(Comment, comment_id)
        if comment is None or comment.status != CommentStatus.PUBLISHED:
            raise CannotReply("not_published")
        if not can_act_on(official, comment.commitment):
            raise CannotReply("not_your_department")
        now = utcnow()
        new_id = session.execute(
            insert_ignoring_duplicates(session, Reply, ["comment_id"])
            .values(
                comment_id=comment.id,
                commitment_id=comment.commitment_id,
                official_id=official.id,
                department=official.department,
                body=body,
                lang=detect_language(body),
                created_at=now,
                updated_at=now,
                satisfied=0,
                dissatisfied=0,
                working_days=working_days_between(
                    local_day(comment.created_at), local_day(now)
                ),
                received_at=comment.created_at,
                is_demo=False,
            )
            .returning(Reply.id)
        ).scalar()
        if new_id is None:
            raise CannotReply("already_answered", reply_for(session, comment.id))
        reply = session.get(Reply, new_id)
        audit.record(
            session,
            official,
            "reply.add",
            comment,
            after={"department": official.department, "body": body},
        )
        return reply

    return in_transaction(session, work)


def edit_reply(
    session: Session, reply_id: int, official: StaffUser, body: str
) -> Reply:
    """Change one's own reply; nobody may edit another official's answer."""

    def work() -> Reply:
        reply = session.get(Reply, reply_id, with_for_update=True)
        if reply is None:
            raise LookupError(reply_id)
        if reply.official_id != official.id:
            raise CannotReply("not_yours", reply)
        if not can_act_on(official, reply.comment.commitment):
            raise CannotReply("not_your_department", reply)
        before = {"body": reply.body}
        reply.body, reply.lang, reply.updated_at = body, detect_language(body), utcnow()
        audit.record(
            session,
            official,
            "reply.edit",
            reply.comment,
            before=before,
            after={"body": body},
        )
        return reply

    return in_transaction(session, work)


def reply_for(session: Session, comment_id: int) -> Reply | None:
    """The answer to a comment, if any."""
    return session.scalar(select(Reply).where(Reply.comment_id == comment_id))


def give_verdict(
    session: Session,
    reply_id: int,
    resident_key: str,
    *,
    satisfied: bool,
    reason: VerdictReason | None,
) -> bool:
    """Record or change a resident's verdict on a reply; returns True if changed.

    The reply's satisfied/dissatisfied counts move in the same transaction.
    """
    if not satisfied and reason is None:
        raise ValueError("a verdict of not satisfied needs a reason")
    reason = None if satisfied else reason

    def work() -> bool:
        reply = session.get(Reply, reply_id)
        if reply is None or reply.comment.status != CommentStatus.PUBLISHED:
            raise LookupError(reply_id)
        now = utcnow()
        new_id = session.execute(
            insert_ignoring_duplicates(
                session, ReplyVerdict, ["reply_id", "resident_key"]
            )
            .values(
                reply_id=reply_id,
                resident_key=resident_key,
                satisfied=satisfied,
                reason=reason,
                by_author=reply.comment.resident_key == resident_key,
                is_demo=False,
                created_at=now,
                updated_at=now,
            )
            .returning(ReplyVerdict.id)
        ).scalar()
        if new_id is None:
            verdict = session.execute(
                select(ReplyVerdict)
                .where(
                    ReplyVerdict.reply_id == reply_id,
                    ReplyVerdict.resident_key == resident_key,
                )
                .with_for_update()
            ).scalar_one()
            if (verdict.satisfied, verdict.reason) == (satisfied, reason):
                return False
            was = verdict.satisfied
            verdict.satisfied, verdict.reason, verdict.updated_at = (
                satisfied,
                reason,
                now,
            )
            if was == satisfied:
                return True
            _count(session, reply_id, was, -1)
        _count(session, reply_id, satisfied, +1)
        return True

    return in_transaction(session, work)


def _count(session: Session, reply_id: int, satisfied: bool, delta: int) -> None:
    """Move one verdict in or out of a reply's counts."""
    column = Reply.satisfied if satisfied else Reply.dissatisfied
    session.execute(
        update(Reply).where(Reply.id == reply_id).values({column: column + delta})
    )


def resident_verdicts(
    session: Session, resident_key: str | None, reply_ids: list[int]
) -> dict[int, ReplyVerdict]:
    """This resident's own verdicts on these replies."""
    if not resident_key or not reply_ids:
        return {}
    rows = session.scalars(
        select(ReplyVerdict).where(
            ReplyVerdict.resident_key == resident_key,
            ReplyVerdict.reply_id.in_(reply_ids),
        )
    )
    return {row.reply_id: row for row in rows}


@dataclass(frozen=True)
class Waiting:
    """A published comment without an answer, and when one is due."""

    comment: Comment
    due: date
    overdue: bool


def awaiting_reply(
    session: Session,
    today: date,
    commitment_id: int | None = None,
    limit: int = 100,
    scope: Scope = EVERYTHING,
) -> tuple[list[Waiting], int]:
    """Published comments not yet answered on the commitments `scope` sees,
    oldest first, and how many there are."""
    stmt = (
        select(Comment)
        .join(Commitment, Commitment.id == Comment.commitment_id)
        .outerjoin(Reply, Reply.comment_id == Comment.id)
        .where(
            Comment.status == CommentStatus.PUBLISHED,
            Reply.id.is_(None),
            condition(scope),
        )
    )
    if commitment_id is not None:
        stmt = stmt.where(Comment.commitment_id == commitment_id)
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    days = target_days(session)
    rows = session.scalars(
        stmt.options(joinedload(Comment.commitment))
        .order_by(Comment.created_at, Comment.id)
        .limit(limit)
    )
    waiting = []
    for comment in rows:
        due = due_on(comment, days)
        waiting.append(Waiting(comment, due, today > due))
    return waiting, total


@dataclass(frozen=True)
class ReplyStats:
    """How well comments are answered: rate, time and residents' verdicts."""

    published: int
    # Working days each reply took, and whether it came within the target.
    days_taken: tuple[int, ...]
    on_time: int
    satisfied: int
    dissatisfied: int
    # Published comments still unanswered after their target day.
    overdue: int

    @property
    def replied(self) -> int:
        return len(self.days_taken)

    @property
    def rate(self) -> float | None:
        return self.replied / self.published if self.published else None

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.days_taken) if self.days_taken else None

    @property
    def due(self) -> int:
        """Comments that had to be answered by now: the answered ones and the
        overdue ones (a comment never answered counts against the target)."""
        return self.replied + self.overdue

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.due if self.due else None

    @property
    def satisfaction(self) -> float | None:
        given = self.satisfied + self.dissatisfied
        return self.satisfied / given if given else None


def combined(stats: list[ReplyStats]) -> ReplyStats:
    """The figures of several commitments together."""
    return ReplyStats(
        published=sum(s.published for s in stats),
        days_taken=tuple(d for s in stats for d in s.days_taken),
        on_time=sum(s.on_time for s in stats),
        satisfied=sum(s.satisfied for s in stats),
        dissatisfied=sum(s.dissatisfied for s in stats),
        overdue=sum(s.overdue for s in stats),
    )


def overdue_before(today: date, days: int) -> datetime:
    """The moment before which a published comment still unanswered today is
    past its target: the start of the first district day whose last day for
    an answer is not yet behind us."""
    day = today
    while add_working_days(day - timedelta(days=1), days) >= today:
        day -= timedelta(days=1)
    return datetime.combine(day, time(), CHINA).astimezone(UTC)


def overdue_counts(
    session: Session, published: dict[int, int], today: date, days: int
) -> dict[int, int]:
    """Published comments past their reply target with no reply, per commitment.

    From the kept totals (`published`), less the comments still inside their
    time and the answers to older ones that are still published (an answered
    comment hidden since is in neither). Each is counted from an index: a
    direct count of the unanswered comments reads every comment.
    """
    before = overdue_before(today, days)
    ids = list(published)
    recent = session.execute(
        select(Comment.commitment_id, func.count())
        .where(
            Comment.status == CommentStatus.PUBLISHED,
            Comment.created_at >= before,
            Comment.commitment_id.in_(ids),
        )
        .group_by(Comment.commitment_id)
    )
    answered = session.execute(
        select(Reply.commitment_id, func.count())
        .where(Reply.received_at < before, Reply.commitment_id.in_(ids))
        .group_by(Reply.commitment_id)
    )
    # Answers whose comment left the thread since (few: hidden or rejected).
    withdrawn = session.execute(
        select(Reply.commitment_id, func.count())
        .join(Comment, Comment.id == Reply.comment_id)
        .where(
            Comment.status.in_(WITHDRAWN),
            Comment.created_at < before,
            Reply.commitment_id.in_(ids),
        )
        .group_by(Reply.commitment_id)
    )
    left = dict(published)
    for commitment_id, n in (*recent, *answered):
        left[commitment_id] -= n
    for commitment_id, n in withdrawn:
        left[commitment_id] += n
    return {cid: n for cid, n in left.items() if n > 0}


def reply_stats(
    session: Session, published: dict[int, int], days: int, today: date
) -> dict[int, ReplyStats]:
    """Reply figures per commitment of `published` (published comments each,
    from the kept totals), summed by the database per number of days taken."""
    rows = session.execute(
        select(
            Reply.commitment_id,
            Reply.working_days,
            func.count(),
            func.sum(Reply.satisfied),
            func.sum(Reply.dissatisfied),
        )
        .where(Reply.commitment_id.in_(list(published)))
        .group_by(Reply.commitment_id, Reply.working_days)
    )
    taken: dict[int, list[int]] = defaultdict(list)
    yes: dict[int, int] = defaultdict(int)
    no: dict[int, int] = defaultdict(int)
    for commitment_id, working_days, n, satisfied, dissatisfied in rows:
        taken[commitment_id] += [working_days] * n
        yes[commitment_id] += satisfied or 0
        no[commitment_id] += dissatisfied or 0
    overdue = overdue_counts(session, published, today, days)
    return {
        commitment_id: ReplyStats(
            published=n,
            days_taken=tuple(taken[commitment_id]),
            on_time=sum(1 for t in taken[commitment_id] if t <= days),
            satisfied=yes[commitment_id],
            dissatisfied=no[commitment_id],
            overdue=overdue.get(commitment_id, 0),
        )
        for commitment_id, n in published.items()
    }
