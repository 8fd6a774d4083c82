"""Public pages kept rendered while what they show is unchanged, with ETags.

Every transaction that changes something a public page shows (a card, its
progress, a rating total, a comment, a reply, the catalogue, a setting) bumps
the page version (models.PageVersion) before it commits, so the version can
never say "unchanged" about a committed change, whichever process made it. A
page's key is that version, the reader's language and text size, and the
address. The cache is Flask-Caching's: Redis when PORTAL_REDIS_URL is set, so
every process shares it; otherwise each process keeps its own.

Only visitors without a staff session or a pending message are served from
the cache. A commitment page also holds the visitor's form token and the
signed time each form was shown: it is kept with placeholders for those and
filled in for each visitor, and only for visitors who have no rating, comment
or verdict of their own on that commitment. The card list, which every such
visitor shares, is also kept finished in each process (portal.frontcache) and
answered before Flask's request handling.
"""

from __future__ import annotations

import hashlib
import random
import re
import secrets
from collections.abc import Callable

from flask import (
    Flask,
    current_app,
    g,
    has_app_context,
    has_request_context,
    make_response,
    request,
    session,
)
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from portal import frontcache
from portal.db import read_once
from portal.extensions import cache, db
from portal.forms import sign_started
from portal.i18n import LANG_COOKIE, lang
from portal.models import PageVersion
from portal.services.transactions import WRITTEN, add_to, note_written
from portal.version_feed import EXTENSION, VersionFeed
from portal.views.pages import ELDER_COOKIE

# Tables whose rows kept pages show (public pages, and the dashboard's themes).
# Ratings count through rating_summary: a quarantined one changes nothing shown.
PUBLIC_TABLES = frozenset(
    {
        "area",
        "comment",
        "commitment",
        "progress_update",
        "rating_summary",
        "reply",
        "reply_verdict",
        "report",
        "setting",
        "theme_summary",
        "topic",
        "unit",
    }
)
SHARDS = 8
# Staff pages also hold figures counted from "now" (replies awaiting an answer).
STAFF_PAGE_SECONDS = 300
VERSION_SQL = "SELECT coalesce(sum(n), 0) FROM page_version"
# Kept pages this process used lately (see _get), per app: how many, and for
# how long at most, well inside any page's own lifetime in the shared cache.
NEARBY = "portal_nearby_pages"
# session.info key: the version feed told of a bump this transaction commits.
BUMPING = "bumping_page_version"
NEARBY_PAGES = 128
NEARBY_SECONDS = 30


def data_version() -> int:
    """What the public pages show, as a number that changes when any of it does.

    Read once per request: portal.frontcache reads it first for most GETs.
    """
    version = request.environ.get(frontcache.VERSION) if has_request_context() else None
    if version is not None:
        return version
    session_ = db.open_session()
    if (
        session_ is not None
        and session_.in_transaction()
        and session_.get_bind().dialect.name == "sqlite"
    ):
        # In the snapshot this request reads from (SQLite keeps the one its
        # read transaction began with, here often the staff sign-in check): a
        # newer version would label a page rendered from older rows.
        # PostgreSQL (read committed) takes a new snapshot for every statement,
        # so a version read now is never newer than the rows read after it.
        return session_.connection().exec_driver_sql(VERSION_SQL).scalar_one()
    return _version_of(current_app)


def _version_of(app: Flask) -> int:
    feed = app.extensions.get(EXTENSION)
    if feed is not None and (version := feed.current()) is not None:
        return version
    # Plain SQL on the reads engine, not the ORM: it runs on every page view.
    return read_once(db.reads_engine_for(app), VERSION_SQL)


def bump(session_: Session) -> None:
    """Mark every kept page out of date, in the session's transaction."""
    add_to(
        session_,
        PageVersion,
        # Random, not secret: it only spreads writers over the rows.
        {"shard": random.randrange(SHARDS), "n": 1},  # noqa: S311
        ["shard"],
    )


def _watch_flush(session_: Session, _context, _instances) -> None:
    for obj in session_.new | session_.dirty | session_.deleted:
        if table := getattr(obj, "__tablename__", None):
            note_written(session_, table)


def _watch_statement(state: ORMExecuteState) -> None:
    table = getattr(getattr(state.statement, "table", None), "name", None)
    if table and (state.is_insert or state.is_update or state.is_delete):
        note_written(state.session, table)


def _before_commit(session_: Session) -> None:
    # Flush first: what is still pending only reaches the hooks above then.
    session_.flush()
    if not session_.info.pop(WRITTEN, set()).isdisjoint(PUBLIC_TABLES):
        bump(session_)
        session_.info.pop(WRITTEN, None)  # bump() notes page_version
        if has_app_context() and (feed := current_app.extensions.get(EXTENSION)):
            feed.writing()
            session_.info[BUMPING] = feed


def _after_commit(session_: Session) -> None:
    if (feed := session_.info.pop(BUMPING, None)) is not None:
        feed.written()


def _forget(session_: Session, transaction) -> None:
    # After a commit (already counted), a rollback or a close without either.
    if transaction.parent is None:
        session_.info.pop(WRITTEN, None)
        session_.info.pop(BUMPING, None)


def cacheable() -> bool:
    """Whether this response may come from, and go to, the shared page cache."""
    return (
        request.method in ("GET", "HEAD")
        and not session.get("_flashes")
        and not _signed_in()
    )


def _signed_in() -> bool:
    # Flask-Login keeps a signed-in user's id under "_user_id" in the session
    # (the portal issues no remember-me cookie). Without it nobody can be
    # signed in, and asking current_user would hash the visitor's address and
    # browser for Flask-Login's session protection on every page view.
    return "_user_id" in session and current_user.is_authenticated


