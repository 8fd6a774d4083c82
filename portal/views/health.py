"""A health check for the proxy and the supervisor: does the database answer?"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from portal.access import public
from portal.extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@public
def healthz():
    """200 when the database answers, else 503; never says why to the caller."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        # Polled every few seconds: one line, not a traceback per probe.
        reason = getattr(exc, "orig", None) or exc
        current_app.logger.warning("health check: database unavailable: %r", reason)
        response = jsonify(status="unavailable")
        response.status_code = 503
    else:
        response = jsonify(status="ok")
    response.headers["Cache-Control"] = "no-store"
    return response
