"""PostgreSQL tells each process when the page version moves (LISTEN/NOTIFY),
so that a page view need not ask the database for it.

A trigger on page_version (migration 20261127_f3a1c2d4e5b6) notifies the
channel at the commit of every transaction that bumped the version. Each app
process keeps one listening connection on a daemon thread, which reads the
version again after every notification. Until the listener has read the
version after this process's own last bump (written() reads it back right
after the commit), or while it is not connected, current() says None and the
caller reads the version itself: a page is never kept under a version older
than what this process has written. Another process's change is seen as soon
as its notification arrives (a millisecond or so on one server).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable

import psycopg
from sqlalchemy.engine import make_url

CHANNEL = "page_version"
# app.extensions key of the app's feed (portal.pagecache sets it up).
EXTENSION = "portal_version_feed"
# Read the version again this often even without a notification, and wait
# this long before connecting again after losing the connection.
QUIET_SECONDS = 5.0
RETRY_SECONDS = 1.0

log = logging.getLogger(__name__)


class VersionFeed:
    """The page version as PostgreSQL announces it, for one process."""

    def __init__(
        self, database_url: str, version_sql: str, read: Callable[[], int]
    ) -> None:
        """read() asks for the version on a connection of the app's own."""
        url = make_url(database_url).set(drivername="postgresql")
        self._conninfo = url.render_as_string(hide_password=False)
        self._sql = version_sql
        self._read_directly = read
        self._lock = threading.Lock()
        self._version: int | None = None
        self._written = 0  # this process's bumps, counted before their commit
        self._read_after = -1  # _written when the listener's last read began
        self._pid: int | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def current(self) -> int | None:
        """The version, or None when the caller must read it itself."""
        if self._pid != os.getpid():
            self._start()
            return None
        with self._lock:
            if self._read_after != self._written:
                return None
            return self._version

    def writing(self) -> None:
        """This process is about to commit a new version: until it is read
        back after the commit, current() says None."""
        with self._lock:
            self._written += 1

    def written(self) -> None:
        """This process committed a new version: read it back now, so that its
        next page shows the change without waiting for the notification (a
        read the listener began before the commit cannot vouch for it)."""
        with self._lock:
            self._written += 1
            began = self._written
        try:
            version = self._read_directly()
        except Exception:  # noqa: BLE001 - stays unvouched until the listener reads
            log.warning("page version not read back after a commit", exc_info=True)
            return
        with self._lock:
            if self._read_after == began:  # the listener read meanwhile too
                version = max(version, self._version or 0)
            if self._written == began:
                self._version, self._read_after = version, began

    def stop(self) -> None:
        """Stop listening and close the connection (tests, shutdown)."""
        self._stop.set()
        thread = self._thread
        if thread is None or self._pid != os.getpid() or not thread.is_alive():
            return
        try:
            # Wakes the listener's wait at once.
            with psycopg.connect(self._conninfo, autocommit=True) as other:
                other.execute("SELECT pg_notify(%s, 'stop')", (CHANNEL,))
        except psycopg.Error:
            pass
        thread.join(timeout=RETRY_SECONDS + QUIET_SECONDS)

    def _start(self) -> None:
        with self._lock:
            if self._pid == os.getpid() or self._stop.is_set():
                return
            # A new process (a forked worker) listens on its own connection.
            self._pid, self._version, self._read_after = os.getpid(), None, -1
            self._thread = threading.Thread(
                target=self._listen, name="page-version-feed", daemon=True
            )
            self._thread.start()

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    while not self._stop.is_set():
                        self._read(connection)
                        for _ in connection.notifies(
                            timeout=QUIET_SECONDS, stop_after=1
                        ):
                            pass
            except psycopg.Error as error:
                log.warning("page version feed lost its connection: %s", error)
            finally:
                with self._lock:
                    self._version, self._read_after = None, -1
            self._stop.wait(RETRY_SECONDS)

    def _read(self, connection: psycopg.Connection) -> None:
        with self._lock:
            began = self._written
        (version,) = connection.execute(self._sql).fetchone()
        with self._lock:
            self._version, self._read_after = version, began
