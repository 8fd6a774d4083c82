"""Fixtures: a migrated database per test run (SQLite or PostgreSQL), emptied after
every test; app, client and runner as in Flask's tutorial."""

from __future__ import annotations

import os
import uuid

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from portal import create_app, reportdata
from portal.cli import alembic_config, compile_catalogues
from portal.config import Config
from portal.db import Base
from portal.extensions import db
from portal.services.reports import load_report

# postgresql+psycopg://postgres@127.0.0.1:5432/test runs the suite on PostgreSQL;
# each test run creates a database of its own there and drops it at the end.
POSTGRES_URL = os.environ.get("PORTAL_TEST_POSTGRES_URL")


@pytest.fixture(scope="session", autouse=True)
def catalogues():
    """Build the .mo files once, so pages come out in Chinese."""
    compile_catalogues()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A freshly migrated database for this test run (and xdist worker)."""
    if not POSTGRES_URL:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'portal.db'}"
        _migrate(url)
        yield url
        return
    server = make_url(POSTGRES_URL)
    name = f"portal_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    try:
        _migrate(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _migrate(url: str) -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test"})
    with app.app_context():
        config = alembic_config()
        with db.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        db.dispose()


TEST_SETTINGS = {
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    # Forms may be sent at once in tests; the bot-trap tests set these back.
    "COMMENT_MIN_SECONDS": 0,
    "RATING_MIN_SECONDS": 0,
    # Each app would start a listening thread; tests/test_version_feed.py
    # turns it on.
    "PAGE_VERSION_FEED": False,
}


@pytest.fixture
def app(database_url):
    app = create_app({**TEST_SETTINGS, "DATABASE_URL": database_url})
    yield app
    with app.app_context():
        db.session.rollback()
        with db.engine.begin() as connection:
            _empty_all_tables(connection)
        db.dispose()


def _empty_all_tables(connection) -> None:
    """Delete every row, the append-only audit log included (tests only)."""
    if connection.dialect.name == "postgresql":
        # Superuser only: skips user triggers such as the audit log's guard.
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        triggers = []
    else:
        triggers = connection.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        ).all()
        for name, _sql in triggers:
            connection.execute(text(f'DROP TRIGGER "{name}"'))
    for table in reversed(Base.metadata.sorted_tables):
        connection.execute(table.delete())
    for _name, sql in triggers:
        connection.execute(text(sql))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def session(app):
    """A database session of the test's own, apart from the requests' sessions."""
    session = app.extensions["portal_db"]()
    yield session
    session.close()


@pytest.fixture(scope="session")
def shipped_data():
    """The shipped report's commitments data, parsed and checked."""
    return reportdata.load(Config.REPORT_DATA_FILE)


@pytest.fixture
def shipped(app, shipped_data):
    """The shipped report loaded into the database, as `init-db` would."""
    with app.app_context():
        load_report(db.session, shipped_data)
    return shipped_data


STAFF_PASSWORD = "river lantern 2025 quiet harbour"


@pytest.fixture
def make_staff(app):
    """make_staff(role) -> a user with STAFF_PASSWORD (administrators too)."""
    from portal.models import Role
    from portal.services import staff

    def make(role="moderator", username=None, department=None, district_wide=False):
        with app.test_request_context():
            return staff.create_user(
                db.session,
                username or f"{role}-{uuid.uuid4().hex[:6]}",
                STAFF_PASSWORD,
                Role(role),
                department=department,
                district_wide=district_wide,
            )

    return make


@pytest.fixture
def sign_in(app):
    """sign_in(client, user) signs that client in through the sign-in form."""
    from tests.forms import send

    def do(client, user, password=STAFF_PASSWORD):
        return send(
            client,
            "/staff/sign-in",
            "/staff/sign-in",
            {"username": user.username, "password": password},
        )

    return do


@pytest.fixture
def make_app(database_url):
    """make_app(**settings): another app on the test database, closed afterwards."""
    made = []

    def make(**settings):
        other = create_app({**TEST_SETTINGS, "DATABASE_URL": database_url, **settings})
        made.append(other)
        return other

    yield make
    for other in made:
        with other.app_context():
            db.dispose()
