"""How fast the card list and the officials' dashboard answer with a district's
worth of feedback, in this process, against a minimal Flask page as baseline.

    python -m tests.benchmarks.pages [--ratings 1000000] [--comments 100000]
        [--database-url URL] [--requests 60]

Builds a fresh database (SQLite in a temporary folder unless --database-url is
given; a PostgreSQL database named there is emptied first), loads the shipped
report and the demonstration data, computes the themes (on PostgreSQL then
runs VACUUM ANALYZE and CHECKPOINT, as autovacuum would have on a live site),
signs an official in, then times each page through Flask's test client after a
warm-up. Figures are wall-clock milliseconds per request: p50, p95, and p50 as
a multiple of the baseline's p50 (the machine is shared, so the ratio is the
steadier figure).
Each page is timed twice: kept (nothing changed since the last view, so it
comes from the page cache) and rendered (the page version is bumped before each
request, as any rating or published comment does, so it is built anew).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from flask import Flask
from sqlalchemy import create_engine, text

from portal import create_app, pagecache
from portal.extensions import db
from portal.models import Role
from portal.services import staff
from tests.forms import send

PASSWORD = "river lantern 2025 quiet harbour"
PAGES = (
    ("card list (zh)", "/"),
    ("card list (en)", "/?lang=en"),
    ("commitment page", "/c/3.5.8"),
    ("dashboard: district", "/dashboard/"),
    ("dashboard: area", "/dashboard/area/3.5"),
    ("dashboard: commitment", "/dashboard/c/3.5.8"),
)


def _empty_postgres(url: str) -> None:
    """Drop every table of the named PostgreSQL database (a benchmark database)."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def _settle_postgres(url: str) -> None:
    """VACUUM ANALYZE and CHECKPOINT after the bulk load.

    On a live site autovacuum would long since have gone over the million
    rows; left to itself here, it starts during the timed requests and takes
    CPU from them.
    """
    started = time.perf_counter()
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")
        connection.exec_driver_sql("CHECKPOINT")
    engine.dispose()
    print(f"  VACUUM ANALYZE, CHECKPOINT: {time.perf_counter() - started:.1f} s")


def build(url: str, ratings: int, comments: int) -> Flask:
    """A portal app on a new database holding the report and demo feedback."""
    if url.startswith("postgresql"):
        _empty_postgres(url)
    print(f"Building {url.split('@')[-1]}: {ratings:,} ratings, {comments:,} comments")
    app = create_app({"SECRET_KEY": "benchmark", "DATABASE_URL": url})
    runner = app.test_cli_runner()
    for args in (
        ["init-db"],
        ["demo", "load", "--ratings", str(ratings), "--comments", str(comments),
         "--seed", "20261127"],
        ["insights", "themes"],
    ):  # fmt: skip
        started = time.perf_counter()
        result = runner.invoke(args=args)
        if result.exit_code:
            raise SystemExit(result.output)
        print(f"  {' '.join(args)}: {time.perf_counter() - started:.1f} s")
    if url.startswith("postgresql"):
        _settle_postgres(url)
    with app.app_context():
        staff.create_user(
            db.session,
            "bench",
            PASSWORD,
            Role.OFFICIAL,
            department="benchmark",
            district_wide=True,  # the district dashboard covers every commitment
        )
    return app


def hello_app() -> Flask:
    """The baseline: the smallest Flask page, served the same way."""
    app = Flask("hello")
    app.add_url_rule("/", "hello", lambda: "Hello, world!")
    return app


def timed(client, url: str, n: int, before=None) -> list[float]:
    """Milliseconds of n requests after a warm-up; each must answer 200.

    before(), when given, runs ahead of each request, outside the timing.
    """
    for _ in range(3):
        client.get(url)
    out = []
    for _ in range(n):
        if before is not None:
            before()
        started = time.perf_counter()
        response = client.get(url)
        out.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ratings", type=int, default=1_000_000)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--database-url")
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        app = build(url, args.ratings, args.comments)
        official = app.test_client()
        send(
            official,
            "/staff/sign-in",
            "/staff/sign-in",
            {"username": "bench", "password": PASSWORD},
        )
        resident = app.test_client()
        baseline = timed(hello_app().test_client(), "/", args.requests)
        base = statistics.median(baseline)
        print(f"\n{'page':34} {'p50 ms':>8} {'p95 ms':>8} {'x baseline':>11}")
        print(f"{'hello world (baseline)':34} {base:8.2f} "
              f"{statistics.quantiles(baseline, n=20)[-1]:8.2f} {1:11.0f}")  # fmt: skip
        for name, path in PAGES:
            client = official if path.startswith("/dashboard") else resident
            # Kept: nothing changed since the last view. Rendered: something
            # did (the page version is bumped first), so the page is built.
            for how, before in (("kept", None), ("rendered", lambda: changed(app))):
                times = timed(client, path, args.requests, before)
                p50 = statistics.median(times)
                p95 = statistics.quantiles(times, n=20)[-1]
                print(
                    f"{name + ', ' + how:34} {p50:8.2f} {p95:8.2f} {p50 / base:11.0f}"
                )
        release(app, url)


def changed(app: Flask) -> None:
    """Something public changed: every kept page is out of date."""
    with app.app_context():
        pagecache.bump(db.session)
        db.session.commit()


def release(app: Flask, url: str) -> None:
    """Close the app's connections; empty a PostgreSQL benchmark database."""
    with app.app_context():
        db.dispose()
    if url.startswith("postgresql"):
        _empty_postgres(url)


if __name__ == "__main__":
    main()
