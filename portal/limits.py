"""Who a rate limit counts: the resident (cookie) and the network (hashed address)."""

from __future__ import annotations

from flask import current_app, request

from portal.residents import network_key, resident_key


def per_resident() -> str:
    """The resident's key; a first-time visitor gets theirs now, so that people
    behind one carrier address never share a bucket (the network limit still
    holds those who throw their cookies away)."""
    return f"resident:{resident_key(create=True)}"


def per_network() -> str:
    """The hashed network: generous limits, since many phones share an address."""
    return f"network:{network_key()}"


def setting(name: str):
    """A limit string read from the settings when the request is checked."""
    return lambda: current_app.config[name]


def reads_are_free() -> bool:
    """Flask-Limiter's request filter: every limit of the portal is on a form
    post, and resolving "no limit here" on each page view cost more than
    serving a kept page (a limit on a GET route would need this changed)."""
    return request.method in ("GET", "HEAD", "OPTIONS")
