"""Connection settings that keep data safe under concurrent use."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from portal.extensions import db


def test_sqlite_connections_use_wal_waits_and_foreign_keys(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite pragmas; this run is on PostgreSQL")
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_default_database_is_sqlite_in_the_instance_folder(monkeypatch):
    from portal import create_app

    monkeypatch.delenv("PORTAL_DATABASE_URL", raising=False)
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["DATABASE_URL"] == f"sqlite:///{app.instance_path}/portal.db"
