"""A latency probe: one more sequential client while wrk loads a page.

wrk 4.1.0's latency histogram is not trustworthy on this machine (a
Firecracker VM): its request counts are right, but its latencies contradict
them (one sequential connection doing 8,666 requests in 3 s, 0.35 ms each,
was reported with a mean of 2.4 ms and a p95 of 11.6 ms). So while wrk runs,
a thread here sends the same request one at a time and times each with
time.perf_counter(), from just before connecting (a new connection whenever
the server answered `Connection: close`, as gunicorn's sync workers do) to
the last byte of the body. Its requests queue with wrk's connections, so it
sees what one more visitor would see.
"""

from __future__ import annotations

import http.client
import itertools
import math
import re
import threading
import time
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field

# (method, path, headers, body or None)
Request = tuple[str, str, dict[str, str], str | None]


def seconds(duration: str) -> float:
    """A wrk duration ("15s", "2m", "1h", "30") in seconds."""
    number, unit = re.fullmatch(r"([\d.]+)(s|m|h)?", duration.strip()).groups()
    return float(number) * {None: 1, "s": 1, "m": 60, "h": 3600}[unit]


def gets(url: str, options=()) -> Iterable[Request]:
    """The GET wrk sends for url with its options (-H headers), endlessly."""
    headers = dict(
        h.split(": ", 1) for flag, h in itertools.pairwise(options) if flag == "-H"
    )
    return itertools.repeat(("GET", urllib.parse.urlsplit(url).path, headers, None))


@dataclass
class Latency:
    """Probe samples in ms (answered 2xx/3xx only) and failed requests."""

    samples: list[float] = field(default_factory=list)
    errors: int = 0
    exhausted: bool = False

    def percentile(self, q: float) -> float:
        """Nearest-rank percentile; inf when there are no samples."""
        if not self.samples:
            return math.inf
        ordered = sorted(self.samples)
        return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]

    @property
    def mean(self) -> float:
        return sum(self.samples) / len(self.samples) if self.samples else math.inf


class Probe:
    """Send requests one after another from a thread, for `duration` seconds.

    Use as a context manager around the wrk run: it starts timing `skip`
    seconds in and stops at the end of the duration or when the block ends,
    whichever is first (a request under way then is finished and counted).
    Pass an endless iterable for GETs (see gets); for posts a finite one of
    distinct requests: the probe stops when it runs out (`exhausted`). With
    requests None it does nothing.
    """

    def __init__(
        self,
        port: int,
        requests: Iterable[Request] | None,
        duration: float,
        skip: float = 1.0,
        timeout: float = 10.0,
    ):
        self.port = port
        self.requests = iter(requests) if requests is not None else None
        self.duration = duration
        self.skip = skip
        self.timeout = timeout
        self.result = Latency()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Probe:
        self._start = time.monotonic()
        if self.requests is not None:
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        if self._stop.wait(self.skip):
            return
        deadline = self._start + self.duration
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=self.timeout
        )
        try:
            while not self._stop.is_set() and time.monotonic() < deadline:
                request = next(self.requests, None)
                if request is None:
                    self.result.exhausted = True
                    return
                connection = self._one(connection, *request)
        finally:
            connection.close()

    def _one(
        self,
        connection: http.client.HTTPConnection,
        method: str,
        path: str,
        headers: dict[str, str],
        body: str | None,
    ) -> http.client.HTTPConnection:
        started = time.perf_counter()
        try:
            if connection.sock is None:  # closed by the last `Connection: close`
                connection.connect()
            # Like wrk: only Host and the given headers (no Accept-Encoding).
            connection.putrequest(method, path, skip_accept_encoding=True)
            for name, value in headers.items():
                connection.putheader(name, value)
            data = body.encode() if body is not None else None
            if data is not None:
                connection.putheader("Content-Length", str(len(data)))
            connection.endheaders(data)
            response = connection.getresponse()
            response.read()  # closes the socket if the server said so
            elapsed = (time.perf_counter() - started) * 1000
        except (OSError, http.client.HTTPException):
            self.result.errors += 1
            connection.close()
            return connection
        if 200 <= response.status < 400:
            self.result.samples.append(elapsed)
        else:
            self.result.errors += 1
        return connection
