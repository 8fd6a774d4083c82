"""What officials do on the site: post progress updates on commitments."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.access import staff
from portal.extensions import db
from portal.models import Role, Status
from portal.services import progress
from portal.services.commitments import get_commitment_or_404
from portal.staff_forms import ProgressForm
from portal.views.staff import no_store

bp = Blueprint("official", __name__, url_prefix="/official")
bp.after_request(no_store)

OFFICIALS = (Role.OFFICIAL, Role.ADMINISTRATOR)


@bp.route("/c/<code>/progress", methods=["GET", "POST"])
@staff(*OFFICIALS)
def progress_update(code: str):
    """Post a dated progress update; the card's status and figures follow it."""
    commitment = get_commitment_or_404(db.session, code)
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
