"""Running one use case as one short transaction, retried when the database is busy."""

from __future__ import annotations

import fcntl
import os
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import TypeVar

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

T = TypeVar("T")

_in_process = threading.Lock()
_held = threading.local()
# Per process: a descriptor inherited through fork would share the lock.
_lock_files: dict[tuple[int, str], int] = {}


@contextmanager
def writer_turn(session: Session) -> Iterator[None]:
    """On a SQLite file, wait in line for the one write lock SQLite allows.

    Between processes SQLite's own busy handler polls, sleeping up to 100 ms
    between tries, so under a burst of writes most of the time is sleep. A
    lock file (flock) wakes the next writer the moment the last one is done;
    the kernel lets go of it if a process dies. PostgreSQL locks rows itself.
    """
    bind = session.get_bind()
    database = bind.url.database if bind.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or getattr(_held, "turn", False):
        yield  # not SQLite on disk, or this thread already has the turn
        return
    with _in_process:
        key = (os.getpid(), database)
        if key not in _lock_files:
            _lock_files[key] = os.open(
                f"{database}-writer.lock", os.O_RDWR | os.O_CREAT, 0o600
            )
        fcntl.flock(_lock_files[key], fcntl.LOCK_EX)
        _held.turn = True
        try:
            yield
        finally:
            _held.turn = False
            fcntl.flock(_lock_files[key], fcntl.LOCK_UN)


# SQLite: "database is locked"/"busy"; PostgreSQL: deadlock or serialization
# failure. Each is safe to retry from the start, nothing having been committed.
RETRYABLE = (
    "database is locked",
    "database is busy",
    "deadlock",
    "could not serialize",
)


def _retryable(error: OperationalError) -> bool:
    text = str(error.orig).lower()
    return any(marker in text for marker in RETRYABLE)


def in_transaction(session: Session, work: Callable[[], T], attempts: int = 6) -> T:
    """Run work() and commit; on a busy database roll back and run it again."""
    with writer_turn(session):
        return _run(session, work, attempts)


def _run(session: Session, work: Callable[[], T], attempts: int) -> T:
    for attempt in range(attempts):
        try:
            result = work()
            session.commit()
            return result
        except OperationalError as error:
            session.rollback()
            if attempt == attempts - 1 or not _retryable(error):
                raise
            time.sleep(0.02 * 2**attempt * (0.5 + random.random()))  # noqa: S311
        except BaseException:
            session.rollback()
            raise
    raise AssertionError("unreachable")


# session.info key: names of the tables written through write() in the
# current transaction (the ORM's statement hooks do not see those statements).
WRITTEN = "tables_written"


def write(session: Session, statement, params: dict | list[dict]) -> CursorResult:
    """Run an INSERT or UPDATE in the session's transaction on its connection.

    For statements built once and given their rows as parameters: through the
    ORM (session.execute) each costs several times the statement itself. The
    table is noted in session.info[WRITTEN] for whoever watches what a
    transaction changed (portal.pagecache).
    """
    note_written(session, statement.table.name)
    return session.connection().execute(statement, params)


def note_written(session: Session, table: str) -> None:
    """Note that the session's transaction writes to this table."""
    session.info.setdefault(WRITTEN, set()).add(table)


def insert_ignoring_duplicates(
    session: Session, model, index_elements: list[str], returning: str | None = None
):
    """INSERT ... ON CONFLICT DO NOTHING for the session's database, handing back
    the `returning` column of a row it inserted (built once per shape)."""
    dialect = session.get_bind().dialect.name
    return _ignoring(dialect, model, tuple(index_elements), returning)


@lru_cache(maxsize=64)
def _ignoring(dialect: str, model, key: tuple[str, ...], returning: str | None):
    statement = (
        _dialect(dialect).insert(model).on_conflict_do_nothing(index_elements=key)
    )
    return statement.returning(getattr(model, returning)) if returning else statement


def _dialect(name: str):
    """The dialect module whose insert() knows ON CONFLICT (SQLite or PostgreSQL)."""
    return postgresql if name == "postgresql" else sqlite


def add_to(session: Session, model, rows: dict | list[dict], key: list[str]) -> None:
    """Create each row, or add its other values to the row already there, in one
    statement: INSERT ... ON CONFLICT (key) DO UPDATE SET c = c + excluded.c.

    A counter then needs no separate "make sure the row exists" statement. The
    statement is built once per shape and the rows are its parameters: building
    an upsert costs more than running it.
    """
    first = rows[0] if isinstance(rows, list) else rows
    dialect = session.get_bind().dialect.name
    write(session, _adding(dialect, model, tuple(key), tuple(first)), rows)


@lru_cache(maxsize=64)
def _adding(dialect: str, model, key: tuple[str, ...], columns: tuple[str, ...]):
    statement = _dialect(dialect).insert(model)
    return statement.on_conflict_do_update(
        index_elements=list(key),
        set_={
            name: getattr(model, name) + statement.excluded[name]
            for name in columns
            if name not in key
        },
    )
