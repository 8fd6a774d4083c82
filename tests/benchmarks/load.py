"""The portal under gunicorn and a real load generator, against a Flask hello world.

    python -m tests.benchmarks.load [--database-url URL] [--ratings 1000000]
        [--comments 100000] [--duration 15s] [--connections 32]
        [--redis-url redis://127.0.0.1:6379/14 | --no-redis]

Builds a fresh database as tests.benchmarks.pages does (the shipped report,
`demo load`, `insights themes`, an official "bench"), then starts two gunicorn
servers on free loopback ports with the same gunicorn.conf.py settings (sync
workers, 2 x cores + 1 unless PORTAL_WORKERS says otherwise; access log off for
both; rate limits and kept pages in Redis, as several processes need, unless
--no-redis): the portal (wsgi:app) and the smallest Flask page
(tests.benchmarks.pages:hello_app()). wrk (Debian's `wrk`) then loads each for
--duration with --connections connections and 2 threads: hello world, the card
list, a commitment page, the district dashboard (as the signed-in official),
rating posts, and hello world again. The ratio column is requests per second
over the mean of the two hello-world runs.

Rates come from wrk, latencies from tests.benchmarks.probe: on this VM
wrk's latency histogram contradicts its own request counts (which match
gunicorn's access log). During each timed run the probe sends wrk's request
(same headers and cookies; for rating posts, residents of its own that the
checks below leave out) one at a time, timing connect to end of body; its
mean should be near connections / (requests per second) by Little's law.
wrk's own p50/p99 are printed too, marked as not trusted.

Rating posts are real form posts: a Lua script cycles through pre-made
residents, each with its own signed `resident` cookie, spread over every open
commitment, with a session cookie, CSRF token and `started` field taken from
a GET of that commitment's page. Each wrk thread owns a disjoint slice, so a
resident posts once unless the slice runs out (reported as "wrapped").

Afterwards, in this process: every rating row made by the benchmark (the only
rows with is_demo false) is counted against the 303s wrk saw (stored must lie
between acknowledged and sent, with no duplicates), rating_summary is
compared with a recount from the rating rows, and `insights check` recounts
every other kept total. Then a second, Python-driven rating run SIGKILLs one
gunicorn worker midway and, at the end, the whole server (master and workers)
while posts are in flight; every post that got its 303 must be stored with
its score.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import http.cookiejar
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import redis
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Commitment, Rating, RatingSummary, Report
from portal.residents import _keyed_hash, _serializer
from portal.services import ratings
from tests.benchmarks.pages import PASSWORD, build, release
from tests.benchmarks.probe import Latency, Probe, gets, seconds
from tests.forms import hidden_fields

ROOT = Path(__file__).resolve().parents[2]
SECRET = "load-benchmark"
COMMITMENT = "3.5.8"
GENEROUS = "10000000/minute"
FORM = "application/x-www-form-urlencoded"
LIMITS = (
    "LIMIT_RATING_RESIDENT",
    "LIMIT_RATING_NETWORK",
    "LIMIT_COMMENT_RESIDENT",
    "LIMIT_COMMENT_NETWORK",
    "LIMIT_FLAG_RESIDENT",
    "LIMIT_FLAG_NETWORK",
)

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
class Result:
    """One wrk run: rate, failures, wrk's (not trusted) and the probe's latency."""

    rps: float
    wrk_p50: float
    wrk_p99: float
    errors: int
    output: str
    latency: Latency = field(default_factory=Latency)
    p50 = property(lambda self: self.latency.percentile(50))
    p99 = property(lambda self: self.latency.percentile(99))


@dataclass
class Resident:
    """A pre-made resident: its cookie header, form body, key and score."""

    path: str
    cookie: str
    body: str
    key: str
    code: str
    score: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn -c gunicorn.conf.py APP on a free loopback port."""

    def __init__(self, app: str, env: dict[str, str], log: Path):
        self.port = free_port()
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", app],
            cwd=ROOT,
            env={
                **os.environ,
                **env,
                "PORTAL_BIND": f"127.0.0.1:{self.port}",
                "PORTAL_ACCESS_LOG": "",
            },
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.url = f"http://127.0.0.1:{self.port}"

    def wait(self, workers: int) -> None:
        """Until the port answers and every worker has started."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {self.log.name}")
            try:
                urllib.request.urlopen(self.url + "/", timeout=5).read()
                if len(self.workers()) >= workers:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"gunicorn did not start; see {self.log.name}")

    def workers(self) -> list[int]:
        """The worker processes: the master's children."""
        pid = self.process.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        except OSError:
            return []
        return [int(p) for p in children.split()]

    def kill_all(self) -> None:
        """SIGKILL the master and every worker at once, as a crash would."""
        for pid in [self.process.pid, *self.workers()]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", value).groups()
    scale = {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000}
    return float(number) * scale[unit]


