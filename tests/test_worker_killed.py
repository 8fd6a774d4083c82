"""A gunicorn worker killed during a burst of rating posts loses no rating that
was acknowledged: every 303 has its row, none is doubled, the totals add up."""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from portal import create_app
from portal.extensions import db
from portal.models import Commitment, Rating, RatingSummary
from portal.residents import resident_key
from portal.services import ratings
from tests.forms import hidden_fields

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
CODE = "3.5.8"
RESIDENTS = 90
SECRET = "worker-killed-test"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _workers(master: int) -> list[int]:
    path = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in path.read_text().split()]


@pytest.fixture
def gunicorn(tmp_path):
    """The portal under `gunicorn -w 2` on a fresh, initialised SQLite database."""
    if not GUNICORN.exists() or not Path("/proc/self/task").exists():
        if os.environ.get("CI") == "true":
            pytest.fail("gunicorn and Linux /proc are required in CI")
        pytest.skip("needs gunicorn in the venv and Linux /proc")
    env = {
        **os.environ,
        "PORTAL_DATABASE_URL": f"sqlite:///{tmp_path / 'portal.db'}",
        "PORTAL_SECRET_KEY": SECRET,
        # One test client sends every post; the bot traps are tested elsewhere.
        "PORTAL_RATING_MIN_SECONDS": "0",
        "PORTAL_LIMIT_RATING_NETWORK": "100000/minute",
    }
    flask = shutil.which("flask", path=str(GUNICORN.parent))
    subprocess.run(  # noqa: S603
        [flask, "--app", "wsgi", "init-db"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    port = _free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    master = subprocess.Popen(  # noqa: S603
        [str(GUNICORN), "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while len(_workers(master.pid)) < 2 or not _up(base):
            assert master.poll() is None, (tmp_path / "gunicorn.log").read_text()
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        yield master, base, env["PORTAL_DATABASE_URL"]
    finally:
        master.send_signal(signal.SIGTERM)
        master.wait(timeout=30)
        log.close()


def _up(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/c/{CODE}", timeout=5) as response:  # noqa: S310
            return response.status == 200
    except OSError:
        return False


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Resident:
    """One browser: its own cookies, the rating form it was shown, one score."""

    def __init__(self, base: str, score: int):
        self.base = base
        self.score = score
        self.rid = secrets.token_hex(16)
        jar = http.cookiejar.CookieJar()
        cookie = URLSafeSerializer(SECRET, salt="resident-id").dumps(self.rid)
        jar.set_cookie(_cookie("resident", cookie))
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), _NoRedirect
        )
        self.cookie = cookie

    def open_form(self) -> None:
        with self.opener.open(f"{self.base}/c/{CODE}", timeout=30) as response:
            page = response.read().decode()
        self.fields = hidden_fields(page, f"/c/{CODE}/rating")

    def rate(self) -> int | None:
        """The status of the post; None when the connection broke."""
        body = urllib.parse.urlencode({**self.fields, "score": self.score}).encode()
        try:
            with self.opener.open(
                f"{self.base}/c/{CODE}/rating", data=body, timeout=30
            ) as response:
                return response.status
        except urllib.error.HTTPError as error:
            error.close()
            return error.code
        except (OSError, http.client.HTTPException):
            return None


def _cookie(name: str, value: str) -> http.cookiejar.Cookie:
    return http.cookiejar.Cookie(
        0, name, value, None, False, "127.0.0.1", False, False, "/", True,
        False, None, False, None, None, {},
    )  # fmt: skip


def test_a_worker_killed_mid_burst_loses_no_acknowledged_rating(gunicorn):
    master, base, database_url = gunicorn
    residents = [Resident(base, i % 5 + 1) for i in range(RESIDENTS)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(Resident.open_form, residents))

    done = threading.Semaphore(0)
    victims = []

    def kill_a_worker_mid_burst() -> None:
        for _ in range(RESIDENTS // 3):
            done.acquire()
        victim = _workers(master.pid)[0]
        os.kill(victim, signal.SIGKILL)
        victims.append(victim)

    def rate(resident: Resident) -> int | None:
        status = resident.rate()
        done.release()
        return status

    killer = threading.Thread(target=kill_a_worker_mid_burst)
    killer.start()
    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(rate, residents))
    killer.join(timeout=30)

    assert victims, "no worker was killed"
    assert statuses.count(303) >= RESIDENTS // 2, statuses
    # A post on the killed worker may break off unanswered; none may fail.
    assert set(statuses) <= {303, None}, statuses
    # gunicorn replaced the killed worker.
    deadline = time.monotonic() + 15
    while not (len(workers := _workers(master.pid)) == 2 and victims[0] not in workers):
        assert time.monotonic() < deadline, "the killed worker was not replaced"
        time.sleep(0.2)
    assert _up(base)

    app = create_app(
        {"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "TESTING": True}
    )
    acknowledged = {}
    for resident, status in zip(residents, statuses, strict=True):
        if status == 303:
            with app.test_request_context(
                headers={"Cookie": f"resident={resident.cookie}"}
            ):
                acknowledged[resident_key()] = resident.score
    with app.app_context():
        session = db.session
        commitment = session.scalar(select(Commitment).where(Commitment.code == CODE))
        rows = session.scalars(
            select(Rating).where(Rating.commitment_id == commitment.id)
        ).all()
        stored = {row.resident_key: row.score for row in rows}
        assert len(stored) == len(rows), "a resident's rating was stored twice"
        lost = {k: v for k, v in acknowledged.items() if stored.get(k) != v}
        assert not lost, f"{len(lost)} acknowledged ratings are missing"
        # Only posts that were sent left a row (a broken-off one may have).
        assert len(rows) <= RESIDENTS
        summary = session.get(RatingSummary, commitment.id)
        assert summary.count == len(rows)
        assert ratings.recount(session)[commitment.id] == summary.distribution
        db.dispose()
