"""With PORTAL_REDIS_URL set, separate app processes share the abuse limits."""

from __future__ import annotations

import multiprocessing
import os
import secrets
import uuid

import pytest
import redis

from portal import create_app
from tests.conftest import TEST_SETTINGS
from tests.forms import send
from tests.test_concurrency import _post, _resident_cookie

REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _serve(settings: dict, ports) -> None:
    from werkzeug.serving import make_server

    httpd = make_server("127.0.0.1", 0, create_app(settings), threaded=True)
    ports.put(httpd.server_port)
    httpd.serve_forever()


@pytest.fixture
def redis_url():
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is required in CI at {REDIS_URL}")
        pytest.skip(f"no Redis at {REDIS_URL}")
    return REDIS_URL


def _two_processes(settings: dict):
    context = multiprocessing.get_context("fork")
    ports = context.Queue()
    workers = [context.Process(target=_serve, args=(settings, ports)) for _ in "ab"]
    for worker in workers:
        worker.start()
    return workers, [f"http://127.0.0.1:{ports.get(timeout=30)}" for _ in workers]


@pytest.mark.parametrize(("storage", "accepted"), [("redis", 3), ("memory", 6)])
def test_limits_hold_across_processes_only_with_redis(
    app, shipped, database_url, redis_url, storage, accepted
):
    settings = {
        **TEST_SETTINGS,
        "DATABASE_URL": database_url,
        "WTF_CSRF_ENABLED": False,
        "LIMIT_RATING_RESIDENT": "3/minute",
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        "REDIS_URL": redis_url if storage == "redis" else None,
    }
    workers, bases = _two_processes(settings)
    try:
        cookie = _resident_cookie(app)
        from itsdangerous import TimestampSigner

        started = TimestampSigner(app.config["SECRET_KEY"], salt="form-started")
        token = started.sign("RatingForm:3.5.8").decode()
        statuses = [
            _post(bases[i % 2], cookie, token, secrets.choice(range(1, 6)))
            for i in range(8)
        ]
    finally:
        for worker in workers:
            worker.terminate()
            worker.join()
    assert statuses.count(200) == accepted, statuses
    assert statuses.count(429) == 8 - accepted


def test_an_app_with_limits_off_does_not_turn_them_off_for_the_next(make_app, shipped):
    make_app(RATELIMIT_ENABLED=False)
    client = make_app(LIMIT_RATING_RESIDENT="1/minute").test_client()
    send(client, "/c/3.5.8", "/c/3.5.8/rating", {"score": "4"})
    response = send(client, "/c/3.5.8", "/c/3.5.8/rating", {"score": "5"})
    assert response.status_code == 429
