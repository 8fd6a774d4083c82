"""Declarative base, engine set-up and the per-request session."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from flask import Flask, current_app, g
from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from portal import version_feed

T = TypeVar("T")

# Stable constraint names, so migrations mean the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Timezone-aware now, used as a column default."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """The same moment, timezone-aware; SQLite hands back naive UTC values."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Base class of every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: DateTime(timezone=True)}


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Set the pragmas every SQLite connection needs (WAL, waits, foreign keys)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Create the engine for a database URL, with SQLite tuned for concurrency."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def make_reads_engine(url: str, engine: Engine) -> Engine:
    """An engine for single-statement reads outside any transaction.

    On PostgreSQL its connections are in autocommit, are not rolled back when
    returned and are not pinged first: one round trip a read instead of four
    (ping, BEGIN, the query, ROLLBACK). A read on a connection the server has
    dropped fails once and the pool is invalidated: callers retry once
    (read_once). SQLite has no round trips to save: the main engine is used.
    """
    if engine.dialect.name == "sqlite":
        return engine
    return create_engine(
        url,
        isolation_level="AUTOCOMMIT",
        pool_reset_on_return=None,
        pool_size=2,
    )


def read_once(engine: Engine, sql: str):
    """The single value of a plain SQL read, tried again on a fresh connection
    when the first was found dead (after a database restart).

    The read goes straight to the driver's cursor on a pooled connection: for
    a statement without parameters, SQLAlchemy's execution machinery cost
    several times the query. A driver error on the query hands the read to
    _read_through_engine, which reconnects once or raises SQLAlchemy's error;
    a failed connect is raised as SQLAlchemy's error at once, without a
    second wait of connect_timeout.
    """
    failed = engine.dialect.loaded_dbapi.Error
    try:
        fairy = engine.raw_connection()
    except failed as error:  # no connection to be had: SQLAlchemy's error, at once
        raise DBAPIError.instance(sql, None, error, failed) from error
    try:
        cursor = fairy.cursor()
        cursor.execute(sql)
        (value,) = cursor.fetchone()
        cursor.close()
        return value
    except failed:
        fairy.invalidate()
        return _read_through_engine(engine, sql)
    finally:
        fairy.close()


def _read_through_engine(engine: Engine, sql: str):
    def read():
        with engine.connect() as connection:
            return connection.exec_driver_sql(sql).scalar_one()

    return _again_if_dead(read)


def _again_if_dead(
    read: Callable[[], T], reset: Callable[[], object] = lambda: None
) -> T:
    """read(), and once more if it failed on a connection found dead (after a
    database restart): SQLAlchemy has then dropped the pool's connections, so
    the second try connects afresh. reset() runs in between."""
    try:
        return read()
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
    reset()
    return read()


class Database:
    """Hands out one session per application context, from that app's engine."""

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["DATABASE_URL"])
        app.extensions["portal_db"] = sessionmaker(engine, expire_on_commit=False)
        reads = make_reads_engine(app.config["DATABASE_URL"], engine)
        app.extensions["portal_db_reads"] = reads
        app.extensions["portal_db_lookups"] = (
            None if reads is engine else sessionmaker(reads, expire_on_commit=False)
        )
        app.teardown_appcontext(self._close_session)

    @property
    def engine(self) -> Engine:
        """The engine of the current application."""
        return current_app.extensions["portal_db"].kw["bind"]

    def dispose(self) -> None:
        """Close every pooled connection of the current application's engines,
        and the page-version listener's (portal.version_feed)."""
        feed = current_app.extensions.get(version_feed.EXTENSION)
        if feed is not None:
            feed.stop()
        self.engine.dispose()
        current_app.extensions["portal_db_reads"].dispose()

    @staticmethod
    def reads_engine_for(app: Flask) -> Engine:
        """That application's engine for single reads (make_reads_engine)."""
        return app.extensions["portal_db_reads"]

    @property
    def session(self) -> Session:
        """The session of the current application context, opened on first use."""
        if "db_session" not in g:
            g.db_session = current_app.extensions["portal_db"]()
        return g.db_session

    def look_up(self, statement, params: dict | None = None):
        """session.scalar(statement, params), outside the request's transaction.

        On PostgreSQL it reads through the reads engine (make_reads_engine), in
        a session of its own: one round trip, and a request that only looks
        things up never takes a connection from the main pool (its ping, BEGIN
        and ROLLBACK are saved). That engine does not ping before use, so a
        read on a connection found dead (after a database restart) is tried
        once more on a fresh one. Objects it returns are merged into the
        request's session before anything is written with them. On SQLite,
        which has no round trips, it reads through the request's session.
        """
        maker = current_app.extensions["portal_db_lookups"]
        if maker is None:
            return self.session.scalar(statement, params)
        if "db_lookups" not in g:
            g.db_lookups = maker()
        lookups = g.db_lookups
        return _again_if_dead(
            lambda: lookups.scalar(statement, params), reset=lookups.rollback
        )

    @staticmethod
    def open_session() -> Session | None:
        """The current application context's session if one was opened."""
        return g.get("db_session")

    @staticmethod
    def _close_session(_exc: BaseException | None) -> None:
        for name in ("db_session", "db_lookups"):
            session = g.pop(name, None)
            if session is not None:
                session.close()
