"""Who may open each page: every view declares it, and the server checks it.

A test walks the URL map and fails on any view without a declared policy.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import NoReturn

from flask import abort, current_app, request
from flask_login import current_user

from portal.models import Role

PUBLIC = "public"


def public(view: Callable) -> Callable:
    """Anyone may open this page."""
    view.access = PUBLIC
    return view


def staff(*roles: Role) -> Callable[[Callable], Callable]:
    """Only signed-in staff with one of these roles; others are refused."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def checked(*args, **kwargs):
            if not current_user.is_authenticated:
                # 403, not a redirect: residents are refused; the error page
                # offers staff the sign-in form, coming back here after.
                abort(403)
            if current_user.role not in roles:
                current_app.logger.warning(
                    "refused %s %s to staff %s (%s)",
                    request.method,
                    request.path,
                    current_user.id,
                    current_user.role,
                )
                abort(403)
            return view(*args, **kwargs)

        checked.access = tuple(roles)
        return checked

    return decorate


def log_refusal(target: str) -> None:
    """Log a refused attempt on one object: actor, route and object (AC-08)."""
    current_app.logger.warning(
        "refused %s %s to staff %s (%s): %s",
        request.method,
        request.path,
        current_user.id,
        current_user.role,
        target,
    )


def refuse(target: str) -> NoReturn:
    """Refuse a staff member an object outside their department, logged."""
    log_refusal(target)
    abort(403)


def is_official() -> bool:
    """Whether the visitor is signed in as someone who may answer residents."""
    return current_user.is_authenticated and current_user.role in (
        Role.OFFICIAL,
        Role.ADMINISTRATOR,
    )