def _key(*extra: object, version: int | None = None) -> str:
    version = data_version() if version is None else version
    elder = request.cookies.get(ELDER_COOKIE, "0")
    # The host too: the page names its own address (hreflang links).
    parts = (version, lang(), elder, request.host_url, request.full_path, *extra)
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


def _get(key: str):
    nearby = current_app.extensions[NEARBY]
    value = nearby.get(key)
    if value is not None:
        return value
    try:
        value = cache.get(f"page:{key}")
    except RedisError:
        return None
    if value is not None:
        # Its key names the page version, so the copy held in this process is
        # as current as the shared one, without the round trip.
        nearby.put(key, value)
    return value


def _keep(key: str, value, timeout: int | None = None) -> None:
    current_app.extensions[NEARBY].put(key, value)
    try:
        cache.set(f"page:{key}", value, timeout=timeout)
    except RedisError:
        current_app.logger.warning("page cache unavailable: not kept")


def cached_page(render: Callable[[], tuple[str, int]]):
    """The page from the cache, a 304 when the reader has it, or render() kept."""
    if not cacheable():
        body, status = render()
        return make_response(body, status)
    version = data_version()
    key = _key(version=version)
    etag = key[:32]
    if etag in request.if_none_match:
        response = make_response("", 304)
    else:
        kept = _get(key)
        if kept is None:
            body, status = render()
            if status == 200:
                _keep(key, body)
        else:
            body, status = kept, 200
        response = make_response(body, status)
        if status == 200:
            # Every visitor this request stands for may get these bytes.
            request.environ[frontcache.SHARED] = version
    response.set_etag(etag)
    # Stored, but asked again each time: the ETag makes that cheap.
    response.cache_control.no_cache = True
    return response


def personal_page(
    render: Callable[[], tuple[str, int, int | None]],
    has_own: Callable[[int], bool],
):
    """A page with forms, from a kept copy when nothing on it is the visitor's own.

    render() gives the body, the status and the id of the object whose page it
    is; has_own(id) says whether the visitor has anything of their own there.
    Returns None when the page has to be rendered for this visitor alone.
    """
    if not cacheable():
        return None
    kept = _kept(_key(), render)
    if not isinstance(kept, tuple):
        return kept
    owner, parts, scopes = kept
    if has_own(owner):
        return None
    return _filled(parts, scopes)


def staff_page(render: Callable[[], str], *, day: object, scope: object = None):
    """A staff page for the signed-in user, kept while the data, the user, what
    they may see (`scope`, which changes without the data) and the day (figures
    in working days change with it) stay the same."""
    if session.get("_flashes"):
        return make_response(render(), 200)
    # The user, not the session: every session of theirs shares the page, with
    # its own form token filled in.
    key = _key(f"user:{current_user.id}", day, scope)
    kept = _kept(key, lambda: (render(), 200, None), timeout=STAFF_PAGE_SECONDS)
    return kept if not isinstance(kept, tuple) else _filled(*kept[1:])


def _kept(key: str, render, timeout: int | None = None):
    """The kept (owner, parts, scopes) of a page, rendering and keeping it first
    if need be; or the response itself when it cannot be kept (not a 200)."""
    kept = _get(key)
    if kept is not None:
        return kept
    # Placeholders carry a fresh random mark, so no text on the page (a
    # comment, say) can pass for one.
    mark = secrets.token_hex(8)
    scopes: list[str] = []
    g.started_placeholders = (mark, scopes)
    try:
        body, status, owner = render()
    finally:
        del g.started_placeholders
    if status != 200:
        return make_response(body, status)
    if current_app.config["WTF_CSRF_FIELD_NAME"] in g:
        # This request's token was made for a form on the page.
        body = body.replace(generate_csrf(), f"@@{mark}:csrf@@")
    # Text and placeholders alternate, so filling them in is a join.
    kept = (owner, re.split(rf"@@{mark}:(csrf|started:\d+)@@", body), scopes)
    _keep(key, kept, timeout)
    return kept


def _filled(parts: list[str], scopes: list[str]):
    """The kept page with this visitor's form token and fresh form times."""
    token = generate_csrf() if "csrf" in parts else ""
    body = "".join(
        part
        if i % 2 == 0
        else token
        if part == "csrf"
        else sign_started(scopes[int(part.removeprefix("started:"))])
        for i, part in enumerate(parts)
    )
    response = make_response(body, 200)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def register(app: Flask) -> None:
    """Configure the cache and version the public pages on every commit."""
    if app.config["REDIS_URL"]:
        app.config.setdefault("CACHE_TYPE", "RedisCache")
        app.config.setdefault("CACHE_REDIS_URL", app.config["REDIS_URL"])
    else:
        app.config.setdefault("CACHE_TYPE", "SimpleCache")
    app.config.setdefault("CACHE_DEFAULT_TIMEOUT", 3600)
    app.config.setdefault("CACHE_KEY_PREFIX", "portal:")
    cache.init_app(app)
    app.extensions[NEARBY] = frontcache.Recent(NEARBY_PAGES, NEARBY_SECONDS)
    url = app.config["DATABASE_URL"]
    if app.config["PAGE_VERSION_FEED"] and url.startswith("postgresql"):
        app.extensions[EXTENSION] = VersionFeed(
            url, VERSION_SQL, lambda: read_once(db.reads_engine_for(app), VERSION_SQL)
        )
    frontcache.install(
        app,
        lambda: _version_of(app),
        cookies=(LANG_COOKIE, ELDER_COOKIE),
    )
    if not event.contains(Session, "before_flush", _watch_flush):
        event.listen(Session, "before_flush", _watch_flush)
        event.listen(Session, "do_orm_execute", _watch_statement)
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_transaction_end", _forget)
