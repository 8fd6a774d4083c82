"""The read-only open-data API (JSON, OpenAPI) and the CSV download."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, jsonify, url_for

from portal.access import public
from portal.csvexport import csv_response, csv_stream
from portal.db import as_utc
from portal.extensions import db, limiter
from portal.limits import per_network, setting
from portal.models import Commitment, ProgressUpdate, RatingSummary, Unit
from portal.models.feedback import SCORES
from portal.openapi import openapi_document
from portal.services import commitments as service
from portal.services import exports, ratings

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _unit(unit: Unit | None) -> dict | None:
    if unit is None:
        return None
    return {"key": unit.key, "zh": unit.label_zh, "en": unit.label_en}


def _progress(commitment: Commitment, update: ProgressUpdate | None) -> dict | None:
    if update is None:
        return None
    return {
        "reported_on": update.reported_on.isoformat(),
        "value": _number(update.value),
        "percent": service.progress_percent(commitment, update),
        "status": update.status.value,
        "note": {"zh": update.note_zh, "en": update.note_en},
        "demonstration": update.is_demo,
    }


def _rating(summary: RatingSummary | None) -> dict:
    counts = summary.distribution if summary else dict.fromkeys(SCORES, 0)
    average = summary.average if summary else None
    return {
        "average": round(average, 2) if average is not None else None,
        "count": summary.count if summary else 0,
        "distribution": {str(score): n for score, n in counts.items()},
    }


def commitment_json(
    c: Commitment, update: ProgressUpdate | None, summary: RatingSummary | None
) -> dict:
    """The public fields of a commitment: an explicit list, nothing else."""
    baseline = None
    if c.baseline_value is not None:
        baseline = {
            "value": _number(c.baseline_value),
            "unit": _unit(c.baseline_unit),
            "quote_zh": c.baseline_quote_zh,
        }
    return {
        "code": c.code,
        "report_year": c.report.year,
        "url": url_for("cards.detail", code=c.code, _external=True),
        "area": {
            "code": c.area.code,
            "name": {"zh": c.area.name_zh, "en": c.area.name_en},
        },
        "topic": {
            "key": c.topic.key,
            "name": {"zh": c.topic.name_zh, "en": c.topic.name_en},
        },
        "title": {"zh": c.title_zh, "en": c.title_en},
        "summary": {"zh": c.summary_zh, "en": c.summary_en},
        "quote_zh": c.quote_zh,
        "target": {
            "value": _number(c.target_value),
            "unit": _unit(c.target_unit),
            "phrasing": c.phrasing.value,
        },
        "baseline_2024": baseline,
        "status": c.status.value,
        "retired": c.retired_at is not None,
        "retired_on": as_utc(c.retired_at).date().isoformat() if c.retired_at else None,
        "latest_progress": _progress(c, update),
        "rating": _rating(summary),
    }


def _all() -> list[tuple[Commitment, ProgressUpdate | None, RatingSummary | None]]:
    session = db.session
    report = service.current_report(session)
    if report is None:
        return []
    items = service.all_commitments(session, report)
    updates = service.latest_updates(session, items)
    totals = ratings.summaries(session, [c.id for c in items])
    return [(c, updates.get(c.id), totals.get(c.id)) for c in items]


@bp.get("/commitments")
@public
def commitments():
    """Every commitment of the current report."""
    items = [commitment_json(*row) for row in _all()]
    return jsonify({"count": len(items), "commitments": items})


@bp.get("/commitments/<code>")
@public
def commitment(code: str):
    """One commitment by its code."""
    session = db.session
    c = service.get_commitment_or_404(session, code)
    update = service.latest_updates(session, [c]).get(c.id)
    return jsonify(
        commitment_json(c, update, ratings.summaries(session, [c.id]).get(c.id))
    )


CSV_HEADER = (
    "code", "report_year", "area_code", "area_zh", "area_en", "topic",
    "title_zh", "title_en", "summary_zh", "summary_en", "quote_zh",
    "target_value", "target_unit_zh", "target_unit_en", "target_phrasing",
    "baseline_2024_value", "baseline_2024_unit_zh", "baseline_2024_quote_zh",
    "status", "latest_progress_date", "latest_progress_value",
    "latest_progress_percent", "rating_average", "rating_count",
    "rating_1", "rating_2", "rating_3", "rating_4", "rating_5", "url",
)  # fmt: skip


@bp.get("/commitments.csv")
@public
def commitments_csv():
    """The same list as the JSON, as a spreadsheet-safe CSV download."""

    def rows():
        for c, u, summary in _all():
            data = commitment_json(c, u, summary)
            progress = data["latest_progress"] or {}
            target_unit = c.target_unit
            yield (
                c.code, c.report.year, c.area.code, c.area.name_zh, c.area.name_en,
                c.topic.key, c.title_zh, c.title_en, c.summary_zh, c.summary_en,
                c.quote_zh, data["target"]["value"],
                target_unit.label_zh if target_unit else None,
                target_unit.label_en if target_unit else None,
                c.phrasing.value, _number(c.baseline_value),
                c.baseline_unit.label_zh if c.baseline_unit else None,
                c.baseline_quote_zh, c.status.value, progress.get("reported_on"),
                progress.get("value"), progress.get("percent"),
                data["rating"]["average"], data["rating"]["count"],
                *data["rating"]["distribution"].values(), data["url"],
            )  # fmt: skip

    response = csv_response("commitments.csv", CSV_HEADER, rows())
    response.headers["Cache-Control"] = "no-store"  # SECURITY.md IN-08
    return response


@bp.get("/comments.csv")
@limiter.limit(setting("LIMIT_OPEN_DATA_NETWORK"), key_func=per_network)
@public
def comments_csv():
    """Every published comment of the current report as the public sees it
    (personal data masked, no resident identifiers), with its reply; written
    while it is sent, however many there are."""

    def rows():
        # The session is opened here, while the file is sent (see csv_stream).
        yield from exports.public_comment_rows(db.session)

    response = csv_stream("comments.csv", exports.PUBLIC_COMMENT_COLUMNS, rows())
    response.headers["Cache-Control"] = "no-store"  # SECURITY.md IN-08
    return response


@bp.get("/openapi.json")
@public
def openapi():
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document())
