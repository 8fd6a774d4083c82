"""Many residents rating at once through a real threaded server: nothing lost,
nothing doubled, no 5xx, on SQLite and on PostgreSQL."""

from __future__ import annotations

import secrets
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from itsdangerous import TimestampSigner, URLSafeSerializer
from sqlalchemy import func, select
from werkzeug.serving import make_server

from portal import create_app
from portal.extensions import db
from portal.models import Commitment, Rating, RatingSummary
from portal.services import ratings
from tests.conftest import TEST_SETTINGS

REQUESTS = 200


@pytest.fixture
def server(app, shipped, database_url):
    """The portal on a free loopback port, one thread per request.

    The resident limit is raised rather than switched off: Flask-Limiter keeps
    one limiter per process, and switching it off would leak into other tests.
    """
    served = create_app(
        {
            **TEST_SETTINGS,
            "DATABASE_URL": database_url,
            "WTF_CSRF_ENABLED": False,
            "LIMIT_RATING_RESIDENT": "100000/minute",
        }
    )
    httpd = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield served, f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    with served.app_context():
        db.dispose()


def _resident_cookie(app) -> str:
    return URLSafeSerializer(app.config["SECRET_KEY"], salt="resident-id").dumps(
        secrets.token_hex(16)
    )


def _post(base: str, cookie: str, started: str, score: int) -> int:
    body = urllib.parse.urlencode({"score": score, "started": started}).encode()
    request = urllib.request.Request(
        f"{base}/c/3.5.8/rating",
        data=body,
        headers={"Cookie": f"resident={cookie}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _fire(served, base, cookies) -> list[int]:
    started = TimestampSigner(served.config["SECRET_KEY"], salt="form-started")
    token = started.sign("RatingForm:3.5.8").decode()
    with ThreadPoolExecutor(max_workers=32) as pool:
        return list(
            pool.map(
                lambda i: _post(base, cookies[i], token, i % 5 + 1),
                range(len(cookies)),
            )
        )


def _totals(session):
    commitment = session.scalar(select(Commitment).where(Commitment.code == "3.5.8"))
    rows = session.scalar(
        select(func.count()).where(Rating.commitment_id == commitment.id)
    )
    summary = session.get(RatingSummary, commitment.id)
    return commitment.id, rows, summary


def test_200_residents_at_once_make_200_ratings(server, session):
    served, base = server
    statuses = _fire(served, base, [_resident_cookie(served) for _ in range(REQUESTS)])
    assert all(status < 500 for status in statuses), statuses
    assert statuses.count(200) == REQUESTS  # redirects followed to the page
    commitment_id, rows, summary = _totals(session)
    assert rows == REQUESTS
    assert summary.count == REQUESTS
    assert ratings.recount(session)[commitment_id] == summary.distribution


def test_200_ratings_at_once_from_one_resident_leave_one(server, session):
    served, base = server
    cookie = _resident_cookie(served)
    statuses = _fire(served, base, [cookie] * REQUESTS)
    assert all(status < 500 for status in statuses), statuses
    commitment_id, rows, summary = _totals(session)
    assert rows == 1
    assert summary.count == 1
    assert ratings.recount(session)[commitment_id] == summary.distribution
