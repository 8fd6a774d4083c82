"""Error pages in the reader's language, and JSON errors for the API."""

from __future__ import annotations

import logging

from flask import (
    Flask,
    current_app,
    has_app_context,
    jsonify,
    make_response,
    render_template,
    request,
)
from flask_babel import lazy_gettext as _l
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from limits.errors import StorageError
from redis.exceptions import RedisError
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

MESSAGES = {
    400: (
        _l("Bad request"),
        _l(
            "The address or form contained something we could not use. "
            "Please check it and try again."
        ),
    ),
    403: (_l("Not allowed"), _l("This action is not allowed from here.")),
    404: (
        _l("Page not found"),
        _l("There is no page at this address. The commitment code may be mistyped."),
    ),
    405: (_l("Not allowed"), _l("This address cannot be used this way.")),
    413: (_l("Too much data"), _l("What you sent is larger than this site accepts.")),
    429: (
        _l("Too many requests"),
        _l(
            "You have sent many requests in a short time. "
            "Please wait a moment and try again."
        ),
    ),
    500: (
        _l("Something went wrong"),
        _l("The site could not complete your request. Please try again later."),
    ),
    503: (
        _l("Temporarily unavailable"),
        _l("The site is busy or under maintenance. Please try again in a few minutes."),
    ),
}


def _handle(error: HTTPException):
    code = error.code if error.code in MESSAGES else 500
    title, message = MESSAGES[code]
    if request.path.startswith("/api/"):
        response = make_response(jsonify(error=str(title), message=str(message)))
    else:
        response = make_response(
            render_template(
                "errors/error.html", code=code, title=title, message=message
            )
        )
    response.status_code = code
    if isinstance(error, RateLimitExceeded):
        # The longest window of the breached limit: a safe time to try again.
        response.headers["Retry-After"] = str(error.limit.limit.get_expiry())
    return response


# Seconds a reader (or a client of the API) should wait when a backend is down.
RETRY_UNAVAILABLE = 30


def _unavailable():
    response = _handle(ServiceUnavailable())
    response.headers["Retry-After"] = str(RETRY_UNAVAILABLE)
    return response


def _limits_unavailable(error: Exception):
    """Rate-limit storage failed with no fallback configured (PORTAL_REDIS_URL
    sets one up): refuse the request rather than guess."""
    current_app.logger.error("rate-limit storage unavailable: %s", error)
    return _unavailable()


def _database_unavailable(error: Exception):
    """The database is down or unreachable: a 503 page, and one log line without
    the statement or its parameters (they may hold residents' text)."""
    reason = getattr(error, "orig", None) or error
    first_line = next(iter(str(reason).strip().splitlines()), "")
    current_app.logger.error(
        "database unavailable on %s %s: %s: %s",
        request.method,
        request.path,
        type(reason).__name__,
        first_line,
    )
    return _unavailable()


class _LimiterFallbackLog(logging.Handler):
    """Puts Flask-Limiter's warnings in the portal's log, which operators read;
    its own logger has only a NullHandler, so they would otherwise be lost."""

    def emit(self, record: logging.LogRecord) -> None:
        logger = current_app.logger if has_app_context() else logging.getLogger()
        if "falling back to in-memory" in record.getMessage():
            logger.warning(
                "rate-limit storage (Redis) unavailable: shared counters are off "
                "and per-process limits apply until it is back"
            )
        else:
            logger.log(record.levelno, "flask-limiter: %s", record.getMessage())


def _log_limiter_warnings() -> None:
    limiter_logger = logging.getLogger("flask-limiter")
    if not any(isinstance(h, _LimiterFallbackLog) for h in limiter_logger.handlers):
        limiter_logger.addHandler(_LimiterFallbackLog(logging.WARNING))


def _unexpected(error: Exception):
    """Anything not an HTTP error: log it in full, show the reader a plain page."""
    current_app.logger.exception("Unhandled error on %s", request.path)
    return _handle(InternalServerError())


def _csrf_error(error: CSRFError):
    """Feedback forms come back with what was typed; anything else gets a 400 page."""
    from portal.views.feedback import csrf_failed

    if request.blueprint == "feedback" and (response := csrf_failed()):
        return response
    return _handle(error)


def register_errors(app: Flask) -> None:
    """Route every HTTP error and unexpected exception to a translated page."""
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(RedisError, _limits_unavailable)
    app.register_error_handler(StorageError, _limits_unavailable)
    for error in (OperationalError, DisconnectionError, InterfaceError):
        app.register_error_handler(error, _database_unavailable)
    _log_limiter_warnings()
    app.register_error_handler(HTTPException, _handle)
    app.register_error_handler(Exception, _unexpected)
