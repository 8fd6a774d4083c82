"""The about page and the reader's display preferences (language, elder mode)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request

from portal.access import public
from portal.extensions import csrf, db
from portal.i18n import LANG_COOKIE
from portal.redirects import safe_next
from portal.services.transparency import by_month
from portal.staff_forms import REJECT_REASON_LABELS

bp = Blueprint("pages", __name__)

ELDER_COOKIE = "elder"


@bp.get("/about")
@public
def about():
    """What the portal is, the privacy notice and the accessibility statement."""
    return render_template("pages/about.html")


@bp.get("/transparency")
@public
def transparency():
    """How many comments were published and rejected each month, and why."""
    return render_template(
        "pages/transparency.html",
        months=by_month(db.session),
        reasons=REJECT_REASON_LABELS,
    )


@bp.post("/settings")
@csrf.exempt
@public
def settings():
    """Remember the reader's language or text size, then go back.

    Exempt from CSRF on purpose: public pages are cached and must not carry a
    per-visitor token, and a forged request can only change how pages look.
    """
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        abort(403)
    lang = request.form.get("lang")
    elder = request.form.get("elder")
    if lang not in (None, *current_app.config["LANGUAGES"]) or elder not in (
        None,
        "on",
        "off",
    ):
        abort(400)
    response = redirect(safe_next(request.form.get("next")), code=303)
    options = {
        "max_age": current_app.config["PREFERENCE_COOKIE_MAX_AGE"],
        "httponly": True,
        "samesite": "Lax",
        "secure": current_app.config["COOKIE_SECURE"],
    }
    if lang:
        response.set_cookie(LANG_COOKIE, lang, **options)
    if elder == "on":
        response.set_cookie(ELDER_COOKIE, "1", **options)
    elif elder == "off":
        response.delete_cookie(ELDER_COOKIE)
    return response