def wrk(url: str, args, options=(), script_args=(), probe=None) -> Result:
    """Run wrk against url and read its summary; with probe, time those requests."""
    command = [
        "wrk",
        f"--threads={args.threads}",
        f"--connections={args.connections}",
        f"--duration={args.duration}",
        "--timeout=10s",
        "--latency",
        *options,
        url,
        *(["--", *script_args] if script_args else []),
    ]
    port = urllib.parse.urlsplit(url).port
    with Probe(port, probe, seconds(args.duration)) as running:
        run = subprocess.run(command, capture_output=True, text=True, check=True)
    output, latency = run.stdout, running.result
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    if re.search(r"^\s+0 requests in", output, re.M):
        # Nothing answered within the run: no latency to read.
        return Result(rps, float("inf"), float("inf"), 0, output, latency)
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(match.group(1))
    if match := re.search(r"Socket errors: (.*)", output):
        errors += sum(int(n) for n in re.findall(r"\d+", match.group(1)))
    return Result(rps, p50, p99, errors, output, latency)


def drain(server: Server, workers: int, path: str = "/healthz") -> None:
    """Wait until requests wrk left queued at the server have been served.

    Connections wrk opened but the workers had not yet accepted are still
    served after wrk stops; a few probes queue behind them, so the next run
    starts on an idle server.
    """
    for _ in range(workers):
        urllib.request.urlopen(server.url + path, timeout=120).read()
    time.sleep(1)


def _opener() -> urllib.request.OpenerDirector:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(jar), NoRedirect
    )
    opener.jar = jar
    return opener


