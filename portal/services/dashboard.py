"""What the officials' dashboard shows, read from the kept totals only.

Nothing here counts ratings or comments row by row: rating_summary,
feedback_week, participant_count, replies and theme_summary hold what is
needed, so a page answers quickly with millions of ratings stored.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import (
    Area,
    Commitment,
    FeedbackWeek,
    ProgressUpdate,
    RatingSummary,
    Report,
    StaffUser,
    Status,
)
from portal.models.feedback import SCORES
from portal.services import replies
from portal.services.commitments import latest_updates, progress_percent
from portal.services.departments import EVERYTHING, Scope, condition, visible
from portal.services.insight_totals import (
    DISTRICT,
    area_scope,
    commitment_scope,
    participants,
    week_of,
)

WEEKS = 12
WEEK_COLUMNS = (
    FeedbackWeek.commitment_id,
    FeedbackWeek.week,
    FeedbackWeek.ratings,
    FeedbackWeek.rating_total,
    FeedbackWeek.positive,
    FeedbackWeek.negative,
    FeedbackWeek.unclear,
)
# Fewer ratings or comments than this and a figure says too little to rank by.
MIN_RATINGS = 10
MIN_COMMENTS = 5
# "Recent" in the steepest-fall list: the last 4 weeks against the 4 before.
RECENT_WEEKS = 4
ATTENTION_SIZE = 5
# Official progress counts as "high" from here (or when marked achieved).
HIGH_PROGRESS = 80
LOW_RATING = 3.0


def _no_ratings() -> dict[int, int]:
    return dict.fromkeys(SCORES, 0)


@dataclass
class Figures:
    """Ratings, comments and replies of one scope (district, area, commitment)."""

    # None where it cannot be told honestly: residents are counted once per
    # district, area and commitment, so a department's share of a district or
    # area would count a resident who rated two of its commitments twice.
    residents: int | None = 0
    distribution: dict[int, int] = field(default_factory=lambda: _no_ratings())
    positive: int = 0
    negative: int = 0
    unclear: int = 0
    replies: replies.ReplyStats | None = None

    @property
    def ratings(self) -> int:
        return sum(self.distribution.values())

    @property
    def average(self) -> float | None:
        total = sum(score * n for score, n in self.distribution.items())
        return total / self.ratings if self.ratings else None

    @property
    def comments(self) -> int:
        return self.positive + self.negative + self.unclear

    def share(self, sentiment: str) -> float | None:
        """Share of published comments with this sentiment."""
        return getattr(self, sentiment) / self.comments if self.comments else None

    def add_ratings(self, summary: RatingSummary) -> None:
        for score, n in summary.distribution.items():
            self.distribution[score] += n


@dataclass
class Week:
    """One week's ratings given and published comments by sentiment."""

    week: date
    ratings: int = 0
    rating_total: int = 0
    positive: int = 0
    negative: int = 0
    unclear: int = 0

    @property
    def average(self) -> float | None:
        return self.rating_total / self.ratings if self.ratings else None

    @property
    def comments(self) -> int:
        return self.positive + self.negative + self.unclear


@dataclass
class Row:
    """One commitment on the dashboard."""

    commitment: Commitment
    figures: Figures
    update: ProgressUpdate | None
    percent: int | None
    recent: float | None = None
    earlier: float | None = None

    @property
    def fall(self) -> float | None:
        """How far the average of recent ratings fell below the earlier ones."""
        if self.recent is None or self.earlier is None:
            return None
        return self.earlier - self.recent

    @property
    def progress_high(self) -> bool:
        return self.commitment.status == Status.ACHIEVED or (
            self.percent is not None and self.percent >= HIGH_PROGRESS
        )


@dataclass
class Attention:
    """The "needs attention" lists, worst first."""

    lowest: list[Row]
    falling: list[Row]
    negative: list[Row]
    disagree: list[Row]


@dataclass
class Overview:
    """Everything a dashboard page shows for one scope and its commitments."""

    figures: Figures
    weeks: list[Week]
    rows: list[Row]
    attention: Attention
    target_days: int
    areas: list[tuple[Area, Figures]] = field(default_factory=list)
    # Only some commitments shown: those of the official's department.
    partial: bool = False


def _weeks_wanted(today: date) -> list[date]:
    """The Mondays of the last WEEKS weeks, oldest first."""
    this = week_of(today)
    return [this - timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]


