"""Who a rate limit counts: the resident (cookie) and the network (hashed address)."""

from __future__ import annotations

from flask import current_app

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
