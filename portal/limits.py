"""Who a rate limit counts: the resident (cookie) and the network (hashed address)."""

from __future__ import annotations

from flask import current_app

from portal.residents import network_key, resident_key


def per_resident() -> str:
    """The resident's key; visitors without a cookie share their network's."""
    key = resident_key()
    return f"resident:{key}" if key else f"new-resident:{network_key()}"


def per_network() -> str:
    """The hashed network: generous limits, since many phones share an address."""
    return f"network:{network_key()}"


def setting(name: str):
    """A limit string read from the settings when the request is checked."""
    return lambda: current_app.config[name]
