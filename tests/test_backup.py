"""`flask backup` and `flask restore`: consistent copies while residents keep rating."""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import closing

import pytest

from portal.backup import backup, restore
from portal.cli import upgrade_database
from portal.services import ratings
from tests.builders import make_commitment


@pytest.fixture
def live(make_app, tmp_path):
    """An app on a migrated SQLite database file of its own."""
    path = tmp_path / "live" / "portal.db"
    app = make_app(DATABASE_URL=f"sqlite:///{path}")
    with app.app_context():
        upgrade_database()
    return app, path


def _counts(path) -> tuple[int, int, int]:
    """Ratings, rating changes and the ratings the totals table has counted."""
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute(
            "SELECT (SELECT count(*) FROM rating),"
            " (SELECT count(*) FROM rating_change),"
            " (SELECT coalesce(sum(count), 0) FROM rating_summary)"
        ).fetchone()


class Rater(threading.Thread):
    """Residents rating one after another through the service until stopped."""

    def __init__(self, app) -> None:
        super().__init__(daemon=True)
        self.app, self.done, self.stop, self.errors = app, 0, threading.Event(), []

    def run(self) -> None:
        with self.app.app_context():
            session = self.app.extensions["portal_db"]()
            try:
                commitment = make_commitment(session)
                session.commit()
                while not self.stop.is_set():
                    ratings.rate(session, commitment, f"resident-{self.done}", 4)
                    self.done += 1
            except Exception as exc:  # reported by the test, not lost in a thread
                self.errors.append(exc)
            finally:
                session.close()

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + 30
        while self.done < count and not self.errors and time.monotonic() < deadline:
            time.sleep(0.01)


def test_backup_while_residents_rate_is_whole_and_consistent(live, tmp_path):
    app, path = live
    copy = tmp_path / "backups" / "portal.db"
    rater = Rater(app)
    rater.start()
    try:
        rater.wait_for(50)
        result = app.test_cli_runner().invoke(backup, [str(copy)])
        at_backup = rater.done
        rater.wait_for(at_backup + 20)
    finally:
        rater.stop.set()
        rater.join(30)

    assert rater.errors == []
    assert result.exit_code == 0, result.output
    assert "Integrity check: ok" in result.output
    with closing(sqlite3.connect(copy)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    kept, changes, counted = _counts(copy)
    # One committed moment: every rating with its history row and its total.
    assert kept == changes == counted
    assert kept >= 50
    # Residents went on rating during and after the backup.
    assert _counts(path)[0] > kept
    assert not copy.with_name("portal.db.partial").exists()


def test_backup_keeps_an_existing_file_unless_told(live, tmp_path):
    app, _path = live
    existing = tmp_path / "old.db"
    existing.write_bytes(b"last week's backup")

    result = app.test_cli_runner().invoke(backup, [str(existing)])

    assert result.exit_code != 0
    assert "--overwrite" in result.output
    assert existing.read_bytes() == b"last week's backup"
    result = app.test_cli_runner().invoke(backup, [str(existing), "--overwrite"])
    assert result.exit_code == 0, result.output


def _rate(app, n: int) -> None:
    with app.app_context():
        session = app.extensions["portal_db"]()
        commitment = make_commitment(session)
        session.commit()
        for i in range(n):
            ratings.rate(session, commitment, f"resident-{i}", 3)
        session.close()


def test_restore_brings_back_the_backup(live, tmp_path):
    app, path = live
    _rate(app, 3)
    copy = tmp_path / "portal-backup.db"
    runner = app.test_cli_runner()
    assert runner.invoke(backup, [str(copy)]).exit_code == 0
    _rate(app, 5)
    assert _counts(path)[0] == 8

    refused = runner.invoke(restore, [str(copy)])
    assert refused.exit_code != 0
    assert "--yes" in refused.output
    assert _counts(path)[0] == 8

    result = runner.invoke(restore, [str(copy), "--yes"])
    assert result.exit_code == 0, result.output
    assert "Integrity check: ok" in result.output
    assert _counts(path) == (3, 3, 3)


def test_restore_into_an_empty_place_needs_no_confirmation(make_app, live, tmp_path):
    app, _path = live
    _rate(app, 2)
    copy = tmp_path / "portal-backup.db"
    assert app.test_cli_runner().invoke(backup, [str(copy)]).exit_code == 0
    fresh = tmp_path / "new-machine" / "portal.db"
    other = make_app(DATABASE_URL=f"sqlite:///{fresh}")

    result = other.test_cli_runner().invoke(restore, [str(copy)])

    assert result.exit_code == 0, result.output
    assert _counts(fresh) == (2, 2, 2)


def _damage_a_page(path) -> None:
    """Overwrite the middle of the file, where the tables' pages are."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 8192] = b"\xa5" * 8192
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", ["not a database", "damaged pages", "empty"])
def test_restore_refuses_a_corrupt_backup(live, tmp_path, damage):
    app, path = live
    _rate(app, 3)
    copy = tmp_path / "portal-backup.db"
    if damage == "not a database":
        copy.write_bytes(b"this is a spreadsheet, honestly" * 200)
    elif damage == "empty":
        copy.write_bytes(b"")
    else:
        assert app.test_cli_runner().invoke(backup, [str(copy)]).exit_code == 0
        _damage_a_page(copy)

    result = app.test_cli_runner().invoke(restore, [str(copy), "--yes"])

    assert result.exit_code != 0
    assert "integrity check" in result.output
    assert "nothing was changed" in result.output
    assert _counts(path) == (3, 3, 3)


@pytest.mark.parametrize("command", [backup, restore])
def test_postgresql_is_refused_with_a_pointer_to_pg_dump(make_app, tmp_path, command):
    app = make_app(DATABASE_URL="postgresql+psycopg://portal@127.0.0.1:1/portal")
    existing = tmp_path / "portal.dump"
    existing.write_bytes(b"")

    result = app.test_cli_runner().invoke(command, [str(tmp_path / "portal.dump")])

    assert result.exit_code != 0
    assert "not SQLite" in result.output
    assert "pg_dump" in result.output
