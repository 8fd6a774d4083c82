"""The moderation queue, decisions, and the audit log for administrators."""

from __future__ import annotations

import json
import re

from babel.lists import format_list
from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from portal.access import staff
from portal.csvexport import csv_response
from portal.extensions import db
from portal.forms import FLAG_REASON_LABELS
from portal.i18n import SCREENING_LABELS, comment_status_label, format_number, lang
from portal.models import RejectReason, Role
from portal.screening.text import ControlCharacters
from portal.services import moderation, word_lists
from portal.services.audit_log import AuditFilters, events
from portal.staff_forms import (
    REJECT_REASON_LABELS,
    DecisionForm,
    ModerationModeForm,
    RemoveWordForm,
    WordForm,
)
from portal.views.staff import no_store

bp = Blueprint("moderation", __name__, url_prefix="/moderation")
bp.after_request(no_store)

MODERATORS = (Role.MODERATOR, Role.ADMINISTRATOR)
ID = re.compile(r"[0-9]{1,11}")


def _filters() -> moderation.QueueFilters:
    code = request.args.get("commitment", "")
    label = request.args.get("label", "")
    return moderation.QueueFilters(
        commitment=code if len(code) <= 20 and code.replace(".", "").isalnum() else "",
        label=label if label in SCREENING_LABELS else "",
        flagged=request.args.get("flagged") == "1",
    )


@bp.get("/")
@staff(*MODERATORS)
def queue():
    """Comments waiting for a decision, oldest first, with what screening found."""
    filters = _filters()
    items, total = moderation.queue(db.session, filters)
    return render_template(
        "moderation/queue.html",
        items=items,
        total=total,
        filters=filters,
        labels=list(SCREENING_LABELS),
        filter_args=filters.query_args(),
        form=DecisionForm(),
        reasons=REJECT_REASON_LABELS,
        screening=lambda c: json.loads(c.screening or "[]"),
        flag_reasons=_flag_reasons(items),
    )


def _flag_reasons(items) -> dict[int, str]:
    """Per flagged comment, why residents flagged it and how many said so."""
    return {
        comment_id: format_list(
            [
                _(
                    "%(reason)s (%(n)s)",
                    reason=FLAG_REASON_LABELS[r],
                    n=format_number(n),
                )
                for r, n in found
            ],
            locale=lang(),
        )
        for comment_id, found in moderation.flag_reasons(db.session, items).items()
    }


def _reason(value: str | None) -> RejectReason | None:
    try:
        return RejectReason(value) if value else None
    except ValueError:
        abort(400)


@bp.post("/decide")
@staff(*MODERATORS)
def decide():
    """Approve or reject one comment, or every selected one."""
    if not DecisionForm().validate_on_submit():
        abort(400)
    form = request.form
    if one := form.get("approve_one") or form.get("reject_one"):
        approve = "approve_one" in form
        ids = [one]
        reason = _reason(form.get(f"reason-{one}"))
        note = form.get(f"note-{one}", "")
    else:
        approve = form.get("bulk") == "approve"
        if form.get("bulk") not in ("approve", "reject"):
            abort(400)
        ids = form.getlist("ids")
        reason = _reason(form.get("bulk_reason"))
        note = form.get("bulk_note", "")
    back = url_for(".queue", **_filters().query_args())
    if not ids or not all(ID.fullmatch(i) for i in ids):
        flash(_("Select at least one comment."), "error")
        return redirect(back, code=303)
    done = 0
    for comment_id in ids:
        try:
            moderation.decide(
                db.session,
                int(comment_id),
                current_user,
                approve=approve,
                reason=reason,
                note=note[:500],
            )
            done += 1
        except moderation.CannotModerate:
            flash(_('To reject, choose a reason; "Other" also needs a note.'), "error")
            break
        except moderation.AlreadyDecided as taken:
            comment = taken.comment
            flash(
                _(
                    "Comment %(id)s was already decided by another moderator "
                    "(%(status)s, %(when)s). Your decision was not applied.",
                    id=comment.id,
                    status=comment_status_label(comment.status),
                    when=format_datetime(comment.decided_at, "short"),
                ),
                "error",
            )
        except LookupError:
            abort(404)
    if done:
        if approve:
            message = ngettext(
                "%(num)s comment approved.", "%(num)s comments approved.", done
            )
        else:
            message = ngettext(
                "%(num)s comment rejected.", "%(num)s comments rejected.", done
            )
        flash(message, "success")
    return redirect(back, code=303)


@bp.get("/audit")
@staff(Role.ADMINISTRATOR)
def audit_log():
    """Every moderation and administration action, newest first."""
    filters = AuditFilters.from_args(request.args)
    return render_template(
        "moderation/audit.html",
        events=events(db.session, filters),
        filters=filters,
        filter_args=filters.query_args(),
    )


@bp.get("/audit.csv")
@staff(Role.ADMINISTRATOR)
def audit_csv():
    """The filtered audit log as a spreadsheet-safe CSV download."""
    filters = AuditFilters.from_args(request.args)
    rows = (
        (e.id, e.at.isoformat(), e.actor, e.action, e.object_type, e.object_id,
         e.before, e.after, e.reason)
        for e in events(db.session, filters, limit=None)
    )  # fmt: skip
    header = ("id", "at_utc", "actor", "action", "object_type", "object_id",
              "before", "after", "reason")  # fmt: skip
    return no_store(csv_response("audit-log.csv", header, rows))


@bp.get("/settings")
@staff(*MODERATORS)
def settings_page():
    """Moderation mode and word lists: administrators change, moderators read."""
    session = db.session
    mode_form = ModerationModeForm(mode=moderation.moderation_mode(session))
    return render_template(
        "moderation/settings.html",
        mode_form=mode_form,
        word_form=WordForm(lang="zh", allow="0"),
        remove_form=RemoveWordForm(),
        entries=word_lists.entries(session),
        can_edit=current_user.role == Role.ADMINISTRATOR,
    )


@bp.post("/settings/mode")
@staff(Role.ADMINISTRATOR)
def set_mode():
    """Switch between pre- and post-moderation."""
    form = ModerationModeForm()
    if not form.validate_on_submit():
        abort(400)
    moderation.set_moderation_mode(db.session, current_user, form.mode.data)
    flash(_("The moderation setting is saved."), "success")
    return redirect(url_for(".settings_page"), code=303)


@bp.post("/settings/words")
@staff(Role.ADMINISTRATOR)
def add_word():
    """Add a sensitive word or an innocent phrase."""
    form = WordForm()
    if not form.validate_on_submit():
        flash(_("Please enter a word, its language and its kind."), "error")
    else:
        try:
            word_lists.add_word(
                db.session,
                current_user,
                form.word.data,
                form.lang.data,
                form.allow.data == "1",
            )
            flash(_("The word is added."), "success")
        except (word_lists.WordListError, ControlCharacters):
            flash(_("This word is already listed, or empty."), "error")
    return redirect(url_for(".settings_page"), code=303)


@bp.post("/settings/words/remove")
@staff(Role.ADMINISTRATOR)
def remove_word():
    """Remove an entry from the word lists."""
    form = RemoveWordForm()
    if not form.validate_on_submit() or not ID.fullmatch(form.word_id.data):
        abort(400)
    try:
        word_lists.remove_word(db.session, current_user, int(form.word_id.data))
    except word_lists.WordListError:
        abort(404)
    flash(_("The word is removed."), "success")
    return redirect(url_for(".settings_page"), code=303)
