"""Administrators manage the current report's commitments (areas, topics and
units: views/catalogue.py) and the staff accounts."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.access import staff
from portal.admin_forms import (
    CommitmentForm,
    RetireForm,
)
from portal.extensions import db
from portal.i18n import ROLE_LABELS, localized
from portal.models import Commitment, Phrasing, Report, Role
from portal.services import catalogue_admin as catalogue
from portal.services import departments
from portal.services import staff as accounts
from portal.services.commitments import (
    current_report,
    current_report_or_404,
    get_commitment_or_404,
)
from portal.staff_forms import StaffAccessForm, StaffRoleForm
from portal.views.refusals import (
    ADMINISTRATORS,
    REFUSALS,
    plain,
    show_refusal,
)
from portal.views.staff import no_store

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.after_request(no_store)


@bp.get("/")
@staff(*ADMINISTRATORS)
def commitments():
    """The current report's commitments, retired ones marked, each to edit."""
    report = current_report(db.session)
    return render_template(
        "admin/commitments.html",
        report=report,
        commitments=catalogue.report_commitments(db.session, report) if report else [],
    )


def _commitment_form(report: Report, commitment: Commitment | None = None):
    session = db.session
    form = CommitmentForm(obj=commitment)
    if commitment is not None and not form.is_submitted():
        form.area.data = commitment.area_id
        form.topic.data = commitment.topic_id
        form.target_unit.data = commitment.target_unit_id
        form.baseline_unit.data = commitment.baseline_unit_id
        form.phrasing.data = commitment.phrasing.value
        form.target_value.data = plain(commitment.target_value)
        form.baseline_value.data = plain(commitment.baseline_value)
    names = departments.known_departments(session)
    if commitment is not None and commitment.department not in (None, *names):
        names.append(commitment.department)
    form.set_choices(
        report.areas,
        catalogue.topics(session),
        catalogue.units(session),
        localized,
        names,
    )
    return form


def _fields(form: CommitmentForm) -> catalogue.CommitmentFields:
    return catalogue.CommitmentFields(
        area_id=form.area.data,
        topic_id=form.topic.data,
        title_zh=form.title_zh.data,
        title_en=form.title_en.data or "",
        summary_zh=form.summary_zh.data,
        summary_en=form.summary_en.data or "",
        quote_zh=form.quote_zh.data,
        phrasing=Phrasing(form.phrasing.data),
        target_value=form.target_value.data,
        target_unit_id=form.target_unit.data,
        baseline_value=form.baseline_value.data,
        baseline_unit_id=form.baseline_unit.data,
        baseline_quote_zh=form.baseline_quote_zh.data or None,
        department=form.department.data,
    )


@bp.route("/commitments/new", methods=["GET", "POST"])
@staff(*ADMINISTRATORS)
def new_commitment():
    """Add a commitment to the current report; the audit log records it."""
    report = current_report_or_404(db.session)
    form = _commitment_form(report)
    if form.validate_on_submit():
        try:
            commitment = catalogue.create_commitment(
                db.session, current_user, report, form.code.data, _fields(form)
            )
        except catalogue.CatalogueError as error:
            show_refusal(form, error)
        else:
            flash(
                _("The commitment %(code)s is added.", code=commitment.code), "success"
            )
            return redirect(url_for(".commitments"), code=303)
    status = 400 if form.is_submitted() else 200
    return render_template(
        "admin/commitment_form.html", form=form, commitment=None
    ), status


@bp.route("/commitments/<code>/edit", methods=["GET", "POST"])
@staff(*ADMINISTRATORS)
def edit_commitment(code: str):
    """Change what a commitment says; its code, and so its address, stays."""
    report = current_report_or_404(db.session)
    commitment = get_commitment_or_404(db.session, code)
    form = _commitment_form(report, commitment)
    # The code is the card's address and the open data's key: never edited.
    del form.code
    if form.validate_on_submit():
        try:
            changed = catalogue.edit_commitment(
                db.session, current_user, commitment, _fields(form)
            )
        except catalogue.CatalogueError as error:
            show_refusal(form, error)
        else:
            if changed:
                flash(_("The commitment %(code)s is saved.", code=code), "success")
            else:
                flash(_("Nothing was changed."), "notice")
            return redirect(url_for(".commitments"), code=303)
    status = 400 if form.is_submitted() else 200
    return render_template(
        "admin/commitment_form.html",
        form=form,
        commitment=commitment,
        retire_form=RetireForm(formdata=None),
    ), status


