"""Rate limits: who a limit counts (the resident, the network) and the limiter."""

from __future__ import annotations

from flask import current_app, request
from flask_limiter import Limiter

from portal.residents import network_key, resident_key

READS = frozenset({"GET", "HEAD", "OPTIONS"})


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


class PortalLimiter(Limiter):
    """Flask-Limiter, not consulted before reads.

    Every limit of the portal is declared on a view (a form post) and checked
    there. Before each request Flask-Limiter also looks for default and
    application-wide limits, of which the portal sets none; working out that
    nothing applies cost more than serving a kept page, so reads skip that
    step. Limits declared on a view still count on any method.
    """

    def _check_request_limit(
        self, callable_name: str | None = None, in_middleware: bool = True
    ) -> None:
        if in_middleware and request.method in READS:
            return
        super()._check_request_limit(callable_name, in_middleware)
