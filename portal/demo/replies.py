"""Demonstration replies to demo comments, and residents' verdicts on them.

They come from one disabled staff account made for the purpose, so no real
official's name is ever attached to made-up answers; `demo clear` removes it.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from portal.demo.departments import FALLBACK
from portal.models import (
    Comment,
    CommentStatus,
    Commitment,
    Reply,
    ReplyVerdict,
    Role,
    StaffUser,
    VerdictReason,
)
from portal.services.working_days import add_working_days

DEMO_USERNAME = "demo-replies"
# Share of published demo comments that get an answer.
REPLY_SHARE = 0.3
ANSWERS = {
    "zh": (
        "您好，您反映的情况已转交相关科室核实，我们将尽快处理并在此公开结果。",
        "感谢您的关注。该项目正在按计划推进，预计年内完成，届时将在本页更新进展。",
        "您好，经现场核查，相关设施已安排维修，预计两周内恢复使用。",
        "感谢建议。我们已将您的意见纳入明年的工作安排，会继续听取居民意见。",
    ),
    "en": (
        "Thank you. We have passed this to the team concerned and will report the"
        " outcome here.",
        "The project is on schedule and should be finished this year; progress will"
        " be posted on this page.",
        "We checked on site: the repair is scheduled and should be done within two"
        " weeks.",
        "Thank you for the suggestion. It is included in next year's work plan.",
    ),
}
# Working days a demo answer took: mostly on time, some late, a few very late.
DELAYS = (1, 2, 3, 4, 5, 5, 6, 8, 12, 20)


def demo_official(session: Session) -> StaffUser:
    """The disabled account demo replies are written under (made once)."""
    user = session.scalar(select(StaffUser).where(StaffUser.username == DEMO_USERNAME))
    if user is None:
        user = StaffUser(
            username=DEMO_USERNAME,
            # Not an argon2 hash: no password can ever match it.
            password_hash="!demonstration account, cannot sign in",  # noqa: S106
            role=Role.OFFICIAL,
            department=FALLBACK,
            is_active=False,
        )
        session.add(user)
        session.flush()
    return user


def add_replies(session: Session, rng: random.Random, run: str) -> int:
    """Answer a share of this run's published demo comments; returns how many."""
    official = demo_official(session)
    now = datetime.now(UTC)
    comments = session.execute(
        select(
            Comment.id,
            Comment.commitment_id,
            Comment.created_at,
            Comment.lang,
            Commitment.department,
        )
        .join(Commitment, Comment.commitment_id == Commitment.id)
        .where(
            Comment.is_demo.is_(True),
            Comment.status == CommentStatus.PUBLISHED,
            Comment.resident_key.startswith(f"demo-{run}-", autoescape=True),
        )
        .order_by(Comment.id)
    ).all()
    rows, verdicts = [], []
    for comment_id, commitment_id, created, lang, department in comments:
        if rng.random() >= REPLY_SHARE:
            continue
        created = created if created.tzinfo else created.replace(tzinfo=UTC)
        delay = rng.choice(DELAYS)
        day = add_working_days(created.date(), delay)
        answered = datetime.combine(day, created.timetz()) + timedelta(hours=2)
        if answered > now:
            continue
        answers = ANSWERS["zh" if lang == "zh" else "en"]
        given = [rng.random() < 0.6 for _ in range(rng.choice((0, 0, 1, 1, 2, 3)))]
        rows.append(
            {
                "comment_id": comment_id,
                "commitment_id": commitment_id,
                "official_id": official.id,
                # As a real answer is: in the name of the department answerable.
                "department": department or FALLBACK,
                "body": rng.choice(answers),
                "lang": "zh" if lang == "zh" else "en",
                "is_demo": True,
                "created_at": answered,
                "updated_at": answered,
                "satisfied": sum(given),
                "dissatisfied": len(given) - sum(given),
                "working_days": delay,
                "received_at": created,
            }
        )
        verdicts.append((comment_id, given, answered))
    if not rows:
        return 0
    session.execute(insert(Reply), rows)
    ids = dict(
        session.execute(
            select(Reply.comment_id, Reply.id).where(
                Reply.comment_id.in_([r["comment_id"] for r in rows])
            )
        ).all()
    )
    reasons = list(VerdictReason)
    verdict_rows = [
        {
            "reply_id": ids[comment_id],
            "resident_key": f"demo-{run}-v{comment_id}-{n}",
            "satisfied": yes,
            "reason": None if yes else rng.choice(reasons),
            "by_author": False,
            "is_demo": True,
            "created_at": answered,
            "updated_at": answered,
        }
        for comment_id, given, answered in verdicts
        for n, yes in enumerate(given)
    ]
    if verdict_rows:
        session.execute(insert(ReplyVerdict), verdict_rows)
    return len(rows)


def clear_replies(session: Session) -> dict[str, int]:
    """Remove demo replies, and any reply to a demo comment, with their verdicts;
    then the demo account."""
    demo_comments = select(Comment.id).where(Comment.is_demo.is_(True))
    going = select(Reply.id).where(
        Reply.is_demo.is_(True) | Reply.comment_id.in_(demo_comments)
    )
    removed = {
        "reply verdicts": session.execute(
            delete(ReplyVerdict).where(ReplyVerdict.reply_id.in_(going))
        ).rowcount,
        "replies": session.execute(
            delete(Reply).where(
                Reply.is_demo.is_(True) | Reply.comment_id.in_(demo_comments)
            )
        ).rowcount,
    }
    user = session.scalar(select(StaffUser).where(StaffUser.username == DEMO_USERNAME))
    if user is not None and not session.scalar(
        select(Reply.id).where(Reply.official_id == user.id).limit(1)
    ):
        session.delete(user)
    return removed