def _change_retirement(code: str, retire: bool):
    commitment = get_commitment_or_404(db.session, code)
    form = RetireForm()
    if not form.validate():
        flash(" ".join(form.reason.errors) or _("Please try again."), "error")
        return redirect(url_for(".edit_commitment", code=code), code=303)
    change = catalogue.retire_commitment if retire else catalogue.unretire_commitment
    try:
        change(db.session, current_user, commitment, reason=form.reason.data or "")
    except catalogue.CatalogueError as error:
        flash(REFUSALS[error.reason](**error.params), "error")
    else:
        if retire:
            flash(
                _(
                    "%(code)s is retired: it has left the list, and its page and "
                    "feedback stay.",
                    code=code,
                ),
                "success",
            )
        else:
            flash(_("%(code)s is back on the list.", code=code), "success")
    return redirect(url_for(".edit_commitment", code=code), code=303)


@bp.post("/commitments/<code>/retire")
@staff(*ADMINISTRATORS)
def retire(code: str):
    """Take a commitment off the list; its address and feedback stay."""
    return _change_retirement(code, retire=True)


@bp.post("/commitments/<code>/unretire")
@staff(*ADMINISTRATORS)
def unretire(code: str):
    """Bring a retired commitment back to the list and to feedback."""
    return _change_retirement(code, retire=False)


@bp.get("/staff")
@staff(*ADMINISTRATORS)
def staff_accounts():
    """Every staff account, its role and whether it may sign in, to change."""
    return render_template(
        "admin/staff.html",
        users=accounts.all_users(db.session),
        role_labels={value: str(label) for value, label in ROLE_LABELS.items()},
    )


def _other_account(username: str):
    """The account named, never the administrator's own (they would lock
    themselves out); 404 when there is none."""
    user = accounts.find_user(db.session, username)
    if user is None:
        abort(404)
    if user.id == current_user.id:
        flash(_("You cannot change or stop your own account here."), "error")
        return None
    return user


@bp.post("/staff/<username>/role")
@staff(*ADMINISTRATORS)
def change_role(username: str):
    """Change what an account may do; it is signed out (in the audit log)."""
    form = StaffRoleForm()
    user = _other_account(username)
    if user is not None and not form.validate():
        flash(" ".join(form.role.errors) or _("Please try again."), "error")
    elif user is not None:
        try:
            accounts.set_role(db.session, user, Role(form.role.data), current_user)
        except accounts.StaffError as error:
            flash(" ".join(error.problems), "error")
        else:
            flash(_("%(name)s's role is changed.", name=user.username), "success")
    return redirect(url_for(".staff_accounts"), code=303)


def _set_access(username: str, active: bool):
    form = StaffAccessForm()
    user = _other_account(username)
    if user is not None and not form.validate():
        flash(_("Please try again."), "error")
    elif user is not None:
        accounts.set_active(db.session, user, active, current_user)
        if active:
            flash(_("%(name)s can sign in again.", name=user.username), "success")
        else:
            flash(
                _(
                    "%(name)s can no longer sign in, and was signed out.",
                    name=user.username,
                ),
                "success",
            )
    return redirect(url_for(".staff_accounts"), code=303)


@bp.post("/staff/<username>/stop")
@staff(*ADMINISTRATORS)
def stop_account(username: str):
    """Stop an account signing in, and end its sessions (in the audit log)."""
    return _set_access(username, active=False)


@bp.post("/staff/<username>/start")
@staff(*ADMINISTRATORS)
def start_account(username: str):
    """Let a stopped account sign in again (in the audit log)."""
    return _set_access(username, active=True)
