"""Staff sign-in and sign-out."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from portal.access import public, staff
from portal.extensions import db, limiter
from portal.limits import per_network, setting
from portal.models import Role, StaffUser
from portal.redirects import safe_next
from portal.services import staff as accounts
from portal.staff_forms import SignInForm, SignOutForm

bp = Blueprint("staff", __name__, url_prefix="/staff")


def load_staff_member(token: str) -> StaffUser | None:
    """Flask-Login's loader: the session token names a live server-side session."""
    user = accounts.load_session(db.session, token, db.look_up)
    if user is not None:
        user.session_token = token
    return user


def _landing(user: StaffUser) -> str:
    """Where each role starts: the queue for moderators and administrators."""
    if user.role in (Role.MODERATOR, Role.ADMINISTRATOR):
        return url_for("moderation.queue")
    return url_for("cards.index")


def per_username() -> str:
    """Sign-in attempts counted per username too, not only per network."""
    return "username:" + (request.form.get("username") or "").strip().casefold()[:40]


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(setting("LIMIT_SIGN_IN_NETWORK"), key_func=per_network, methods=["POST"])
@limiter.limit(
    setting("LIMIT_SIGN_IN_USERNAME"), key_func=per_username, methods=["POST"]
)
@public
def sign_in():
    """Sign in with username and password; a new session every time."""
    form = SignInForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        target = safe_next(form.next.data) if form.next.data else None
        token = accounts.sign_in(db.session, form.username.data, form.password.data)
        if token is not None:
            user = accounts.load_session(db.session, token)
            user.session_token = token
            # A fresh session: nothing from before sign-in survives, and the
            # form token is issued anew.
            session.clear()
            login_user(user)
            current_app.logger.info("staff %s signed in", user.id)
            return redirect(target or _landing(user), code=303)
        current_app.logger.info("failed staff sign-in")
        form.form_errors.append(_("The username or password is not right."))
        return render_template("staff/sign_in.html", form=form), 401
    status = 400 if form.is_submitted() else 200
    return render_template("staff/sign_in.html", form=form), status


@bp.post("/sign-out")
@staff(Role.MODERATOR, Role.OFFICIAL, Role.ADMINISTRATOR)
def sign_out():
    """End the session on the server and in the browser."""
    if SignOutForm().validate_on_submit() and current_user.session_token:
        accounts.sign_out(db.session, current_user.session_token)
    logout_user()
    session.clear()
    flash(_("You have signed out."), "success")
    return redirect(url_for("staff.sign_in"), code=303)


@bp.app_context_processor
def _staff_context() -> dict:
    return {"sign_out_form": SignOutForm() if current_user.is_authenticated else None}


def no_store(response):
    """Staff pages are never kept by a cache or the browser's history."""
    response.headers["Cache-Control"] = "no-store"
    return response


bp.after_request(no_store)
