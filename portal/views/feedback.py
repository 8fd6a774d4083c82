"""Residents' feedback: rate, comment, flag, and "my feedback"."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from portal.access import public
from portal.extensions import db, limiter
from portal.forms import CommentForm, FlagForm, RatingForm, VerdictForm
from portal.i18n import personal_data_kinds
from portal.limits import per_network, per_resident, setting
from portal.models import Comment, CommentStatus, FlagReason, Reply, VerdictReason
from portal.residents import network_key, resident_key
from portal.services import comments, ratings, replies
from portal.services.commitments import (
    feedback_target_or_404,
    get_commitment_or_404,
)
from portal.views.cards import render_commitment

bp = Blueprint("feedback", __name__)

FLAGGABLE = (CommentStatus.PUBLISHED, CommentStatus.HIDDEN)


def _send_back(commitment, form):
    """A refused form, shown again with what was typed (less control characters)."""
    form.scrub()
    kind = "rating_form" if isinstance(form, RatingForm) else "comment_form"
    return render_commitment(commitment, status=400, **{kind: form})


def _refuse_retired(commitment):
    """A retired commitment keeps its feedback but takes no new ratings or comments."""
    flash(
        _(
            "This commitment was retired, so it takes no new ratings or comments. "
            "Its feedback is kept."
        ),
        "error",
    )
    return render_commitment(commitment, status=409)


def _back_to(code: str, anchor: str, **args):
    return redirect(
        url_for("cards.detail", code=code, _anchor=anchor, **args), code=303
    )


@bp.post("/c/<code>/rating")
@limiter.limit(setting("LIMIT_RATING_RESIDENT"), key_func=per_resident)
@limiter.limit(setting("LIMIT_RATING_NETWORK"), key_func=per_network)
@public
def rate(code: str):
    """Record or change this resident's rating of a commitment."""
    session = db.session
    target = feedback_target_or_404(session, code)
    if target.retired_at is not None:
        return _refuse_retired(get_commitment_or_404(session, code))
    form = RatingForm(scope=code)
    if not form.validate():
        return _send_back(get_commitment_or_404(session, code), form)
    outcome = ratings.rate(
        session,
        target,
        resident_key(create=True),
        int(form.score.data),
        quarantined=form.looks_automated(current_app.config["RATING_MIN_SECONDS"]),
    )
    if outcome.previous is None:
        flash(_("Thank you. Your rating is saved."), "success")
    else:
        flash(_("Your rating is changed. Thank you."), "success")
    return _back_to(code, "feedback-message")


@bp.post("/c/<code>/comments")
@limiter.limit(setting("LIMIT_COMMENT_RESIDENT"), key_func=per_resident)
@limiter.limit(setting("LIMIT_COMMENT_NETWORK"), key_func=per_network)
@public
def comment(code: str):
    """Store a comment for moderation and show it to its author at once."""
    session = db.session
    commitment = get_commitment_or_404(session, code, to_show=False)
    if commitment.retired_at is not None:
        return _refuse_retired(commitment)
    form = CommentForm(scope=code)
    if not form.validate():
        return _send_back(commitment, form)
    submitted = comments.submit_comment(
        session,
        commitment,
        resident_key=resident_key(create=True),
        body=form.body.data,
        display_name=form.display_name.data or None,
        network_key=network_key(),
        quarantined=form.looks_automated(current_app.config["COMMENT_MIN_SECONDS"]),
    )
    if submitted.comment.status == CommentStatus.PUBLISHED:
        flash(_("Thank you. Your comment is published."), "success")
    else:
        flash(
            _("Thank you. Your comment will appear once a moderator has reviewed it."),
            "success",
        )
    if submitted.masked:
        flash(
            _(
                "To protect you, we hid these details in your comment before "
                "saving it: %(kinds)s.",
                kinds=personal_data_kinds(submitted.masked),
            ),
            "notice",
        )
    return _back_to(code, "feedback-message")


@bp.post("/comments/<int:comment_id>/flag")
@limiter.limit(setting("LIMIT_FLAG_RESIDENT"), key_func=per_resident)
@limiter.limit(setting("LIMIT_FLAG_NETWORK"), key_func=per_network)
@public
def flag(comment_id: int):
    """Report a published comment; enough reports hide it for a moderator."""
    session = db.session
    form = FlagForm()
    target = session.get(Comment, comment_id)
    if target is None or target.status not in FLAGGABLE:
        abort(404)
    code = target.commitment.code
    if not form.validate():
        flash(_("Please choose a reason for your report."), "error")
        # The thread page that holds the comment, where the message is seen.
        return _back_to(code, f"comment-{comment_id}", comment=comment_id)
    try:
        comments.flag_comment(
            session,
            comment_id,
            resident_key=resident_key(create=True),
            reason=FlagReason(form.reason.data),
            threshold=current_app.config["FLAG_HIDE_THRESHOLD"],
        )
    except comments.NotFlaggable:
        abort(404)
    flash(_("Thank you. Moderators will look at this comment."), "success")
    return _back_to(code, "feedback-message")


@bp.post("/replies/<int:reply_id>/verdict")
@limiter.limit(setting("LIMIT_FLAG_RESIDENT"), key_func=per_resident)
@limiter.limit(setting("LIMIT_FLAG_NETWORK"), key_func=per_network)
@public
def verdict(reply_id: int):
    """Say whether the government's reply resolved the concern, and why not."""
    session = db.session
    reply = session.get(Reply, reply_id)
    if reply is None or reply.comment.status != CommentStatus.PUBLISHED:
        abort(404)
    commitment = reply.comment.commitment
    form = VerdictForm()
    if not form.validate():
        return render_commitment(
            commitment,
            verdict_form=form,
            verdict_for=reply.id,
            showing=reply.comment_id,
            status=400,
        )
    satisfied = form.satisfied.data == "yes"
    try:
        replies.give_verdict(
            session,
            reply.id,
            resident_key(create=True),
            satisfied=satisfied,
            reason=None if satisfied else VerdictReason(form.reason.data),
        )
    except LookupError:
        abort(404)
    flash(_("Thank you. Your answer about the reply is saved."), "success")
    return _back_to(commitment.code, "feedback-message")


@bp.get("/me")
@public
def mine():
    """This browser's ratings and comments, with where each stands."""
    key = resident_key()
    session = db.session
    response = make_response(
        render_template(
            "feedback/mine.html",
            my_ratings=ratings.resident_ratings(session, key) if key else [],
            my_comments=comments.resident_comments(session, key) if key else [],
        )
    )
    # One resident's page: never kept by a shared cache or the browser's.
    response.headers["Cache-Control"] = "private, no-store"
    return response


def csrf_failed():
    """A feedback form sent with a missing or stale token: show it again, kept."""
    code = (request.view_args or {}).get("code")
    if code is None:
        return None
    commitment = get_commitment_or_404(db.session, code)
    if commitment.retired_at is not None:
        return _refuse_retired(commitment)
    form_class = RatingForm if request.endpoint == "feedback.rate" else CommentForm
    form = form_class(scope=code)
    form.validate()
    form.form_errors.append(
        _("This form was open for too long. Please check it and send it again.")
    )
    return _send_back(commitment, form)
