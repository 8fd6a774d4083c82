"""`flask backup` and `flask restore`: consistent copies of the SQLite database.

Both go through SQLite's online backup API, never a file copy, so they see one
committed state of the database while the site keeps taking feedback, and the
write-ahead log is never left out. PostgreSQL has its own tools (pg_dump).
"""

from __future__ import annotations

import os
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

POSTGRESQL_HINT = (
    "Use PostgreSQL's own tools instead, e.g. "
    "pg_dump --format=custom --file=portal.dump DATABASE, "
    "and pg_restore to bring it back (see docs/deploy/README.md)."
)


def sqlite_path() -> Path:
    """The configured SQLite database file; other databases are refused."""
    url = make_url(current_app.config["DATABASE_URL"])
    if url.get_backend_name() != "sqlite":
        raise click.ClickException(
            f"The database is {url.get_backend_name()}, not SQLite. {POSTGRESQL_HINT}"
        )
    if url.database in (None, "", ":memory:"):
        raise click.ClickException("An in-memory SQLite database has no file.")
    return Path(url.database)


def integrity_problems(path: Path) -> list[str]:
    """What PRAGMA integrity_check finds wrong with a database file (none: [])."""
    if not path.is_file():
        return [f"{path} is not a file."]
    try:
        # Read-only, so checking a file never changes or creates it.
        uri = f"{path.resolve().as_uri()}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True)) as connection:
            rows = connection.execute("PRAGMA integrity_check").fetchall()
            if not connection.execute("SELECT 1 FROM sqlite_master").fetchone():
                return ["It holds no tables."]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    found = [row[0] for row in rows]
    return [] if found == ["ok"] else found


def _copy(source: Path, target: Path, pages: int, sleep: float) -> None:
    """Copy one database into another through the online backup API."""
    with (
        closing(sqlite3.connect(source, timeout=30)) as reader,
        closing(sqlite3.connect(target, timeout=30)) as writer,
    ):
        reader.backup(writer, pages=pages, sleep=sleep)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--pages",
    default=0,
    show_default=True,
    help="Pages per step; 0 copies everything in one step, which in WAL mode "
    "holds one snapshot while writers carry on. A small number yields to "
    "writers between steps, but restarts whenever they write.",
)
@click.option(
    "--sleep",
    default=0.05,
    show_default=True,
    help="Seconds to wait between steps when --pages is set.",
)
@click.option("--overwrite", is_flag=True, help="Replace PATH if it exists.")
@with_appcontext
def backup(path: Path, pages: int, sleep: float, overwrite: bool) -> None:
    """Copy the SQLite database to PATH while the site runs, then check the copy."""
    source = sqlite_path()
    if not source.is_file():
        raise click.ClickException(f"There is no database at {source}.")
    if path.exists() and not overwrite:
        raise click.ClickException(f"{path} exists; pass --overwrite to replace it.")
    if path.resolve() == source.resolve():
        raise click.ClickException("The backup cannot be the database itself.")
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written beside PATH and moved into place only once it checks out, so
    # PATH is never a half-written or damaged copy.
    partial = path.with_name(f"{path.name}.partial")
    partial.unlink(missing_ok=True)
    started = time.monotonic()
    try:
        _copy(source, partial, pages=pages if pages > 0 else -1, sleep=sleep)
        # The copy stands alone: one file, no write-ahead log beside it.
        with closing(sqlite3.connect(partial)) as copy:
            copy.execute("PRAGMA journal_mode=DELETE")
        if problems := integrity_problems(partial):
            raise click.ClickException(
                "The copy failed its integrity check:\n" + "\n".join(problems)
            )
        os.replace(partial, path)
    except sqlite3.Error as exc:
        raise click.ClickException(f"The backup failed: {exc}") from exc
    finally:
        partial.unlink(missing_ok=True)
    seconds = time.monotonic() - started
    click.echo(
        f"Backed up {source} to {path} "
        f"({path.stat().st_size:,} bytes, {seconds:.1f} s). Integrity check: ok."
    )


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--yes",
    is_flag=True,
    help="Replace the contents of an existing database (stop the site first).",
)
@with_appcontext
def restore(path: Path, yes: bool) -> None:
    """Bring back the SQLite database from a backup at PATH, once it checks out."""
    target = sqlite_path()
    if problems := integrity_problems(path):
        raise click.ClickException(
            f"{path} failed its integrity check; nothing was changed:\n"
            + "\n".join(problems)
        )
    if path.resolve() == target.resolve():
        raise click.ClickException("The backup is the database itself.")
    if target.is_file() and target.stat().st_size > 0 and not yes:
        raise click.ClickException(
            f"{target} already holds a database, which the site may be using. "
            "Stop the app processes, take a backup of it, then run again with --yes."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        # Through the backup API, the database's own locks apply: a process
        # still holding it open sees the old or the new contents, never a mix.
        _copy(path, target, pages=-1, sleep=0)
    except sqlite3.Error as exc:
        raise click.ClickException(f"The restore failed: {exc}") from exc
    if problems := integrity_problems(target):
        raise click.ClickException(
            "The restored database failed its integrity check:\n" + "\n".join(problems)
        )
    click.echo(
        f"Restored {target} from {path}. Integrity check: ok. "
        "Run `flask --app wsgi init-db` to bring its schema up to date."
    )