def _fetch(opener, url: str, data: dict | None = None) -> tuple[int, str]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with opener.open(url, body, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def official_cookie(base: str) -> str:
    """Sign the benchmark official in through the form; their session cookie."""
    opener = _opener()
    _, page = _fetch(opener, base + "/staff/sign-in")
    fields = hidden_fields(page, "/staff/sign-in")
    status, _ = _fetch(
        opener,
        base + "/staff/sign-in",
        {**fields, "username": "bench", "password": PASSWORD},
    )
    assert status == 303, f"sign-in answered {status}"
    status, _ = _fetch(opener, base + "/dashboard/")
    assert status == 200, f"dashboard answered {status}"
    return "; ".join(f"{c.name}={c.value}" for c in opener.jar)


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
        opener = _opener()
        status, page = _fetch(opener, f"{base}/c/{code}")
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


HEADER = (
    "| page | req/s (wrk) | p50 ms | p99 ms | mean ms | conns/rate ms | probe n"
    " | x hello | errors wrk/probe | wrk p50/p99 ms, not trusted | target | |"
)


def row(name: str, r: Result, base: float, target: str, ok: bool | None, conns):
    """A table row; p50/p99/mean/n from the probe, conns/rate from Little's law."""
    verdict = "" if ok is None else ("pass" if ok else "FAIL")
    n, ran_out = len(r.latency.samples), " (ran out)" * r.latency.exhausted
    return (
        f"| {name} | {r.rps:,.0f} | {r.p50:.1f} | {r.p99:.1f} | {r.latency.mean:.1f}"
        f" | {conns / r.rps * 1000:.1f} | {n:,}{ran_out} | {r.rps / base:.3f}"
        f" | {r.errors}/{r.latency.errors} | {r.wrk_p50:.1f}/{r.wrk_p99:.1f}"
        f" | {target} | {verdict} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--ratings", type=int, default=1_000_000)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--duration", default="15s")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--residents", type=int, default=40_000)
    parser.add_argument("--forms", type=int, default=220, help="commitment-page GETs")
    parser.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/14",
        help="emptied first; several workers share limits and pages through it",
    )
    parser.add_argument("--no-redis", action="store_true", help="per-process only")
    args = parser.parse_args()
    redis_url = None if args.no_redis else args.redis_url
    if redis_url:
        try:
            redis.Redis.from_url(redis_url).flushdb()
        except redis.exceptions.ConnectionError:
            raise SystemExit(f"No Redis at {redis_url}; or --no-redis") from None
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    workers = int(os.environ.get("PORTAL_WORKERS") or 2 * os.cpu_count() + 1)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
        app = build(url, args.ratings, args.comments)
        app.config["SECRET_KEY"] = SECRET
        with app.app_context():
            db.dispose()
        env = {
            "PORTAL_DATABASE_URL": url,
            "PORTAL_SECRET_KEY": SECRET,
            "PORTAL_RATING_MIN_SECONDS": "0",
            "PORTAL_WORKERS": str(workers),
            **{f"PORTAL_{name}": GENEROUS for name in LIMITS},
            **({"PORTAL_REDIS_URL": redis_url} if redis_url else {}),
        }
        hello = Server("tests.benchmarks.pages:hello_app()", env, folder / "h.log")
        portal = Server("wsgi:app", env, folder / "portal.log")
        results: dict[str, Result] = {}
        try:
            hello.wait(workers)
            portal.wait(workers)
            print(f"gunicorn: {workers} sync workers each, Redis "
                  f"{redis_url or 'none'}; wrk {args.threads} "
                  f"threads, {args.connections} connections, {args.duration}; "
                  f"load average before {os.getloadavg()[0]:.2f}")  # fmt: skip
            cookie = official_cookie(portal.url)
            started = time.perf_counter()
            residents = make_residents(app, portal.url, args.residents, args.forms)
            print(f"  {len(residents):,} residents, {args.forms} form GETs: "
                  f"{time.perf_counter() - started:.1f} s")  # fmt: skip
            runs = [
                ("hello world", hello.url + "/", []),
                ("card list", portal.url + "/", []),
                ("commitment page", f"{portal.url}/c/{COMMITMENT}", []),
                ("dashboard", portal.url + "/dashboard/", ["-H", f"Cookie: {cookie}"]),
            ]
            for label, target, options in runs:
                warm = argparse.Namespace(threads=1, connections=workers, duration="3s")
                server, probe = (
                    (portal, "/healthz")
                    if target.startswith(portal.url)
                    else (hello, "/")
                )
                wrk(target, warm, options)  # templates compiled, pools filled
                drain(server, workers, probe)
                results[label] = wrk(target, args, options, probe=gets(target, options))
                drain(server, workers, probe)
                print(f"  {label}: {results[label].rps:,.0f} req/s")
            # The probe's own residents: not in `residents`, so not in the checks.
            probers = make_residents(app, portal.url, 3000, 10)
            results["rating posts"], counts = wrk_posts(
                portal, residents, folder, args, probers
            )
            print(f"  rating posts: {results['rating posts'].rps:,.0f} req/s {counts}")
            drain(portal, workers)
            results["hello world (again)"] = wrk(
                hello.url + "/", args, probe=gets(hello.url + "/")
            )
            load_after = os.getloadavg()[0]
            used = residents[: counts["sent"]] if not counts["wrapped"] else residents
            rows = stored(app, {r.key for r in residents})
            posted = len(rows)
            scores_ok = all(rows.get((r.key, r.code), r.score) == r.score for r in used)
            checks = [
                f"wrk: {counts['sent']:,} posts sent, {counts['acked']:,} answered "
                f"303, {counts['other']} other answers, wrapped {counts['wrapped']}",
                f"rows stored for those residents: {posted:,} "
                f"(must lie between answered and sent: "
                f"{counts['acked'] <= posted <= counts['sent']})",
                "every stored score is the one posted: " + str(scores_ok),
            ]
            print("  killed-process run:")
            fresh = make_residents(app, portal.url, 20_000, 20)
            acked, unanswered = killed_run(portal, fresh, 10)
        finally:
            hello.stop()
            portal.stop()
        after = stored(app, {r.key for r in fresh})
        lost = [r for r in acked if after.get((r.key, r.code)) != r.score]
        extra = len(after) - len(acked)
        checks += [
            f"killed run: {len(acked):,} posts answered 303, {len(unanswered)} cut "
            f"off by the kills; answered but not stored (or wrong score): "
            f"{len(lost)}; stored without an answer (in flight at a kill): {extra}",
        ]
        lines, consistent = integrity(app)
        checks += lines
        base = (results["hello world"].rps + results["hello world (again)"].rps) / 2
        card, page = results["card list"], results["commitment page"]
        posts, dash = results["rating posts"], results["dashboard"]
        whole = (
            counts["other"] == 0
            and counts["acked"] <= posted <= counts["sent"]
            and scores_ok
            and not lost
            and consistent
        )
        print(f"\n{url.split('@')[-1].split('?')[0]}: load average "
              f"{load_after:.2f} after the wrk runs\n")  # fmt: skip
        c = args.connections
        print(HEADER)
        print("|" + " --- |" * HEADER.count(" |"))
        print(row("hello world", results["hello world"], base, "", None, c))
        print(row("card list", card, base, ">= 0.5, p99 < 50 ms",
                  card.rps / base >= 0.5 and card.p99 < 50, c))  # fmt: skip
        print(row("commitment page", page, base, ">= 0.3",
                  page.rps / base >= 0.3, c))  # fmt: skip
        print(row("rating posts", posts, base, ">= 0.15, nothing lost",
                  posts.rps / base >= 0.15 and whole, c))  # fmt: skip
        print(row("dashboard", dash, base, "p50 < 50 ms", dash.p50 < 50, c))
        print(row("hello world (again)", results["hello world (again)"], base, "",
                  None, c))  # fmt: skip
        print(f"\nRates and wrk errors from wrk; p50/p99/mean/n/probe errors from "
              f"one more client sending the same request one at a time (see "
              f"tests/benchmarks/probe.py); conns/rate = {c} / req/s, the mean "
              f"Little's law expects. wrk's own latencies: NOT trusted.\n")  # fmt: skip
        for line in checks:
            print(f"- {line}")
        release(app, url)


if __name__ == "__main__":
    main()
