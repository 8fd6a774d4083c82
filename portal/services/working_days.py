"""Working days in mainland China, for reply times (weekends, public holidays
and the weekend days work is moved to), and the district's calendar day."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta, timezone
from functools import cache

import chinese_calendar

from portal.db import as_utc, utcnow

CHINA = timezone(timedelta(hours=8), "CST")
logger = logging.getLogger(__name__)


def local_day(moment: datetime) -> date:
    """The calendar day in the district of a stored UTC moment."""
    return as_utc(moment).astimezone(CHINA).date()


def today() -> date:
    """Today's date in the district."""
    return local_day(utcnow())


def is_working_day(day: date) -> bool:
    """A working day in mainland China: Monday to Friday, less public holidays,
    plus the weekend days the State Council moves work to."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        _calendar_missing(day.year)
        return day.weekday() < 5


@cache
def _calendar_missing(year: int) -> None:
    """Say once per year and process that its holidays are not known."""
    logger.warning(
        "no holiday schedule for %d: counting Monday-Friday as working days "
        "(upgrade chinesecalendar when the State Council publishes it)",
        year,
    )


def add_working_days(start: date, days: int) -> date:
    """The day `days` working days after `start`."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 if not later)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
