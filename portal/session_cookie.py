"""Flask's signed-cookie session, with its serializer built once per key."""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

KEPT = "portal_session_serializer"


class SessionCookie(SecureCookieSessionInterface):
    """Flask builds the cookie's serializer when it opens a session and again
    when it saves one, and itsdangerous serializes an empty value each time
    one is built, to learn its type. It depends only on the secret key and
    its fallbacks, so it is built once per key (a tenth of a kept page)."""

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        kept = app.extensions.get(KEPT)
        if kept is None or kept[0] != key:
            kept = app.extensions[KEPT] = (key, super().get_signing_serializer(app))
        return kept[1]
