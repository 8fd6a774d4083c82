"""The card list answered from this process's memory, before Flask's request
handling, while the page version says nothing on it has changed.

portal.pagecache keeps rendered pages (in Redis when configured) and still
runs every request through Flask: locale, sign-in, rate-limit and header
hooks, then a cache lookup. For the most read page, a visitor with no session
(no sign-in, no pending message) gets the same bytes as everyone else who
sends the same address, language and text-size cookies and Accept-Language.
This layer keeps those finished responses, headers included, per process and
answers the next such request with one version query, as a caching proxy
would, except that it can never serve a page older than the data: an entry
counts only while the page version is the one it was rendered at.

Only responses the page cache marked as shared (pagecache.cached_page sets
the version in the WSGI environ) and that set no cookie are kept. Anything
else, and any request with a session cookie, a conditional header or another
method, goes through Flask as before; so does every request when the
version cannot be read (the database is down: Flask answers with the 503
page).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import NamedTuple

from flask import Flask
from werkzeug.http import parse_cookie

# Set by pagecache.cached_page on responses every visitor may share.
SHARED = "portal.shared_at_version"
# The page version as read here, so the app reads it once per request.
VERSION = "portal.page_version"
# Requests whose answer may depend on more than the key below.
PERSONAL_HEADERS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_AUTHORIZATION",
)
ENTRIES = 64


class Recent:
    """Up to `size` values of this process, each for `seconds` at most; the least
    recently used goes first. Safe across threads (gthread workers)."""

    def __init__(self, size: int, seconds: float) -> None:
        self.size, self.seconds = size, seconds
        self.values: OrderedDict[object, tuple[float, object]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        """The value kept under key, or None when absent or too old."""
        with self.lock:
            found = self.values.get(key)
            if found is None or found[0] <= time.monotonic():
                return None
            self.values.move_to_end(key)
            return found[1]

    def put(self, key, value) -> None:
        with self.lock:
            self.values[key] = (time.monotonic() + self.seconds, value)
            self.values.move_to_end(key)
            while len(self.values) > self.size:
                self.values.popitem(last=False)


class Entry(NamedTuple):
    """A finished response and the page version it was rendered at."""

    version: int
    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes


class FrontCache:
    """WSGI middleware holding up to ENTRIES shared responses of this process."""

    def __init__(
        self,
        wsgi_app: Callable,
        version: Callable[[], int],
        *,
        session_cookie: str,
        cookies: tuple[str, ...],
        seconds: float,
    ) -> None:
        self.wsgi_app = wsgi_app
        self.version = version
        self.session_cookie = session_cookie
        self.cookies = cookies
        # As long as the shared cache keeps a page (CACHE_DEFAULT_TIMEOUT; 0
        # is "no limit" there too).
        self.entries = Recent(ENTRIES, seconds or math.inf)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        key = self._key(environ)
        if key is None:
            return self.wsgi_app(environ, start_response)
        entry = self.entries.get(key)
        if entry is None:
            # Nothing kept: the app reads the version if its page needs it.
            return self._through_app(key, environ, start_response)
        try:
            version = self.version()
        except Exception:  # noqa: BLE001 - the app shows its own error page
            return self.wsgi_app(environ, start_response)
        if entry.version == version:
            start_response(entry.status, list(entry.headers))
            return [entry.body]
        environ[VERSION] = version
        return self._through_app(key, environ, start_response)

    def _key(self, environ: dict) -> tuple | None:
        """What the shared page depends on; None when it may depend on more."""
        if environ.get("REQUEST_METHOD") != "GET" or any(
            name in environ for name in PERSONAL_HEADERS
        ):
            return None
        jar = parse_cookie(environ)  # as Flask reads them
        if self.session_cookie in jar:
            return None
        return (
            # The page names its own address (hreflang links): a request with
            # another Host must never be answered with, or leave, this copy.
            environ.get("HTTP_HOST", ""),
            environ.get("wsgi.url_scheme", ""),
            environ.get("HTTP_X_FORWARDED_PROTO", ""),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            environ.get("HTTP_ACCEPT_LANGUAGE", ""),
            *(jar.get(name) for name in self.cookies),
        )

    def _through_app(self, key: tuple, environ: dict, start_response: Callable):
        seen: dict = {}

        def remember(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info)

        chunks = self.wsgi_app(environ, remember)
        version = environ.get(SHARED)
        if version is None:
            return chunks
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        headers = seen.get("headers", [])
        if seen.get("status", "").startswith("200") and not any(
            name.lower() == "set-cookie" for name, _ in headers
        ):
            entry = Entry(version, seen["status"], tuple(headers), body)
            self.entries.put(key, entry)
        return [body]


def install(app: Flask, version: Callable[[], int], cookies: tuple[str, ...]) -> None:
    """Put the front cache in front of the app's request handling."""
    app.wsgi_app = FrontCache(
        app.wsgi_app,
        version,
        session_cookie=app.config["SESSION_COOKIE_NAME"],
        cookies=cookies,
        seconds=app.config["CACHE_DEFAULT_TIMEOUT"],
    )
