"""Themes of published comments per commitment, area and district, stored.

Computing them segments every published comment, so it runs as a command
(`flask --app wsgi insights themes`, also after `demo load`), not per page view.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.insights.themes import ThemeComment, find_themes
from portal.models import Comment, CommentStatus, Commitment, ThemeSummary
from portal.services.insight_totals import DISTRICT, area_scope, commitment_scope
from portal.services.transactions import in_transaction


def refresh(session: Session, report_id: int) -> int:
    """Recompute the themes of every commitment, area and the district of a report;
    returns how many published comments were read."""
    rows = session.execute(
        select(
            Comment.id,
            Comment.commitment_id,
            Commitment.area_id,
            Comment.body,
            Comment.lang,
            Comment.sentiment,
        )
        .join(Commitment, Commitment.id == Comment.commitment_id)
        .where(
            Comment.status == CommentStatus.PUBLISHED,
            Commitment.report_id == report_id,
        )
        .order_by(Comment.id)
    ).all()
    groups: dict[str, list[ThemeComment]] = defaultdict(list)
    for comment_id, commitment_id, area_id, body, lang, sentiment in rows:
        item = ThemeComment(id=comment_id, body=body, lang=lang, label=sentiment)
        for scope in (
            commitment_scope(commitment_id),
            area_scope(area_id),
            DISTRICT,
        ):
            groups[scope].append(item)
    cache: dict = {}
    now = utcnow()
    summaries = [
        ThemeSummary(
            scope=scope,
            computed_at=now,
            comments=len(items),
            data=json.dumps(
                find_themes(items, cache=cache).as_dict(), ensure_ascii=False
            ),
        )
        for scope, items in groups.items()
    ]

    def work() -> int:
        session.execute(delete(ThemeSummary))
        session.add_all(summaries)
        return len(rows)

    return in_transaction(session, work)


@dataclass(frozen=True)
class StoredThemes:
    """Themes as last computed, with when and from how many comments."""

    summary: ThemeSummary
    negative: dict
    positive: dict


def stored(session: Session, scope: str) -> StoredThemes | None:
    """The stored themes of a scope, if they were ever computed."""
    summary = session.get(ThemeSummary, scope)
    if summary is None:
        return None
    data = json.loads(summary.data)
    return StoredThemes(summary, data["negative"], data["positive"])
