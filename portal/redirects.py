"""Where to send a visitor back to after a form: only paths on this site."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

UNSAFE = re.compile(r"[\x00-\x20\x7f\\]")


def safe_next(target: str | None) -> str:
    """A same-site path to go back to; anything else goes to the home page."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    if UNSAFE.search(target) or len(target) > 1000:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target
