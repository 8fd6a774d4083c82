"""Writing and removing demonstration data: bulk inserts, totals, statuses.

Every row written here has is_demo set, and the demo_data setting puts a banner on
every page; `demo clear` removes exactly those rows and leaves real ones alone.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import (
    Insert,
    Integer,
    bindparam,
    cast,
    delete,
    false,
    insert,
    inspect,
    null,
    select,
    text,
    true,
)
from sqlalchemy.orm import Session, selectinload

from portal.demo import departments
from portal.demo.generate import (
    GROWTH,
    batched,
    comment_rows,
    make_profiles,
    progress_value,
    rating_rows,
)
from portal.demo.phrases import (
    NOTE_PREFIX,
    NOTES,
)
from portal.demo.replies import add_replies, clear_replies
from portal.insights.sentiment import analyse_many
from portal.models import (
    Comment,
    Commitment,
    Flag,
    ProgressUpdate,
    Rating,
    RatingChange,
    Report,
    Status,
)
from portal.services import insight_totals, settings
from portal.services.commitments import current_report
from portal.services.ratings import rebuild_summaries
from portal.services.transactions import in_transaction

MAX_RATINGS = 5_000_000


MAX_COMMENTS = 1_000_000
# Rows per INSERT executemany: large enough to be fast, small enough for memory.


CHUNK = 20_000
# Share of ratings changed later, so that trends over time have something to show.


RATING = Rating.__table__


CHANGE = RatingChange.__table__


COMMENT = Comment.__table__


FLAG = Flag.__table__


UPDATE = ProgressUpdate.__table__

# Clauses residents might write, by topic group, language and tone (+ liked,


HISTORY = [
    "rating_id",
    "commitment_id",
    "old_score",
    "new_score",
    "quarantined",
    "is_demo",
    "changed_at",
]


def _history_of_changed() -> Insert:
    """A history row of a changed rating, found by its key (for executemany)."""
    return insert(CHANGE).from_select(
        HISTORY,
        select(
            RATING.c.id,
            RATING.c.commitment_id,
            bindparam("old", type_=Integer),
            bindparam("new", type_=Integer),
            false(),
            true(),
            bindparam("at", type_=CHANGE.c.changed_at.type),
        ).where(
            RATING.c.commitment_id == bindparam("c"),
            RATING.c.resident_key == bindparam("k"),
        ),
    )


def _history_of_unchanged(run: str) -> Insert:
    """The one history row of each rating of this run that was never changed.

    Such a rating still has updated_at equal to created_at, as services.ratings
    writes a first rating.
    """
    return insert(CHANGE).from_select(
        HISTORY,
        select(
            RATING.c.id,
            RATING.c.commitment_id,
            cast(null(), Integer),
            RATING.c.score,
            false(),
            true(),
            RATING.c.created_at,
        ).where(
            RATING.c.is_demo.is_(True),
            RATING.c.resident_key.startswith(f"demo-{run}-", autoescape=True),
            RATING.c.updated_at == RATING.c.created_at,
        ),
    )


def _insert_ratings(
    session: Session, ratings: Iterator[tuple[dict, int | None]], run: str
) -> int:
    """Insert ratings and their history; return how many were changed later.

    Rows go in by executemany in chunks. Their history is written by the database
    from the stored rows, so a million ratings never need their ids in Python.
    """
    changed, history_of_changed = 0, _history_of_changed()
    for chunk in batched(ratings, CHUNK):
        session.execute(insert(RATING), [row for row, _ in chunk])
        steps = []
        for row, first in chunk:
            if first is not None:
                changed += 1
                key = {"c": row["commitment_id"], "k": row["resident_key"]}
                steps.append(
                    {**key, "old": None, "new": first, "at": row["created_at"]}
                )
                steps.append(
                    {**key, "old": first, "new": row["score"], "at": row["updated_at"]}
                )
        if steps:
            session.execute(history_of_changed, steps)
    session.execute(_history_of_unchanged(run))
    return changed


def _add_updates(
    session: Session, rng: random.Random, commitments: list[Commitment], weeks: int
) -> tuple[int, set[int]]:
    """1-3 demo progress updates on a third of the commitments, only those with no
    real update; returns how many, and on which commitments."""
    real = set(
        session.scalars(
            select(UPDATE.c.commitment_id).where(UPDATE.c.is_demo.is_(False))
        )
    )
    candidates = [c for c in commitments if c.id not in real]
    chosen = rng.sample(candidates, min(len(candidates), round(len(commitments) / 3)))
    today, added = datetime.now(UTC).date(), 0
    for commitment in chosen:
        k = rng.randint(1, 3)
        days_ago = sorted(rng.sample(range(weeks * 7), k), reverse=True)
        # A growth rate is reported as the rate so far, not as a part of a count.
        low = 0.6 if commitment.phrasing in GROWTH else 0.1
        shares = sorted(rng.uniform(low, 0.95) for _ in range(k))
        last = rng.choices(list(NOTES), [6, 2, 2])[0]
        for n, (ago, share) in enumerate(zip(days_ago, shares, strict=True)):
            status = last if n == k - 1 else Status.IN_PROGRESS
            note_zh, note_en = NOTES[status]
            session.add(
                ProgressUpdate(
                    commitment_id=commitment.id,
                    reported_on=today - timedelta(days=ago),
                    value=progress_value(
                        commitment, 1.0 if status is Status.ACHIEVED else share
                    ),
                    status=status,
                    note_zh=NOTE_PREFIX[0] + note_zh,
                    note_en=NOTE_PREFIX[1] + note_en,
                    is_demo=True,
                )
            )
            added += 1
    session.flush()
    touched = {c.id for c in chosen}
    _restore_statuses(session, touched)
    return added, touched


def _restore_statuses(session: Session, commitment_ids: set[int]) -> None:
    """Set each commitment's status from its latest update, or not started."""
    for commitment_id in sorted(commitment_ids):
        latest = session.scalar(
            select(ProgressUpdate.status)
            .where(ProgressUpdate.commitment_id == commitment_id)
            .order_by(ProgressUpdate.reported_on.desc(), ProgressUpdate.id.desc())
            .limit(1)
        )
        session.get(Commitment, commitment_id).status = latest or Status.NOT_STARTED


