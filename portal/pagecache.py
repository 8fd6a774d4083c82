"""Public pages kept rendered while what they show is unchanged, with ETags.

A page's key is the data version (commitments' last change, rating totals,
published-comment totals, and a generation number bumped whenever a report,
area, topic or unit changes), the reader's language and text size, and the
address. Only visitors without a staff session or a pending message are
served from the cache: such pages hold nothing of one visitor's own. The cache
is Flask-Caching's: Redis when PORTAL_REDIS_URL is set, so every process
shares it; otherwise each process keeps its own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import Flask, current_app, make_response, request, session
from flask_login import current_user
from redis.exceptions import RedisError
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from portal.extensions import cache, db
from portal.i18n import lang
from portal.models import (
    Area,
    Commitment,
    FeedbackWeek,
    RatingSummary,
    Report,
    Topic,
    Unit,
)
from portal.views.pages import ELDER_COOKIE

GENERATION = "pages:generation"
CATALOGUE = (Report, Area, Topic, Unit)


def data_version(session_: Session) -> str:
    """What the public pages show, in one string that changes when any of it does."""
    changed, cards = session_.execute(
        select(func.max(Commitment.updated_at), func.count(Commitment.id))
    ).one()
    ratings = session_.execute(
        select(
            func.coalesce(func.sum(RatingSummary.count), 0),
            func.coalesce(func.sum(RatingSummary.total), 0),
        )
    ).one()
    comments = session_.scalar(
        select(
            func.coalesce(
                func.sum(
                    FeedbackWeek.positive + FeedbackWeek.negative + FeedbackWeek.unclear
                ),
                0,
            )
        )
    )
    return f"{_generation()}|{changed}|{cards}|{ratings[0]}|{ratings[1]}|{comments}"


def _generation() -> int:
    try:
        return int(cache.get(GENERATION) or 0)
    except (RedisError, ValueError):
        return 0


def _bump_generation() -> None:
    """A report, area, topic or unit changed: every kept page is out of date."""
    try:
        # Not atomic, and it need not be: two bumps at once still change it.
        cache.set(GENERATION, _generation() + 1, timeout=0)
    except RedisError:
        current_app.logger.warning("page cache unavailable: could not invalidate")


def _watch_catalogue(session_: Session, _context, _instances) -> None:
    touched = session_.new | session_.dirty | session_.deleted
    if any(isinstance(obj, CATALOGUE) for obj in touched):
        session_.info["catalogue_changed"] = True


def _after_commit(session_: Session) -> None:
    if session_.info.pop("catalogue_changed", False):
        _bump_generation()


def cacheable() -> bool:
    """Whether this response may come from, and go to, the shared page cache."""
    return (
        request.method in ("GET", "HEAD")
        and not current_user.is_authenticated
        and not session.get("_flashes")
    )


def cached_page(render: Callable[[], tuple[str, int]]):
    """The page from the cache, a 304 when the reader has it, or render() kept."""
    if not cacheable():
        body, status = render()
        return make_response(body, status)
    elder = request.cookies.get(ELDER_COOKIE, "0")
    version = data_version(db.session)
    key = hashlib.sha256(
        f"{version}|{lang()}|{elder}|{request.full_path}".encode()
    ).hexdigest()
    etag = key[:32]
    if etag in request.if_none_match:
        response = make_response("", 304)
    else:
        try:
            kept = cache.get(f"page:{key}")
        except RedisError:
            kept = None
        if kept is None:
            body, status = render()
            if status == 200:
                try:
                    cache.set(f"page:{key}", body)
                except RedisError:
                    current_app.logger.warning("page cache unavailable: not kept")
        else:
            body, status = kept, 200
        response = make_response(body, status)
    response.set_etag(etag)
    # Stored, but asked again each time: the ETag makes that cheap.
    response.cache_control.no_cache = True
    return response


def register(app: Flask) -> None:
    """Configure the cache and watch for catalogue changes."""
    if app.config["REDIS_URL"]:
        app.config.setdefault("CACHE_TYPE", "RedisCache")
        app.config.setdefault("CACHE_REDIS_URL", app.config["REDIS_URL"])
    else:
        app.config.setdefault("CACHE_TYPE", "SimpleCache")
    app.config.setdefault("CACHE_DEFAULT_TIMEOUT", 3600)
    app.config.setdefault("CACHE_KEY_PREFIX", "portal:")
    cache.init_app(app)
    if not event.contains(Session, "before_flush", _watch_catalogue):
        event.listen(Session, "before_flush", _watch_catalogue)
        event.listen(Session, "after_commit", _after_commit)
