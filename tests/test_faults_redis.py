"""Redis going away: limits fall back to each process's memory, the log says so,
and residents' requests do not fail.

The portal runs in a child process here: Flask-Limiter keeps one limiter per
process, and its "storage is dead" state would otherwise leak into other tests.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import redis
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from portal import create_app
from portal.models import Rating
from tests.conftest import TEST_SETTINGS
from tests.test_concurrency import _resident_cookie

FALLBACK_LOGGED = "per-process limits apply"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(settings: dict, log_path: str, ports) -> None:
    from werkzeug.serving import make_server

    logging.basicConfig(filename=log_path, level=logging.WARNING, force=True)
    httpd = make_server("127.0.0.1", 0, create_app(settings), threaded=True)
    ports.put(httpd.server_port)
    httpd.serve_forever()


@pytest.fixture
def portal(app, shipped, database_url, tmp_path):
    """portal(**settings) -> (base URL, log file) of the portal in a child process."""
    context = multiprocessing.get_context("fork")
    children = []

    def start(**settings):
        log = tmp_path / f"portal-{len(children)}.log"
        ports = context.Queue()
        child = context.Process(
            target=_serve,
            args=(
                {
                    **TEST_SETTINGS,
                    "DATABASE_URL": database_url,
                    "WTF_CSRF_ENABLED": False,
                    **settings,
                },
                str(log),
                ports,
            ),
        )
        child.start()
        children.append(child)
        return f"http://127.0.0.1:{ports.get(timeout=30)}", log

    yield start
    for child in children:
        child.terminate()
        child.join()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _rate(app, base: str, cookie: str, score: int = 4) -> int:
    """Post a rating on 3.5.8 as the resident with this cookie; the status."""
    started = TimestampSigner(app.config["SECRET_KEY"], salt="form-started")
    body = urllib.parse.urlencode(
        {"score": score, "started": started.sign("RatingForm:3.5.8").decode()}
    ).encode()
    request = urllib.request.Request(
        f"{base}/c/3.5.8/rating",
        data=body,
        headers={"Cookie": f"resident={cookie}"},
        method="POST",
    )
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


def _ratings(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Rating))


def test_unreachable_redis_falls_back_to_limits_per_process(app, portal, session):
    base, log = portal(
        REDIS_URL=f"redis://127.0.0.1:{_free_port()}/0",
        LIMIT_RATING_RESIDENT="2/minute",
    )
    cookie = _resident_cookie(app)
    statuses = [_rate(app, base, cookie) for _ in range(3)]
    # Rated, rated again (the rating is changed), then held by this process's limit.
    assert statuses == [303, 303, 429]
    assert _ratings(session) == 1
    text = log.read_text()
    assert text.count(FALLBACK_LOGGED) == 1, text
    assert "WARNING" in text


@pytest.fixture
def own_redis(tmp_path):
    """start() runs a throwaway redis-server on one port; stop() ends it."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is required in CI")
        pytest.skip("redis-server is not installed")
    port = _free_port()
    running = []

    def start() -> str:
        server = subprocess.Popen(  # noqa: S603
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", str(tmp_path)],
            stdout=subprocess.DEVNULL,
        )
        running.append(server)
        client = redis.Redis(port=port, socket_timeout=1)
        for _ in range(50):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.1)
        client.close()
        return f"redis://127.0.0.1:{port}/0"

    def stop() -> None:
        server = running.pop()
        server.kill()
        server.wait()

    yield start, stop, Path(tmp_path), port
    while running:
        stop()


def test_redis_going_away_mid_run_fails_no_request(app, portal, own_redis, session):
    start, stop, _dir, port = own_redis
    base, log = portal(REDIS_URL=start())
    assert _rate(app, base, _resident_cookie(app)) == 303
    counters = redis.Redis(port=port)
    assert counters.keys("*"), "the limits were not counted in Redis"
    counters.close()

    stop()
    statuses = [_rate(app, base, _resident_cookie(app)) for _ in range(5)]
    assert statuses == [303] * 5
    assert _ratings(session) == 6
    assert FALLBACK_LOGGED in log.read_text()

    # Redis back: the portal finds it again by itself (Flask-Limiter retries it
    # after 1, 2, 4 ... seconds) and counts there once more.
    start()
    deadline = time.monotonic() + 15
    counters = redis.Redis(port=port)
    while not counters.keys("*") and time.monotonic() < deadline:
        assert _rate(app, base, _resident_cookie(app)) == 303
        time.sleep(0.5)
    assert counters.keys("*"), "the portal did not go back to Redis"
    counters.close()
