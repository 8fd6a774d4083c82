"""Rating posts for the load benchmark: pre-made residents posting real forms
from wrk (a Lua script), a run that kills gunicorn mid-burst, and the checks
that nothing acknowledged was lost or stored twice."""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import random
import re
import secrets
import signal
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Commitment, Rating, RatingSummary, Report
from portal.residents import _keyed_hash, _serializer
from portal.services import ratings
from tests.benchmarks.serving import FORM, Server, fetch, new_opener, wrk
from tests.forms import hidden_fields

# Each wrk thread takes every n-th line (path, cookie header, body) of the file.
POST_LUA = r"""
local made, threads = 0, {}
function setup(thread)
  thread:set("id", made)
  made = made + 1
  table.insert(threads, thread)
end
function init(args)
  local n = tonumber(args[2])
  lines, index, sent, acked, other, wrapped = {}, 0, 0, 0, 0, 0
  local i = 0
  for line in io.lines(args[1]) do
    if i % n == id then
      local path, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
      table.insert(lines, {path, cookie, body})
    end
    i = i + 1
  end
end
function request()
  index = index + 1
  if index > #lines then index, wrapped = 1, wrapped + 1 end
  local l = lines[index]
  sent = sent + 1
  return wrk.format("POST", l[1], {["Cookie"] = l[2],
    ["Content-Type"] = "application/x-www-form-urlencoded"}, l[3])
end
function response(status, headers, body)
  if status == 303 then acked = acked + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local s, a, o, w = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    s, a = s + t:get("sent"), a + t:get("acked")
    o, w = o + t:get("other"), w + t:get("wrapped")
  end
  io.write(string.format("POSTS sent=%d acked=%d other=%d wrapped=%d\n", s, a, o, w))
end
"""


@dataclass
class Resident:
    """A pre-made resident: its cookie header, form body, key and score."""

    path: str
    cookie: str
    body: str
    key: str
    code: str
    score: int


def make_residents(app, base: str, count: int, forms: int) -> list[Resident]:
    """count residents over every open commitment, form tokens from `forms` GETs.

    Each GET of a commitment page gives a session cookie with its CSRF token
    and the signed `started` field, as a browser would get them; residents
    differ by their own signed `resident` cookie (the key the rating is
    stored under), shared out over those sessions.
    """
    with app.app_context():
        codes = list(
            db.session.scalars(
                select(Commitment.code)
                .join(Report)
                .where(Report.is_current, Commitment.retired_at.is_(None))
                .order_by(Commitment.id)
            )
        )
    tokens = []
    for i in range(forms):
        code = codes[i % len(codes)]
        opener = new_opener()
        status, page = fetch(opener, f"{base}/c/{code}")
        assert status == 200, (code, status)
        fields = hidden_fields(page, f"/c/{code}/rating")
        session = "; ".join(f"{c.name}={c.value}" for c in opener.jar)
        tokens.append((code, session, fields))
    out = []
    with app.test_request_context():
        for i in range(count):
            code, session, fields = tokens[i % len(tokens)]
            rid = secrets.token_hex(16)
            score = random.randint(1, 5)
            body = urllib.parse.urlencode({**fields, "website": "", "score": score})
            out.append(
                Resident(
                    path=f"/c/{code}/rating",
                    cookie=f"{session}; resident={_serializer().dumps(rid)}",
                    body=body,
                    key=_keyed_hash("resident", rid),
                    code=code,
                    score=score,
                )
            )
    return out


def stored(app, keys: set[str] | None = None) -> dict[tuple[str, str], int]:
    """The benchmark's rating rows, (resident key, commitment) -> score."""
    with app.app_context():
        rows = db.session.execute(
            select(Rating.resident_key, Commitment.code, Rating.score)
            .join(Commitment)
            .where(Rating.is_demo.is_(False))
        ).all()
    return {
        (key, code): score for key, code, score in rows if keys is None or key in keys
    }


