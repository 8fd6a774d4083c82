"""Gunicorn settings, from PORTAL_* environment variables only (docs/deploy/README.md).

Run: gunicorn -c gunicorn.conf.py wsgi:app
"""

from __future__ import annotations

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    """An integer setting from the environment, or the default when unset."""
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# One address per process; several processes (or machines) sit behind nginx.
bind = [
    address.strip()
    for address in os.environ.get("PORTAL_BIND", "127.0.0.1:8000").split(",")
    if address.strip()
]
# Sync workers: nginx buffers slow clients, so a worker is busy only while the
# app works, and the app is CPU-bound (kept pages, counters kept as feedback
# arrives). On a 2-core machine shared with the database and Redis, cores + 1
# workers served every page faster than gunicorn's usual 2 × cores + 1 (rating
# posts 0.088 against 0.056 of hello world; docs/performance.md). With the
# database on another machine, more workers can cover its round trips.
workers = _int("PORTAL_WORKERS", multiprocessing.cpu_count() + 1)
threads = _int("PORTAL_THREADS", 1)
timeout = _int("PORTAL_TIMEOUT", 30)
graceful_timeout = _int("PORTAL_GRACEFUL_TIMEOUT", 30)
keepalive = _int("PORTAL_KEEPALIVE", 5)
# Recycle workers now and then so slow leaks cannot grow without bound; the
# jitter keeps them from all restarting at the same moment. A new worker
# imports and builds the app (about a second of CPU), and the requests queued
# behind it wait that long: at 2,000 requests a worker restarted every few
# seconds under load, so the interval is long.
max_requests = _int("PORTAL_MAX_REQUESTS", 50000)
max_requests_jitter = _int("PORTAL_MAX_REQUESTS_JITTER", 5000)

# Not preloaded: every worker builds its own app, so no database pool, Redis
# connection (rate limits) or other socket is ever shared across a fork, and
# a HUP reloads the code. create_app does no I/O, so start-up stays quick.
preload_app = False

# Proxy headers are trusted in one place only: the app's ProxyFix, which trusts
# exactly PORTAL_PROXY_HOPS proxies. Gunicorn itself trusts none.
forwarded_allow_ips = ""

# A heartbeat file per worker; memory-backed where available so a slow disk
# cannot make the arbiter think a worker hung.
SHM = "/dev/shm"  # noqa: S108 - only the arbiter's heartbeat files, not data
if os.path.isdir(SHM):
    worker_tmp_dir = SHM

# Gunicorn 25+ opens a control socket in $HOME by default; several instances on
# one machine would fight over it. Off unless a path is given.
if control_socket := os.environ.get("PORTAL_CONTROL_SOCKET", ""):
    control_socket_disable = False
else:
    control_socket_disable = True

proc_name = "portal"
loglevel = os.environ.get("PORTAL_LOG_LEVEL", "info")
errorlog = "-"
# "-" is standard output; an empty value turns the access log off.
accesslog = os.environ.get("PORTAL_ACCESS_LOG", "-") or None
# No client address, query string, referrer or user agent: behind the proxy the
# address would be nginx's anyway, and raw IPs belong only in the restricted
# network log that nginx keeps (SECURITY.md PRIV-04, PRIV-07). Time, request
# path, status, size and duration in milliseconds are what operations need.
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms %(p)s'
