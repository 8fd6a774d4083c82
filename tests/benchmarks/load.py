"""The portal under gunicorn and a real load generator, against a Flask hello world.

    python -m tests.benchmarks.load [--database-url URL] [--ratings 1000000]
        [--comments 100000] [--duration 15s] [--connections 32]
        [--redis-url redis://127.0.0.1:6379/14 | --no-redis]

Builds a fresh database as tests.benchmarks.pages does (the shipped report,
`demo load`, `insights themes`, an official "bench"), then starts two gunicorn
servers on free loopback ports with the same gunicorn.conf.py settings (sync
workers, cores + 1 unless PORTAL_WORKERS says otherwise; access log off for
both; rate limits and kept pages in Redis, as several processes need, unless
--no-redis): the portal (wsgi:app) and the smallest Flask page
(tests.benchmarks.pages:hello_app()). wrk (Debian's `wrk`) then loads each for
--duration with --connections connections and 2 threads: hello world, the card
list, hello world, a commitment page, hello world, the district dashboard (as
the signed-in official), hello world, rating posts, and hello world. The ratio
column is requests per second over the mean of the hello-world runs just
before and after that page: on a shared machine the speed drifts within one
run.

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
import os
import shutil
import tempfile
import time
from pathlib import Path

import redis

from portal.extensions import db
from tests.benchmarks.pages import build, release
from tests.benchmarks.posting import (
    integrity,
    killed_run,
    make_residents,
    stored,
    wrk_posts,
)
from tests.benchmarks.probe import gets
from tests.benchmarks.serving import (
    Result,
    Server,
    drain,
    official_cookie,
    wrk,
)

ROOT = Path(__file__).resolve().parents[2]
SECRET = "load-benchmark"
COMMITMENT = "3.5.8"
GENEROUS = "10000000/minute"
LIMITS = (
    "LIMIT_RATING_RESIDENT",
    "LIMIT_RATING_NETWORK",
    "LIMIT_COMMENT_RESIDENT",
    "LIMIT_COMMENT_NETWORK",
    "LIMIT_FLAG_RESIDENT",
    "LIMIT_FLAG_NETWORK",
)


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
    workers = int(os.environ.get("PORTAL_WORKERS") or os.cpu_count() + 1)
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
            # Hello world before and after every page: on a shared machine the
            # speed drifts within one run, and each page is compared with
            # the baseline measured around it.
            pages = [
                ("card list", portal.url + "/", []),
                ("commitment page", f"{portal.url}/c/{COMMITMENT}", []),
                ("dashboard", portal.url + "/dashboard/", ["-H", f"Cookie: {cookie}"]),
            ]

            def measure(label, target, options=()):
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

            measure("hello world 1", hello.url + "/")
            for i, (label, target, options) in enumerate(pages, start=2):
                measure(label, target, options)
                measure(f"hello world {i}", hello.url + "/")
            # The probe's own residents: not in `residents`, so not in the checks.
            probers = make_residents(app, portal.url, 3000, 10)
            results["rating posts"], counts = wrk_posts(
                portal, residents, folder, args, probers
            )
            print(f"  rating posts: {results['rating posts'].rps:,.0f} req/s {counts}")
            drain(portal, workers)
            measure("hello world 5", hello.url + "/")
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
        hellos = [results[f"hello world {i}"].rps for i in range(1, 6)]
        # Each page against the mean of the hello-world runs just before and after.
        base = {
            name: (hellos[i] + hellos[i + 1]) / 2
            for i, name in enumerate(
                ("card list", "commitment page", "dashboard", "rating posts")
            )
        }
        mean = sum(hellos) / len(hellos)
        ratio = {name: results[name].rps / base[name] for name in base}
        verdicts = [
            ("card list", ">= 0.5, p99 < 50 ms",
             ratio["card list"] >= 0.5 and results["card list"].p99 < 50),
            ("commitment page", ">= 0.3", ratio["commitment page"] >= 0.3),
            ("rating posts", ">= 0.15, nothing lost",
             ratio["rating posts"] >= 0.15 and whole),
            ("dashboard", "p50 < 50 ms", results["dashboard"].p50 < 50),
        ]  # fmt: skip
        print(HEADER)
        print("|" + " --- |" * HEADER.count(" |"))
        for name, target, ok in verdicts:
            print(row(name, results[name], base[name], target, ok, c))
        for i in range(1, 6):
            name = f"hello world {i}"
            print(row(name, results[name], mean, "", None, c))
        print(
            "\nx hello: each page over the mean of the hello-world runs just "
            "before and after it (card list: 1 and 2, commitment page: 2 and 3, "
            "dashboard: 3 and 4, rating posts: 4 and 5); each hello-world run "
            "over the mean of all five, which shows how much the machine's "
            "speed moved during the run."
        )
        print(f"\nRates and wrk errors from wrk; p50/p99/mean/n/probe errors from "
              f"one more client sending the same request one at a time (see "
              f"tests/benchmarks/probe.py); conns/rate = {c} / req/s, the mean "
              f"Little's law expects. wrk's own latencies: NOT trusted.\n")  # fmt: skip
        for line in checks:
            print(f"- {line}")
        release(app, url)


if __name__ == "__main__":
    main()