def integrity(app) -> tuple[list[str], bool]:
    """Duplicates, rating_summary against a recount, and `insights check`."""
    lines = []
    with app.app_context():
        session = db.session
        total = session.scalar(
            select(func.count()).select_from(Rating).where(Rating.is_demo.is_(False))
        )
        pairs = session.execute(
            select(func.count()).select_from(
                select(Rating.commitment_id, Rating.resident_key)
                .where(Rating.is_demo.is_(False))
                .distinct()
                .subquery()
            )
        ).scalar_one()
        lines.append(
            f"benchmark rating rows {total}, distinct (commitment, resident) {pairs}"
            f" -> duplicates {total - pairs}"
        )
        counted = ratings.recount(session)
        kept = {
            s.commitment_id: {1: s.n1, 2: s.n2, 3: s.n3, 4: s.n4, 5: s.n5}
            for s in session.scalars(select(RatingSummary))
            if s.count
        }
        sums_ok = all(
            s.count == sum(counted.get(s.commitment_id, {}).values())
            and s.total
            == sum(k * n for k, n in counted.get(s.commitment_id, {}).items())
            for s in session.scalars(select(RatingSummary))
        )
        same = kept == counted and sums_ok
        lines.append(
            f"rating_summary equals a recount of the rating rows: {same}"
            f" ({sum(sum(c.values()) for c in counted.values()):,} counted ratings)"
        )
        session.close()
    result = app.test_cli_runner().invoke(args=["insights", "check"])
    lines.append(f"insights check: {result.output.strip()} (exit {result.exit_code})")
    return lines, total == pairs and same and result.exit_code == 0


def wrk_posts(server: Server, residents: list[Resident], folder: Path, args, probe):
    """wrk posting ratings, the probe as other residents; result, Lua's counts."""
    data = folder / "residents.tsv"
    data.write_text(
        "".join(f"{r.path}\t{r.cookie}\t{r.body}\n" for r in residents),
        encoding="utf-8",
    )
    script = folder / "post.lua"
    script.write_text(POST_LUA)
    result = wrk(
        server.url,
        args,
        ["--script", str(script)],
        [str(data), str(args.threads)],
        [
            ("POST", r.path, {"Cookie": r.cookie, "Content-Type": FORM}, r.body)
            for r in probe
        ],
    )
    counts = dict(
        (k, int(v))
        for k, v in re.findall(r"(\w+)=(\d+)", result.output.split("POSTS")[-1])
    )
    result.errors = counts["other"]
    return result, counts


def killed_run(server: Server, residents: list[Resident], seconds: float):
    """Post from Python threads; SIGKILL a worker midway, then everything.

    Returns (acknowledged, unanswered): residents whose post got a 303, and
    those whose post got no answer (connection cut by a kill).
    """
    acked: list[Resident] = []
    unanswered: list[Resident] = []
    lock = threading.Lock()
    stop = threading.Event()
    queue = iter(residents)

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        while not stop.is_set():
            with lock:
                resident = next(queue, None)
            if resident is None:
                return
            try:
                connection.request(
                    "POST",
                    resident.path,
                    resident.body,
                    {
                        "Cookie": resident.cookie,
                        "Content-Type": "application/x-www-form-urlencoded",
                    },
                )
                response = connection.getresponse()
                response.read()
                with lock:
                    (acked if response.status == 303 else unanswered).append(resident)
            except (OSError, http.client.HTTPException):
                with lock:
                    unanswered.append(resident)
                connection.close()
                connection = http.client.HTTPConnection(
                    "127.0.0.1", server.port, timeout=30
                )

    threads = [threading.Thread(target=client) for _ in range(16)]
    for t in threads:
        t.start()
    time.sleep(seconds / 2)
    victim = server.workers()[0]
    os.kill(victim, signal.SIGKILL)
    print(f"  SIGKILL worker {victim} after {seconds / 2:.0f} s")
    time.sleep(seconds / 2)
    server.kill_all()
    print("  SIGKILL master and all workers with posts in flight")
    stop.set()
    for t in threads:
        t.join()
    return acked, unanswered
