"""CPU instructions per request, counted by valgrind, against a Flask hello world.

    python -m tests.benchmarks.instructions [--database-url URL] [--requests 300]
        [--redis-url redis://127.0.0.1:6379/13 | --no-redis]

On a shared machine the load benchmark's rates drift by a third within one
run; an instruction count does not. This builds a small database as
tests.benchmarks.pages does (the shipped report, 2,000 demonstration
ratings, 100 comments, a district-wide official), then, for each request
below, starts one Python under `valgrind --tool=callgrind --instr-atstart=no`
that builds the app, sends the request 100 times untimed, and has callgrind
count only the next --requests calls of the WSGI app (callgrind_control
switches counting on and off around them). Each request is a prepared WSGI
environ, with no test client in between:

- hello world: tests.benchmarks.pages:hello_app(), the load benchmark's baseline;
- card list: `/` with no cookies (a first visit; kept in each process);
- commitment page: `/c/3.5.8` with no cookies (kept, form token filled in);
- dashboard: `/dashboard/` with a signed-in official's cookies (kept);
- rating post: a first rating by a new resident each time, as the load
  benchmark's posts (session cookie and form fields from one GET).

The "x hello" column is hello world's count over the page's: the share of
hello world's rate the page could reach if the CPU were all that counted
(gunicorn, wrk, the kernel and, on PostgreSQL, the server add their own
costs to every request, so the load benchmark's ratios are higher for the
costlier pages). Needs `apt-get install -y valgrind`.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

import redis
from werkzeug.test import EnvironBuilder

from portal import create_app
from portal.extensions import db
from portal.residents import _serializer
from tests.benchmarks.load import GENEROUS, LIMITS
from tests.benchmarks.pages import PASSWORD, build, hello_app, release
from tests.forms import hidden_fields, send

CASES = ("hello world", "card list", "commitment page", "dashboard", "rating post")
COMMITMENT = "3.5.8"
WARM_UP = 100


def _environs(case: str, app, count: int) -> list[dict]:
    """count WSGI environs for this case (distinct residents for posts)."""
    if case in ("hello world", "card list"):
        return [EnvironBuilder(path="/").get_environ()]
    if case == "commitment page":
        return [EnvironBuilder(path=f"/c/{COMMITMENT}").get_environ()]
    client = app.test_client()
    if case == "dashboard":
        signed_in = send(
            client,
            "/staff/sign-in",
            "/staff/sign-in",
            {"username": "bench", "password": PASSWORD},
        )
        assert signed_in.status_code == 303, signed_in.status_code
        cookie = f"session={client.get_cookie('session').value}"
        return [
            EnvironBuilder(path="/dashboard/", headers={"Cookie": cookie}).get_environ()
        ]
    action = f"/c/{COMMITMENT}/rating"
    fields = hidden_fields(
        client.get(f"/c/{COMMITMENT}").get_data(as_text=True), action
    )
    session = client.get_cookie("session").value
    body = urllib.parse.urlencode({**fields, "website": "", "score": 4}).encode()
    with app.test_request_context():
        residents = [_serializer().dumps(secrets.token_hex(16)) for _ in range(count)]
    return [
        EnvironBuilder(
            path=action,
            method="POST",
            data=body,
            content_type="application/x-www-form-urlencoded",
            headers={"Cookie": f"session={session}; resident={resident}"},
        ).get_environ()
        for resident in residents
    ]


def child(case: str, url: str, requests: int) -> None:
    """Under valgrind: warm up, then count `requests` calls of the WSGI app."""
    if case == "hello world":
        app = hello_app()
    else:
        app = create_app({"SECRET_KEY": "benchmark", "DATABASE_URL": url})
    environs = _environs(case, app, WARM_UP + requests)
    expected = "303" if case == "rating post" else "200"

    def call(i: int) -> None:
        status = []
        environ = dict(environs[i % len(environs)])
        b"".join(app(environ, lambda s, h, e=None: status.append(s)))
        assert status[0].startswith(expected), (case, status[0])

    for i in range(WARM_UP):
        call(i)
    pid = str(os.getpid())
    subprocess.run(
        ["callgrind_control", "-i", "on", pid], check=True, capture_output=True
    )
    for i in range(WARM_UP, WARM_UP + requests):
        call(i)
    subprocess.run(
        ["callgrind_control", "-i", "off", pid], check=True, capture_output=True
    )


def counted(case: str, url: str, requests: int, env: dict) -> int:
    """Instructions per request of one case, in a Python of its own under valgrind."""
    with tempfile.TemporaryDirectory() as folder:
        result = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--instr-atstart=no",
                f"--callgrind-out-file={folder}/out",
                sys.executable,
                "-m",
                "tests.benchmarks.instructions",
                "--child",
                case,
                "--database-url",
                url,
                "--requests",
                str(requests),
            ],  # fmt: skip
            capture_output=True,
            text=True,
            env=env,
        )
    found = re.search(r"Collected : (\d+)", result.stderr)
    if result.returncode or not found:
        raise SystemExit(f"{case}: valgrind failed\n{result.stderr[-3000:]}")
    return int(found.group(1)) // requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--no-redis", action="store_true")
    parser.add_argument("--child", choices=CASES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.database_url, args.requests)
        return
    env = {
        **os.environ,
        "PORTAL_RATING_MIN_SECONDS": "0",
        **{f"PORTAL_{name}": GENEROUS for name in LIMITS},
    }
    if not args.no_redis:
        redis.Redis.from_url(args.redis_url).flushdb()
        env["PORTAL_REDIS_URL"] = args.redis_url
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        app = build(url, 2000, 100)
        with app.app_context():
            db.dispose()
        counts = {case: counted(case, url, args.requests, env) for case in CASES}
        release(app, url)
    hello = counts["hello world"]
    print(f"\n{url.split('@')[-1]}, Redis {env.get('PORTAL_REDIS_URL', 'none')}, "
          f"{args.requests} requests each\n")  # fmt: skip
    print("| request | instructions | x hello |")
    print("| --- | --- | --- |")
    for case, n in counts.items():
        print(f"| {case} | {n:,} | {hello / n:.3f} |")


if __name__ == "__main__":
    main()
