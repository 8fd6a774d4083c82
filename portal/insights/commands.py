"""`flask insights ...`: the comment analysis, run outside the site.

classify  one comment per line on standard input, one JSON object per line out
themes    recompute the stored themes of the current report's comments
check     compare the kept totals with a recount from the feedback rows
"""

from __future__ import annotations

import json
import sys
import time

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from portal.extensions import db
from portal.insights.sentiment import analyse_many
from portal.models import FeedbackWeek, RatingSummary
from portal.services import insight_totals, ratings, themes
from portal.services.commitments import current_report

BATCH = 64


@click.group()
def insights() -> None:
    """Sentiment, themes and totals of residents' feedback."""


@insights.command()
@click.argument(
    "source",
    type=click.File("r", encoding="utf-8", errors="replace"),
    default="-",
)
def classify(source) -> None:
    """Read comments, one per line, and print label, score and language as JSON.

    SOURCE is a UTF-8 text file, or standard input when left out.
    """
    batch: list[str] = []

    def flush() -> None:
        for result in analyse_many(batch):
            click.echo(json.dumps(result.as_dict(), ensure_ascii=False))
        batch.clear()

    for line in source:
        batch.append(line.rstrip("\r\n"))
        if len(batch) == BATCH:
            flush()
    if batch:
        flush()
    sys.stdout.flush()


@insights.command("themes")
@with_appcontext
def refresh_themes() -> None:
    """Recompute the themes of every commitment, area and the district."""
    report = current_report(db.session)
    if report is None:
        raise click.ClickException("No report is loaded: run `init-db` first.")
    started = time.perf_counter()
    read = themes.refresh(db.session, report.id)
    click.echo(
        f"Themes of {read:,} published comments computed "
        f"in {time.perf_counter() - started:.1f} s."
    )


def _snapshot(session) -> dict[str, set[tuple]]:
    """Every kept total as comparable rows."""
    return {
        "rating totals": {
            (r.commitment_id, r.count, r.total, *r.distribution.values())
            for r in session.scalars(select(RatingSummary))
        },
        "weekly totals": {
            (w.commitment_id, w.week, w.ratings, w.rating_total)
            + (w.positive, w.negative, w.unclear)
            for w in session.scalars(select(FeedbackWeek))
            if (w.ratings, w.positive, w.negative, w.unclear) != (0, 0, 0, 0)
        },
        "residents taking part": set(insight_totals.participants(session).items()),
    }


@insights.command()
@click.option("--repair", is_flag=True, help="Replace the totals with the recount.")
@with_appcontext
def check(repair: bool) -> None:
    """Recount every total from the feedback rows and report any difference."""
    session = db.session
    kept = _snapshot(session)
    ratings.rebuild_summaries(session)
    insight_totals.rebuild(session)
    counted = _snapshot(session)
    wrong = [name for name in kept if kept[name] != counted[name]]
    if repair:
        session.commit()
    else:
        session.rollback()
    for name in wrong:
        click.echo(
            f"{name}: {len(kept[name] - counted[name])} kept rows differ "
            f"from the recount{' (repaired)' if repair else ''}."
        )
    if not wrong:
        click.echo("Every kept total equals a recount from the feedback rows.")
    elif not repair:
        sys.exit(1)
