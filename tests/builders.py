"""Small builders for test data: make_* adds a row with sensible defaults."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from portal.models import (
    Area,
    Commitment,
    Phrasing,
    ProgressUpdate,
    Report,
    Status,
    Topic,
    Unit,
)

_counter = itertools.count(1)


def make_report(session, **values) -> Report:
    n = next(_counter)
    report = Report(
        **{
            "year": 2000 + n,
            "district_zh": "测试区",
            "district_en": "Test District",
            "title_zh": f"测试报告{n}",
            "title_en": f"Test report {n}",
            "is_current": True,
            **values,
        }
    )
    session.add(report)
    session.flush()
    return report


def make_area(session, report: Report, **values) -> Area:
    n = next(_counter)
    area = Area(
        **{
            "report": report,
            "code": f"9.{n}",
            "position": n,
            "name_zh": f"领域{n}",
            "name_en": f"Area {n}",
            **values,
        }
    )
    session.add(area)
    session.flush()
    return area


def make_topic(session, **values) -> Topic:
    n = next(_counter)
    topic = Topic(
        **{"key": f"topic{n}", "name_zh": f"主题{n}", "name_en": f"Topic {n}", **values}
    )
    session.add(topic)
    session.flush()
    return topic


def make_unit(session, **values) -> Unit:
    n = next(_counter)
    unit = Unit(**{"key": f"unit{n}", "label_zh": "个", "label_en": "things", **values})
    session.add(unit)
    session.flush()
    return unit


def make_commitment(session, **values) -> Commitment:
    """A quantified commitment; area, topic and unit are made when not given."""
    n = next(_counter)
    report = values.pop("report", None) or make_report(session)
    area = values.pop("area", None) or make_area(session, report)
    commitment = Commitment(
        **{
            "report": report,
            "area": area,
            "topic": values.pop("topic", None) or make_topic(session),
            "code": f"{area.code}.{n}",
            "position": n,
            "title_zh": f"承诺{n}",
            "title_en": f"Commitment {n}",
            "summary_zh": f"承诺{n}的说明。",
            "summary_en": f"About commitment {n}.",
            "quote_zh": f"完成{n}个。",
            "target_value": Decimal(40),
            "target_unit": values.pop("target_unit", None) or make_unit(session),
            "phrasing": Phrasing.REACH,
            **values,
        }
    )
    session.add(commitment)
    session.flush()
    return commitment


def make_update(session, commitment: Commitment, **values) -> ProgressUpdate:
    update = ProgressUpdate(
        **{
            "commitment": commitment,
            "reported_on": date(2025, 6, 30),
            "value": Decimal(10),
            "status": Status.IN_PROGRESS,
            "note_zh": "进展顺利。",
            "note_en": "Going well.",
            **values,
        }
    )
    commitment.status = update.status
    session.add(update)
    session.flush()
    return update
