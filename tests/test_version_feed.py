"""On PostgreSQL each process hears of page-version changes (LISTEN/NOTIFY)
instead of asking on every page view, and never shows a page older than a
change it made itself."""

from __future__ import annotations

import os
import time

import pytest
from sqlalchemy import create_engine, select, text

from portal import pagecache
from portal.extensions import db
from portal.models import Commitment
from portal.pagecache import VERSION_SQL
from portal.services import ratings
from portal.version_feed import EXTENSION, VersionFeed

PAGE = "/?q=3.5.8&lang=en"


@pytest.fixture
def listening(make_app, shipped, database_url):
    """An app with the feed on, once its listener has read the version."""
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: SQLite has no LISTEN")
    app = make_app(PAGE_VERSION_FEED=True)
    feed = app.extensions[EXTENSION]
    app.test_client().get(PAGE)  # starts the listener in this process
    _until(lambda: feed.current() is not None)
    return app


@pytest.fixture
def asked(monkeypatch):
    """How often a page view asked the database for the version itself."""
    calls = []
    real = pagecache.read_once

    def counting(engine, sql):
        calls.append(sql)
        return real(engine, sql)

    monkeypatch.setattr(pagecache, "read_once", counting)
    return calls


def _until(condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.01)


def _rate(app, score: int) -> None:
    with app.app_context():
        session = db.session
        target = session.scalar(select(Commitment).where(Commitment.code == "3.5.8"))
        with app.test_request_context():
            ratings.rate(session, target, f"resident-{score}", score)


def _page(app) -> str:
    return app.test_client().get(PAGE).get_data(as_text=True)


def test_another_processs_rating_shows_without_asking_for_the_version(
    listening, make_app, asked
):
    other = make_app()  # stands for another gunicorn worker or machine
    assert "Rated" not in _page(listening)
    _rate(other, 2)
    _until(lambda: "Rated 2.0 out of 5 by 1 resident" in _page(listening))
    assert asked == []


def test_a_rating_made_here_shows_at_once(listening):
    assert "Rated" not in _page(listening)
    _rate(listening, 4)
    # No waiting for the notification: this process knows it wrote.
    assert "Rated 4.0 out of 5 by 1 resident" in _page(listening)


def test_pages_stay_right_while_the_listener_is_cut_off_and_it_comes_back(
    listening, make_app, database_url
):
    feed = listening.extensions[EXTENSION]
    engine = create_engine(database_url)
    with engine.begin() as connection:
        # Every other connection to the database, the listener's among them.
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    engine.dispose()
    _until(lambda: feed.current() is None)
    _rate(make_app(), 3)
    assert "Rated 3.0 out of 5 by 1 resident" in _page(listening)
    _until(lambda: feed.current() is not None)
    _rate(make_app(), 5)
    _until(lambda: "Rated 4.0 out of 5 by 2 residents" in _page(listening))


class _Listening:
    """Stands for the listener's connection: answers the version it is given."""

    def __init__(self, version: int) -> None:
        self.version = version

    def execute(self, _sql):
        return self

    def fetchone(self):
        return (self.version,)


def test_a_read_begun_before_this_processs_commit_does_not_vouch_for_it():
    """The listener reads the old version between our bump and our commit."""
    feed = VersionFeed("postgresql+psycopg://nowhere/none", VERSION_SQL, lambda: 2)
    feed._pid = os.getpid()  # as if listening; no thread, no connection
    feed._read(_Listening(1))
    assert feed.current() == 1
    feed.writing()  # before_commit
    assert feed.current() is None
    feed._read(_Listening(1))  # another process's notification, read too early
    feed.written()  # after_commit: read back (2)
    assert feed.current() == 2
