"""Serving for the load benchmark: gunicorn on a free loopback port, wrk runs
with the latency probe beside them, and fetching pages as a browser would."""

from __future__ import annotations

import contextlib
import http.client
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.benchmarks.pages import PASSWORD
from tests.benchmarks.probe import Latency, Probe, seconds
from tests.forms import hidden_fields

ROOT = Path(__file__).resolve().parents[2]
FORM = "application/x-www-form-urlencoded"


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


def new_opener() -> urllib.request.OpenerDirector:
    """A cookie-keeping client that does not follow redirects (as forms expect)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(jar), NoRedirect
    )
    opener.jar = jar
    return opener


def fetch(opener, url: str, data: dict | None = None) -> tuple[int, str]:
    """Status and text of a GET, or of a form POST when data is given."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with opener.open(url, body, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def official_cookie(base: str) -> str:
    """Sign the benchmark official in through the form; their session cookie."""
    opener = new_opener()
    _, page = fetch(opener, base + "/staff/sign-in")
    fields = hidden_fields(page, "/staff/sign-in")
    status, _ = fetch(
        opener,
        base + "/staff/sign-in",
        {**fields, "username": "bench", "password": PASSWORD},
    )
    assert status == 303, f"sign-in answered {status}"
    status, _ = fetch(opener, base + "/dashboard/")
    assert status == 200, f"dashboard answered {status}"
    return "; ".join(f"{c.name}={c.value}" for c in opener.jar)