def _label_tone(rows: list[dict]) -> None:
    """Sentiment for made-up comments, from the quick n-gram model alone: the
    full analyser would take a quarter of an hour for 100,000 of them."""
    bodies = sorted({row["body"] for row in rows})
    verdicts = dict(zip(bodies, analyse_many(bodies, encoder=False), strict=True))
    for row in rows:
        verdict = verdicts[row["body"]]
        row["sentiment"], row["sentiment_score"] = verdict.label, verdict.score


def _has_schema(session: Session) -> bool:
    """Whether the tables exist, so that a fresh site gets a message, not a trace."""
    return inspect(session.get_bind()).has_table(Report.__tablename__)


class NotReady(Exception):
    """The database has no schema or no report to add demonstration data to."""


@dataclass(frozen=True)
class Loaded:
    """What one `demo load` added."""

    year: int
    commitments: int
    run: str
    changed: int
    updates: int
    updated_commitments: int
    # Commitments given a demonstration department, by department.
    departments: Counter[str]


def load_demo(
    session: Session,
    *,
    n_ratings: int,
    n_comments: int,
    updates: bool,
    weeks: int,
    seed: int | None,
) -> Loaded:
    """Add demonstration ratings, comments and progress in one transaction."""
    report = current_report(session) if _has_schema(session) else None
    if report is None:
        raise NotReady("No report is loaded: run `flask --app wsgi init-db` first.")
    commitments = list(
        session.scalars(
            select(Commitment)
            .where(Commitment.report_id == report.id)
            .order_by(Commitment.position)
            .options(selectinload(Commitment.topic))
        )
    )
    if not commitments:
        raise NotReady(f"The {report.year} report has no commitments.")
    # New for every run, so resident keys never collide with an earlier run's.
    run = uuid.uuid4().hex[:8]
    if session.get_bind().dialect.name == "sqlite":
        # A bigger page cache (128 MB, this connection only) saves rereading the
        # indexes from disk while a million rows go in.
        session.execute(text("PRAGMA cache_size = -131072"))

    def work() -> tuple[int, int, set[int], Counter[str]]:
        rng = random.Random(seed)  # noqa: S311 (made-up data, not secrets)
        # Before the replies, which answer in the commitment's department's name.
        given = departments.assign(session, commitments)
        session.flush()
        profiles = make_profiles(rng, commitments)
        changed = _insert_ratings(
            session, rating_rows(rng, profiles, n_ratings, run, weeks), run
        )
        comments = comment_rows(rng, profiles, n_comments, run, weeks)
        for chunk in batched(comments, CHUNK):
            _label_tone(chunk)
            session.execute(insert(COMMENT), chunk)
        add_replies(session, rng, run)
        added, touched = 0, set()
        if updates:
            added, touched = _add_updates(session, rng, commitments, weeks)
        rebuild_summaries(session)
        insight_totals.rebuild(session)
        settings.put(session, settings.DEMO_DATA, "1")
        return changed, added, touched, given

    changed, added, touched, given = in_transaction(session, work)
    return Loaded(
        report.year, len(commitments), run, changed, added, len(touched), given
    )


def clear_demo(session: Session) -> dict[str, int]:
    """Remove every demonstration row; real feedback and progress stay as they are."""
    if not _has_schema(session):
        raise NotReady(
            "The database is not set up: run `flask --app wsgi init-db` first."
        )

    def work() -> dict[str, int]:
        touched = set(
            session.scalars(
                select(UPDATE.c.commitment_id).where(UPDATE.c.is_demo.is_(True))
            )
        )
        demo_comments = select(COMMENT.c.id).where(COMMENT.c.is_demo.is_(True))
        removed = clear_replies(session)
        for name, table, where in (
            ("flags on demo comments", FLAG, FLAG.c.comment_id.in_(demo_comments)),
            ("comments", COMMENT, COMMENT.c.is_demo.is_(True)),
            ("rating changes", CHANGE, CHANGE.c.is_demo.is_(True)),
            ("ratings", RATING, RATING.c.is_demo.is_(True)),
            ("progress updates", UPDATE, UPDATE.c.is_demo.is_(True)),
        ):
            removed[name] = session.execute(delete(table).where(where)).rowcount
        _restore_statuses(session, touched)
        rebuild_summaries(session)
        insight_totals.rebuild(session)
        settings.put(session, settings.DEMO_DATA, None)
        removed["commitment statuses restored"] = len(touched)
        removed["demonstration departments taken back"] = departments.unassign(session)
        return removed

    return in_transaction(session, work)
