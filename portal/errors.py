"""Error pages in the reader's language, and JSON errors for the API."""

from __future__ import annotations

from flask import (
    Flask,
    current_app,
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


def _limits_unavailable(error: Exception):
    """The shared counters (Redis) are down: refuse writes rather than guess."""
    current_app.logger.error("rate-limit storage unavailable: %s", error)
    return _handle(ServiceUnavailable())


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
    app.register_error_handler(HTTPException, _handle)
    app.register_error_handler(Exception, _unexpected)
