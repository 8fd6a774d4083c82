"""Loading a report's commitments data file into the database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Area, Commitment, Phrasing, Report, Topic, Unit
from portal.reportdata import ReportData


class InvalidReportData(Exception):
    """The data file breaks its rules; nothing was written."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors[:5]))
        self.errors = errors


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _get_or_add(session: Session, model, key: str, **values):
    row = session.scalar(select(model).where(model.key == key))
    if row is None:
        row = model(key=key, **values)
        session.add(row)
    return row


def load_report(session: Session, data: ReportData) -> Report | None:
    """Store a report and its commitments unless that year is already there.

    Returns the new report, or None when it was present (safe to run again).
    """
    if data.errors:
        raise InvalidReportData(data.errors)
    meta = data.report
    if session.scalar(select(Report).where(Report.year == meta["year"])):
        return None

    units = {
        key: _get_or_add(
            session,
            Unit,
            key,
            label_zh=unit["zh"],
            label_en=unit["en"],
            en_scale=_decimal(unit.get("en_scale", 1)),
        )
        for key, unit in data.units.items()
    }
    topics = {
        t["key"]: _get_or_add(
            session, Topic, t["key"], name_zh=t["name"]["zh"], name_en=t["name"]["en"]
        )
        for t in data.topics
    }
    newest = session.scalar(select(Report).order_by(Report.year.desc()).limit(1))
    report = Report(
        year=meta["year"],
        district_zh=meta["district"]["zh"],
        district_en=meta["district"]["en"],
        title_zh=meta["title"]["zh"],
        title_en=meta["title"]["en"],
        delivered_on=_date(meta.get("delivered_on")),
        is_current=newest is None or newest.year < meta["year"],
    )
    if report.is_current and newest is not None:
        newest.is_current = False
    session.add(report)
    areas = {
        a["code"]: Area(
            report=report,
            code=a["code"],
            position=i,
            name_zh=a["name"]["zh"],
            name_en=a["name"]["en"],
        )
        for i, a in enumerate(data.areas)
    }
    session.add_all(areas.values())
    for position, item in enumerate(data.commitments):
        session.add(_commitment(item, position, report, areas, topics, units))
    session.commit()
    return report


def _date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _commitment(item, position, report, areas, topics, units) -> Commitment:
    target = item["target"]
    baseline = item.get("baseline") or {}
    return Commitment(
        report=report,
        code=str(item["code"]),
        position=position,
        area=areas[item["area"]],
        topic=topics[item["topic"]],
        title_zh=item["title"]["zh"],
        title_en=item["title"]["en"],
        summary_zh=item["summary"]["zh"],
        summary_en=item["summary"]["en"],
        quote_zh=item["quote"],
        target_value=_decimal(target.get("value")),
        target_unit=units.get(target.get("unit")),
        phrasing=Phrasing(target["phrasing"]),
        baseline_value=_decimal(baseline.get("value")),
        baseline_unit=units.get(baseline.get("unit")),
        baseline_quote_zh=baseline.get("quote"),
    )
