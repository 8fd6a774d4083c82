"""The database going away mid-run: a translated 503 page (JSON for the API), not a
stack trace, and the site back by itself once the database returns."""

from __future__ import annotations

import logging
import os
import sqlite3
import uuid

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from portal import create_app
from portal.extensions import db
from portal.models import Role
from portal.services import staff
from portal.services.reports import load_report
from tests.conftest import STAFF_PASSWORD, TEST_SETTINGS, _migrate
from tests.forms import send

PAGE = "/c/3.5.8"
POSTGRES_URL = os.environ.get(
    "PORTAL_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
LEAKS = ("Traceback", "OperationalError", "psycopg", "sqlalchemy", "SELECT", "FATAL")


def _require(condition: bool, why: str) -> None:
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is required in CI: {why}")
    pytest.skip(why)


@pytest.fixture
def server():
    """An AUTOCOMMIT engine on the PostgreSQL server, to create and cut databases."""
    engine = create_engine(
        make_url(POSTGRES_URL).set(database="postgres"),
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": 3},
    )
    try:
        engine.connect().close()
    except OperationalError as error:
        engine.dispose()
        _require(False, f"no PostgreSQL at {POSTGRES_URL}: {error.orig}")
    yield engine
    engine.dispose()


@pytest.fixture
def served(server, shipped_data):
    """The portal with the shipped report on a PostgreSQL database of its own."""
    name = f"portal_fault_{uuid.uuid4().hex[:12]}"
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(False)
    try:
        _migrate(url)
        app = create_app({**TEST_SETTINGS, "DATABASE_URL": url})
        with app.app_context():
            load_report(db.session, shipped_data)
        yield app, name
        with app.app_context():
            db.dispose()
    finally:
        with server.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _cut(server, name: str, *, allow: bool) -> None:
    """End every session on the database; with allow=False refuse new ones too."""
    with server.connect() as connection:
        connection.execute(
            text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allow).lower()}')
        )
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": name},
        )


def _assert_unavailable_page(response, *texts: str) -> None:
    body = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    for expected in texts:
        assert expected in body
    for leak in LEAKS:
        assert leak not in body


def test_database_going_away_gives_a_503_page_and_the_site_recovers(
    served, server, caplog
):
    app, name = served
    client = app.test_client()
    assert client.get(PAGE).status_code == 200

    _cut(server, name, allow=False)
    with caplog.at_level(logging.ERROR):
        zh = client.get(PAGE)
        en = client.get(f"{PAGE}?lang=en")
        api = client.get("/api/v1/commitments/3.5.8")

    _assert_unavailable_page(zh, "暂时无法访问", "网站正忙或正在维护。请几分钟后再试。")
    _assert_unavailable_page(
        en, "Temporarily unavailable", "Please try again in a few minutes."
    )
    assert api.status_code == 503 and api.headers["Retry-After"] == "30"
    assert api.get_json() == {
        "error": "暂时无法访问",
        "message": "网站正忙或正在维护。请几分钟后再试。",
    }
    # One line per failed request, naming the cause, without a traceback.
    logged = [r for r in caplog.records if "database unavailable" in r.getMessage()]
    assert len(logged) == 3
    assert all(r.exc_info is None and "\n" not in r.getMessage() for r in logged)
    assert "not currently accepting connections" in logged[0].getMessage()

    _cut(server, name, allow=True)
    assert client.get(PAGE).status_code == 200
    assert client.get("/api/v1/commitments/3.5.8").status_code == 200


def test_a_database_restart_is_not_seen_by_readers(served, server):
    """Every pooled connection cut at once (a restart): the next request reconnects."""
    app, name = served
    client = app.test_client()
    assert [client.get(PAGE).status_code for _ in range(3)] == [200] * 3
    _cut(server, name, allow=True)
    assert client.get(PAGE).status_code == 200


def test_a_database_restart_is_not_seen_by_staff(served, server):
    """The staff session is looked up on a connection of its own (db.look_up):
    after a restart that lookup reconnects too, instead of a 503."""
    app, name = served
    with app.test_request_context():
        official = staff.create_user(
            db.session, "official-restart", STAFF_PASSWORD, Role.OFFICIAL,
            district_wide=True,
        )  # fmt: skip
    client = app.test_client()
    signed_in = send(
        client,
        "/staff/sign-in",
        "/staff/sign-in",
        {"username": official.username, "password": STAFF_PASSWORD},
    )
    assert signed_in.status_code == 303
    assert client.get("/dashboard/").status_code == 200
    _cut(server, name, allow=True)
    assert client.get("/dashboard/").status_code == 200


def _short_busy_timeout(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA busy_timeout=100")


def test_a_sqlite_database_locked_too_long_gives_a_503_then_recovers(
    make_app, shipped, database_url
):
    """A write waits out busy_timeout behind another writer, then gets a 503 page."""
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite only")
    app = make_app()
    with app.app_context():
        # The service retries six times; 5 s busy_timeout each would take 30 s.
        event.listen(db.engine, "connect", _short_busy_timeout)
    client = app.test_client()
    holder = sqlite3.connect(make_url(database_url).database, timeout=0)
    holder.execute("BEGIN IMMEDIATE")
    try:
        response = send(client, PAGE, f"{PAGE}/rating", {"score": "3"})
    finally:
        holder.rollback()
        holder.close()
    _assert_unavailable_page(response, "暂时无法访问")
    assert send(client, PAGE, f"{PAGE}/rating", {"score": "3"}).status_code == 303
