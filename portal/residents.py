"""Recognising a resident without an account: a signed random id in a cookie.

The database never sees the id itself, only a keyed hash of it, and never an
IP address, only a keyed hash of the network it belongs to.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from datetime import UTC, datetime

from flask import Flask, Response, current_app, g, request
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE_MAX_AGE = 2 * 365 * 24 * 3600


def cookie_name() -> str:
    """`__Host-resident` over HTTPS (no Domain, Path=/, Secure), else `resident`."""
    return "__Host-resident" if current_app.config["COOKIE_SECURE"] else "resident"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="resident-id")


def _keyed_hash(purpose: str, value: str) -> str:
    """HMAC-SHA256 under a key of its own per purpose, cut to 128 bits."""
    secret = current_app.config["IDENTITY_KEY"] or current_app.config["SECRET_KEY"]
    key = hmac.new(secret.encode(), purpose.encode(), hashlib.sha256).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]


def resident_id() -> str | None:
    """This browser's resident id; a forged or altered cookie counts as none."""
    if "resident_id" not in g:
        raw = request.cookies.get(cookie_name())
        try:
            value = _serializer().loads(raw) if raw else None
        except BadSignature:
            value = None
        g.resident_id = value if isinstance(value, str) and len(value) == 32 else None
    return g.resident_id


def resident_key(create: bool = False) -> str | None:
    """The keyed hash that stands for this resident in the database.

    With create=True a resident without a valid cookie is given a new id,
    sent back in a cookie with this response.
    """
    rid = resident_id()
    if rid is None and create:
        rid = g.resident_id = secrets.token_hex(16)
        g.set_resident_cookie = True
    return _keyed_hash("resident", rid) if rid else None


def network_key() -> str:
    """A keyed hash of the sender's network (IPv4 /24, IPv6 /64), new every day.

    Phones on one carrier share an address, so limits on this key are generous.
    """
    address = ipaddress.ip_address(request.remote_addr or "0.0.0.0")  # noqa: S104
    prefix = 24 if address.version == 4 else 64
    network = ipaddress.ip_network(f"{address}/{prefix}", strict=False)
    day = datetime.now(UTC).date().isoformat()
    return _keyed_hash(f"network:{day}", str(network))


def _send_cookie(response: Response) -> Response:
    if g.get("set_resident_cookie"):
        response.set_cookie(
            cookie_name(),
            _serializer().dumps(g.resident_id),
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["COOKIE_SECURE"],
            path="/",
        )
    return response


def register_residents(app: Flask) -> None:
    """Send a new resident's cookie with the response that created it."""
    app.after_request(_send_cookie)