def overview(
    session: Session,
    report: Report,
    today: date,
    *,
    area: Area | None = None,
    commitment: Commitment | None = None,
    scope: Scope = EVERYTHING,
) -> Overview:
    """The dashboard of the district, one area or one commitment of a report,
    counting only the commitments `scope` sees."""
    stmt = select(Commitment).where(Commitment.report_id == report.id, condition(scope))
    if area is not None:
        stmt = stmt.where(Commitment.area_id == area.id)
    if commitment is not None:
        stmt = stmt.where(Commitment.id == commitment.id)
    commitments = list(session.scalars(stmt.order_by(Commitment.position)))
    ids = [c.id for c in commitments]
    summaries = {
        s.commitment_id: s
        for s in session.scalars(
            select(RatingSummary).where(RatingSummary.commitment_id.in_(ids))
        )
    }
    wanted = _weeks_wanted(today)
    weeks = {day: Week(day) for day in wanted}
    per: dict[int, Figures] = defaultdict(Figures)
    recent_from = wanted[-RECENT_WEEKS]
    earlier_from = wanted[-2 * RECENT_WEEKS]
    windows: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    # Plain rows, not ORM objects: there are a few thousand of them.
    rows = session.execute(
        select(*WEEK_COLUMNS).where(FeedbackWeek.commitment_id.in_(ids))
    ).all()
    for cid, day, n, total, positive, negative, unclear in rows:
        figures = per[cid]
        figures.positive += positive
        figures.negative += negative
        figures.unclear += unclear
        if (week := weeks.get(day)) is not None:
            week.ratings += n
            week.rating_total += total
            week.positive += positive
            week.negative += negative
            week.unclear += unclear
        if day >= recent_from:
            slot = windows[cid]
            slot[0] += n
            slot[1] += total
        elif day >= earlier_from:
            slot = windows[cid]
            slot[2] += n
            slot[3] += total
    counts = participants(session)
    published = {cid: per[cid].comments for cid in ids}
    days = replies.target_days(session)
    reply_figures = replies.reply_stats(session, published, days, today)
    updates = latest_updates(session, commitments)
    rows = []
    partial = not scope.everything
    whole = commitment is not None or not partial
    residents = counts.get(_scope(area, commitment), 0) if whole else None
    total = Figures(residents=residents)
    # Not `commitment`: that names the page's own commitment, if any.
    for item in commitments:
        figures = per[item.id]
        if item.id in summaries:
            figures.add_ratings(summaries[item.id])
        figures.residents = counts.get(commitment_scope(item.id), 0)
        figures.replies = reply_figures.get(item.id)
        for score, n in figures.distribution.items():
            total.distribution[score] += n
        total.positive += figures.positive
        total.negative += figures.negative
        total.unclear += figures.unclear
        update = updates.get(item.id)
        recent_n, recent_total, earlier_n, earlier_total = windows[item.id]
        rows.append(
            Row(
                item,
                figures,
                update,
                progress_percent(item, update),
                recent_total / recent_n if recent_n >= MIN_RATINGS else None,
                earlier_total / earlier_n if earlier_n >= MIN_RATINGS else None,
            )
        )
    total.replies = replies.combined(
        [reply_figures[c.id] for c in commitments if c.id in reply_figures]
    )
    result = Overview(
        figures=total,
        weeks=[weeks[day] for day in wanted],
        rows=rows,
        attention=needs_attention(rows),
        target_days=days,
        partial=partial,
    )
    if area is None and commitment is None:
        result.areas = _areas(report, rows, counts, partial)
    return result


def _scope(area: Area | None, commitment: Commitment | None) -> str:
    """The participation scope a dashboard page counts residents in."""
    if commitment is not None:
        return commitment_scope(commitment.id)
    if area is not None:
        return area_scope(area.id)
    return DISTRICT


def _areas(report: Report, rows: list[Row], counts: dict[str, int], partial: bool):
    """Each area's figures, summed from its commitments' rows; with only some
    commitments shown, the areas holding them, without resident counts."""
    by_area: dict[int, Figures] = {}
    for row in rows:
        area_id = row.commitment.area_id
        figures = by_area.setdefault(
            area_id,
            Figures(residents=None if partial else counts.get(area_scope(area_id), 0)),
        )
        for score, n in row.figures.distribution.items():
            figures.distribution[score] += n
        figures.positive += row.figures.positive
        figures.negative += row.figures.negative
        figures.unclear += row.figures.unclear
    if partial:
        return [(a, by_area[a.id]) for a in report.areas if a.id in by_area]
    return [(a, by_area.get(a.id, Figures())) for a in report.areas]


def needs_attention(rows: list[Row]) -> Attention:
    """Commitments an official should look at first, by four measures."""
    rated = [r for r in rows if r.figures.ratings >= MIN_RATINGS]
    lowest = sorted(rated, key=lambda r: (r.figures.average, r.commitment.position))
    falling = sorted(
        (r for r in rows if r.fall is not None and r.fall > 0),
        key=lambda r: (-r.fall, r.commitment.position),
    )
    negative = sorted(
        (r for r in rows if r.figures.comments >= MIN_COMMENTS and r.figures.negative),
        key=lambda r: (-r.figures.share("negative"), r.commitment.position),
    )
    disagree = sorted(
        (r for r in rated if r.progress_high and r.figures.average < LOW_RATING),
        key=lambda r: (r.figures.average, r.commitment.position),
    )
    return Attention(
        lowest[:ATTENTION_SIZE],
        falling[:ATTENTION_SIZE],
        negative[:ATTENTION_SIZE],
        disagree[:ATTENTION_SIZE],
    )


def area_visible(session: Session, area: Area, user: StaffUser) -> bool:
    """Whether the user may see this area: it holds a commitment they see."""
    return (
        session.scalar(
            select(Commitment.id)
            .where(Commitment.area_id == area.id, visible(user))
            .limit(1)
        )
        is not None
    )


def area_or_404(session: Session, report: Report, code: str) -> Area:
    """An area of the report by its code, or 404."""
    from flask import abort

    area = session.scalar(
        select(Area).where(Area.report_id == report.id, Area.code == code)
    )
    if area is None:
        abort(404)
    return area
