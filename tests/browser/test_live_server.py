"""The browser tests' live server: a dropped connection leaves no file open."""

from __future__ import annotations

import gc
import socket
import struct
import sys
import time


def test_a_dropped_connection_leaves_no_file_open(live_app, monkeypatch):
    """Browsers cancel requests; an open static file found later by the garbage
    collector would fail whichever test was running then."""
    left_open = []
    monkeypatch.setattr(sys, "unraisablehook", left_open.append)
    host, port = live_app.url.removeprefix("http://").split(":")
    for _ in range(50):
        client = socket.create_connection((host, int(port)))
        client.sendall(b"GET /static/img/icon.svg HTTP/1.1\r\nHost: x\r\n\r\n")
        assert client.recv(12).startswith(b"HTTP/1.1 200")
        # Reset the connection while the server is still answering.
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()
    time.sleep(0.5)
    gc.collect()
    assert [str(u.exc_value) for u in left_open] == []
