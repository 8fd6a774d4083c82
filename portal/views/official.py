"""What officials do on the site: progress updates and public replies."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.access import log_refusal, refuse, staff
from portal.extensions import db
from portal.models import Comment, Role, Status
from portal.services import progress, replies, working_days
from portal.services.commitments import get_commitment_or_404
from portal.services.departments import can_act_on, scope_of
from portal.staff_forms import ProgressForm, ReplyForm, ReplyTargetForm
from portal.views.staff import no_store

bp = Blueprint("official", __name__, url_prefix="/official")
bp.after_request(no_store)

OFFICIALS = (Role.OFFICIAL, Role.ADMINISTRATOR)


@bp.route("/c/<code>/progress", methods=["GET", "POST"])
@staff(*OFFICIALS)
def progress_update(code: str):
    """Post a dated progress update; the card's status and figures follow it."""
    commitment = get_commitment_or_404(db.session, code)
    if not can_act_on(current_user, commitment):
        refuse(f"commitment {commitment.code}")
    form = ProgressForm()
    if form.validate_on_submit():
        progress.post_update(
            db.session,
            commitment,
            current_user,
            reported_on=form.reported_on.data,
            value=form.value.data,
            status=Status(form.status.data),
            note_zh=form.note_zh.data,
            note_en=form.note_en.data,
        )
        flash(_("The progress update is published."), "success")
        return redirect(
            url_for("cards.detail", code=code, _anchor="feedback-message"), code=303
        )
    status = 400 if form.is_submitted() else 200
    return render_template(
        "official/progress.html", commitment=commitment, form=form
    ), status


@bp.get("/replies")
@staff(*OFFICIALS)
def awaiting():
    """Published comments still waiting for an answer, oldest (most overdue) first."""
    return _awaiting_page()


def _awaiting_page(target_form: ReplyTargetForm | None = None, status: int = 200):
    """The list of comments waiting for an answer, with the target's form."""
    session = db.session
    days = replies.target_days(session)
    seen = scope_of(current_user)
    waiting, total = replies.awaiting_reply(session, working_days.today(), scope=seen)
    return render_template(
        "official/awaiting.html",
        waiting=waiting,
        total=total,
        seen=seen,
        target_days=days,
        target_form=target_form or ReplyTargetForm(days=days),
    ), status


@bp.post("/reply-target")
@staff(Role.ADMINISTRATOR)
def reply_target():
    """Change the number of working days within which a reply is due."""
    session = db.session
    form = ReplyTargetForm()
    if not form.validate():
        return _awaiting_page(form, 400)
    replies.set_target_days(session, current_user, form.days.data)
    flash(_("The reply target is saved."), "success")
    return redirect(url_for(".awaiting"), code=303)


REFUSALS = {
    "no_department": lambda: _(
        "Your account has no department, so you cannot reply in anyone's name. "
        "Please ask an administrator to set it."
    ),
    "not_published": lambda: _("Only published comments can be answered."),
    "already_answered": lambda: _(
        "This comment has been answered already. The answer is shown below."
    ),
    "not_yours": lambda: _("Only the official who wrote a reply can change it."),
    "not_your_department": lambda: _(
        "This comment is about a commitment of another department: only its "
        "officials answer it."
    ),
}


def _get_comment_or_404(comment_id: int) -> Comment:
    """A published comment, or 404."""
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.status.value != "published":
        abort(404)
    return comment


@bp.route("/comments/<int:comment_id>/reply", methods=["GET", "POST"])
@staff(*OFFICIALS)
def reply(comment_id: int):
    """Answer a published comment, or change one's own answer."""
    session = db.session
    comment = _get_comment_or_404(comment_id)
    existing = comment.reply
    mine = existing is not None and existing.official_id == current_user.id
    form = ReplyForm(obj=existing if mine else None)
    refusal, status = None, 200
    allowed = can_act_on(current_user, comment.commitment)
    if not allowed:
        log_refusal(f"comment {comment.id}")
    if existing is None and not current_user.department:
        refusal, status = "no_department", 403
    elif not allowed:
        refusal, status = "not_your_department", 403
    elif existing is not None and not mine:
        refusal, status = "already_answered", 403
    if refusal is None and form.validate_on_submit():
        try:
            if existing is None:
                replies.post_reply(session, comment.id, current_user, form.body.data)
                flash(_("Your reply is published under the comment."), "success")
            else:
                replies.edit_reply(session, existing.id, current_user, form.body.data)
                flash(_("Your reply is changed."), "success")
        except replies.CannotReply as error:
            refusal, status = error.reason, 409
            if error.reason == "not_your_department":
                log_refusal(f"comment {comment.id}")
                status = 403
            session.refresh(comment)
        else:
            return redirect(
                url_for(
                    "cards.detail",
                    code=comment.commitment.code,
                    comment=comment.id,
                    _anchor=f"comment-{comment.id}",
                ),
                code=303,
            )
    if refusal is None and form.is_submitted():
        status = 400
    return render_template(
        "official/reply.html",
        comment=comment,
        form=form,
        existing=comment.reply,
        mine=mine,
        allowed=allowed,
        refusal=REFUSALS[refusal]() if refusal else None,
        due=replies.due_on(comment, replies.target_days(session)),
    ), status
