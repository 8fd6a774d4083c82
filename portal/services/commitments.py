"""Finding commitments for the public pages and the open-data API."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from flask import abort
from sqlalchemy import Select, bindparam, func, or_, select
from sqlalchemy.orm import Session, joinedload

from portal.models import Area, Commitment, ProgressUpdate, Report, Status, Topic

# What a code can look like ("2.1", "3.5.7"); anything else is not looked up.
CODE = re.compile(r"[0-9A-Za-z.\-]{1,20}")

# Allowlisted sort orders: key -> ORDER BY columns. Anything else is ignored.
SORTS = {
    "report": (Commitment.position,),
    "status": (Commitment.status, Commitment.position),
    "updated": (Commitment.updated_at.desc(), Commitment.position),
}


@dataclass(frozen=True)
class Filters:
    """What a reader asked the card list for; already validated."""

    q: str = ""
    area: str = ""
    topic: str = ""
    status: str = ""
    sort: str = "report"
    page: int = 1

    def query_args(self) -> dict[str, str]:
        """The filters that differ from the defaults, for links to other pages."""
        defaults = Filters()
        return {
            name: value
            for name, value in vars(self).items()
            if name != "page" and value != getattr(defaults, name)
        }


@dataclass
class Page:
    """One page of commitments and where it stands in the whole list."""

    items: list[Commitment]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


# Built once: it runs on most requests.
CURRENT_REPORT = select(Report).where(Report.is_current)


def current_report(session: Session) -> Report | None:
    """The report shown by default: the one marked current."""
    return session.scalar(CURRENT_REPORT)


def current_report_or_404(session: Session) -> Report:
    """The report shown by default, or a 404 when the portal holds none."""
    report = current_report(session)
    if report is None:
        abort(404)
    return report


def _with_relations(stmt: Select) -> Select:
    return stmt.options(
        joinedload(Commitment.area),
        joinedload(Commitment.topic),
        joinedload(Commitment.target_unit),
        joinedload(Commitment.baseline_unit),
    )


def report_of_year(session: Session, year: int | None) -> Report | None:
    """The report of that year, or the current one when no year is asked."""
    if year is None:
        return current_report(session)
    return session.scalar(select(Report).where(Report.year == year))


def all_reports(session: Session) -> list[Report]:
    """Every report the portal holds, newest first."""
    return list(session.scalars(select(Report).order_by(Report.year.desc())))


def get_commitment_or_404(
    session: Session, code: str, year: int | None = None, *, to_show: bool = True
) -> Commitment:
    """The commitment with this code in the current report (or that year's), or
    a 404. Retired commitments are found too: their address and feedback stay.

    to_show=False loads the row alone (its area, topic and units load if used):
    what a form post needs, which renders the page only when it is refused.
    """
    commitment = None
    if CODE.fullmatch(code):
        which = Report.is_current if year is None else Report.year == year
        stmt = select(Commitment)
        commitment = session.scalar(
            (_with_relations(stmt) if to_show else stmt)
            .join(Report, Report.id == Commitment.report_id)
            .where(which, Commitment.code == code)
        )
    if commitment is None:
        abort(404)
    return commitment


class FeedbackTarget(NamedTuple):
    """What a rating post needs of its commitment: no page is drawn from it."""

    id: int
    code: str
    area_id: int
    retired_at: datetime | None


# Built once: building and caching the select cost more than running it.
_FEEDBACK_TARGET = (
    select(Commitment.id, Commitment.code, Commitment.area_id, Commitment.retired_at)
    .join(Report, Report.id == Commitment.report_id)
    .where(Report.is_current, Commitment.code == bindparam("code"))
)


def feedback_target_or_404(session: Session, code: str) -> FeedbackTarget:
    """The current report's commitment with this code as a FeedbackTarget, or a
    404 (retired ones too, as get_commitment_or_404 finds them)."""
    row = None
    if CODE.fullmatch(code):
        row = session.connection().execute(_FEEDBACK_TARGET, {"code": code}).first()
    if row is None:
        abort(404)
    return FeedbackTarget(*row)


def _filtered(report_id: int, filters: Filters) -> Select:
    # Retired commitments leave the list; their pages stay (get_commitment_or_404).
    stmt = select(Commitment).where(
        Commitment.report_id == report_id, Commitment.retired_at.is_(None)
    )
    if filters.area:
        stmt = stmt.join(Commitment.area).where(Area.code == filters.area)
    if filters.topic:
        stmt = stmt.join(Commitment.topic).where(Topic.key == filters.topic)
    if filters.status:
        stmt = stmt.where(Commitment.status == Status(filters.status))
    if filters.q:
        columns = (
            Commitment.code,
            Commitment.title_zh,
            Commitment.title_en,
            Commitment.summary_zh,
            Commitment.summary_en,
            Commitment.quote_zh,
        )
        stmt = stmt.where(
            or_(*(c.icontains(filters.q, autoescape=True) for c in columns))
        )
    return stmt


def search_commitments(
    session: Session, report: Report, filters: Filters, per_page: int
) -> Page:
    """The page of the current report's commitments that matches the filters."""
    stmt = _filtered(report.id, filters)
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    items = session.scalars(
        _with_relations(stmt)
        .order_by(*SORTS.get(filters.sort, SORTS["report"]))
        .limit(per_page)
        .offset((filters.page - 1) * per_page)
    ).all()
    return Page(items=list(items), total=total, page=filters.page, per_page=per_page)


def all_commitments(session: Session, report: Report) -> list[Commitment]:
    """Every commitment of a report in report order, for the API and CSV.

    Retired ones included: open data keeps every code, marked as retired.
    """
    stmt = _with_relations(select(Commitment)).where(Commitment.report_id == report.id)
    return list(session.scalars(stmt.order_by(Commitment.position)).all())


def latest_updates(
    session: Session, commitments: list[Commitment]
) -> dict[int, ProgressUpdate]:
    """The newest progress update of each commitment that has one."""
    ids = [c.id for c in commitments]
    if not ids:
        return {}
    newest = (
        select(
            ProgressUpdate.id,
            func.row_number()
            .over(
                partition_by=ProgressUpdate.commitment_id,
                order_by=(ProgressUpdate.reported_on.desc(), ProgressUpdate.id.desc()),
            )
            .label("rank"),
        )
        .where(ProgressUpdate.commitment_id.in_(ids))
        .subquery()
    )
    rows = session.scalars(
        select(ProgressUpdate)
        .join(newest, newest.c.id == ProgressUpdate.id)
        .where(newest.c.rank == 1)
    )
    return {u.commitment_id: u for u in rows}


def areas_and_topics(
    session: Session, report: Report
) -> tuple[list[Area], list[Topic]]:
    """The choices of the list's filters: the report's areas and the topics it uses."""
    areas = list(report.areas)
    topics = session.scalars(
        select(Topic)
        .where(
            Topic.id.in_(
                select(Commitment.topic_id).where(Commitment.report_id == report.id)
            )
        )
        .order_by(Topic.key)
    ).all()
    return areas, list(topics)


def progress_percent(
    commitment: Commitment, update: ProgressUpdate | None
) -> int | None:
    """Share of a count target reached, only as an official update reported it.

    Growth-rate targets have no percentage: their update is the rate itself.
    """
    if (
        update is None
        or update.value is None
        or not commitment.target_value
        or commitment.target_unit is None
        or commitment.target_unit.label_en == "%"
    ):
        return None
    return int(update.value * 100 / commitment.target_value)
