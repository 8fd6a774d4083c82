"""Administrators manage the current report's commitments, its areas, topics and
units."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from portal.access import staff
from portal.admin_forms import (
    AreaForm,
    CommitmentForm,
    DeleteForm,
    RetireForm,
    TopicForm,
    UnitForm,
)
from portal.extensions import db
from portal.i18n import localized
from portal.models import Area, Commitment, Phrasing, Report, Role, Topic, Unit
from portal.services import catalogue_admin as catalogue
from portal.services import departments, units_admin
from portal.services.commitments import current_report, get_commitment_or_404
from portal.views.staff import no_store

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.after_request(no_store)

ADMINISTRATORS = (Role.ADMINISTRATOR,)

# What each refusal of the service means, said beside the field it concerns.
REFUSALS = {
    "bad_code": lambda: _(
        "Use the report's numbering: digits and letters separated by dots, "
        "at most 20 characters (e.g. 3.5.8)."
    ),
    "duplicate_code": lambda: _(
        "Another commitment of this report has this code. Please choose another."
    ),
    "duplicate_area": lambda: _(
        "Another area of this report has this code. Please choose another."
    ),
    "bad_key": lambda: _(
        "Use lower-case letters, digits and _ only, starting with a letter."
    ),
    "duplicate_topic": lambda: _("Another topic has this key. Please choose another."),
    "unknown_area": lambda: _("Please choose one of the report's areas."),
    "unknown_topic": lambda: _("Please choose one of the topics."),
    "unknown_unit": lambda: _("Please choose one of the units."),
    "unknown_department": lambda: _(
        "Please choose one of the departments that staff accounts belong to."
    ),
    "duplicate_unit": lambda: _(
        "A unit with these names and this scale exists already: choose it in the list."
    ),
    "unit_zh_needed": lambda: _("Please write the new unit's Chinese name."),
    "unit_en_needed": lambda: _("Please write the new unit's name in English."),
    "bad_scale": lambda: _("Please enter a number greater than 0."),
    "target_needed": lambda: _(
        "This phrasing needs a target figure. Enter it, or choose a phrasing "
        "without a figure."
    ),
    "baseline_needed": lambda: _("A unit for the 2024 figure needs the figure itself."),
    "already_retired": lambda: _("This commitment was retired already."),
    "not_retired": lambda: _("This commitment is not retired."),
    "area_in_use": lambda n: ngettext(
        "This area cannot be deleted: %(num)s commitment stands in it. Move it "
        "to another area first.",
        "This area cannot be deleted: %(num)s commitments stand in it. Move "
        "them to another area first.",
        n,
    ),
    "topic_in_use": lambda n: ngettext(
        "This topic cannot be deleted: %(num)s commitment is filed under it. "
        "File it under another topic first.",
        "This topic cannot be deleted: %(num)s commitments are filed under it. "
        "File them under another topic first.",
        n,
    ),
}


def _report_or_404() -> Report:
    """The current report: administrators manage the one residents see."""
    report = current_report(db.session)
    if report is None:
        abort(404)
    return report


def _show_refusal(form, error: catalogue.CatalogueError) -> None:
    """Put the service's refusal beside its field, or above the form."""
    message = REFUSALS[error.reason](**error.params)
    field = getattr(form, error.field, None) if error.field else None
    if field is None:
        form.form_errors.append(message)
    else:
        field.errors = [*field.errors, message]


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


def _plain(value: Decimal | None) -> Decimal | None:
    """40, not the stored 40.0000, in the form's box."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _commitment_form(report: Report, commitment: Commitment | None = None):
    session = db.session
    form = CommitmentForm(obj=commitment)
    if commitment is not None and not form.is_submitted():
        form.area.data = commitment.area_id
        form.topic.data = commitment.topic_id
        form.target_unit.data = commitment.target_unit_id
        form.baseline_unit.data = commitment.baseline_unit_id
        form.phrasing.data = commitment.phrasing.value
        form.target_value.data = _plain(commitment.target_value)
        form.baseline_value.data = _plain(commitment.baseline_value)
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
    report = _report_or_404()
    form = _commitment_form(report)
    if form.validate_on_submit():
        try:
            commitment = catalogue.create_commitment(
                db.session, current_user, report, form.code.data, _fields(form)
            )
        except catalogue.CatalogueError as error:
            _show_refusal(form, error)
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
    report = _report_or_404()
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
            _show_refusal(form, error)
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


@bp.get("/areas")
@staff(*ADMINISTRATORS)
def areas():
    """The current report's areas of work, with how many commitments each has."""
    report = current_report(db.session)
    return render_template(
        "admin/areas.html",
        report=report,
        areas=report.areas if report else [],
        counts=catalogue.commitment_counts(db.session, Commitment.area_id),
        delete_form=DeleteForm(formdata=None),
    )


def _area_or_404(area_id: int) -> Area:
    """An area of the current report, or 404."""
    area = db.session.get(Area, area_id)
    if area is None or area.report_id != _report_or_404().id:
        abort(404)
    return area


@bp.route("/areas/new", methods=["GET", "POST"])
@staff(*ADMINISTRATORS)
def new_area():
    """Add an area of work to the current report."""
    report = _report_or_404()
    form = AreaForm()
    if form.validate_on_submit():
        try:
            area = catalogue.create_area(
                db.session,
                current_user,
                report,
                form.code.data,
                form.name_zh.data,
                form.name_en.data,
            )
        except catalogue.CatalogueError as error:
            _show_refusal(form, error)
        else:
            flash(_("The area %(code)s is added.", code=area.code), "success")
            return redirect(url_for(".areas"), code=303)
    status = 400 if form.is_submitted() else 200
    return render_template("admin/area_form.html", form=form, area=None), status


@bp.route("/areas/<int:area_id>/edit", methods=["GET", "POST"])
@staff(*ADMINISTRATORS)
def edit_area(area_id: int):
    """Rename an area in either language; its code stays."""
    area = _area_or_404(area_id)
    form = AreaForm(obj=area)
    del form.code
    if form.validate_on_submit():
        if catalogue.rename(
            db.session, current_user, area, form.name_zh.data, form.name_en.data
        ):
            flash(_("The area %(code)s is saved.", code=area.code), "success")
        else:
            flash(_("Nothing was changed."), "notice")
        return redirect(url_for(".areas"), code=303)
    status = 400 if form.is_submitted() else 200
    return render_template("admin/area_form.html", form=form, area=area), status


@bp.get("/topics")
@staff(*ADMINISTRATORS)
def topics():
    """Every topic, with how many commitments use it."""
    return render_template(
        "admin/topics.html",
        topics=catalogue.topics(db.session),
        counts=catalogue.commitment_counts(db.session, Commitment.topic_id),
        delete_form=DeleteForm(formdata=None),
    )


@bp.route("/topics/new", methods=["GET", "POST"])
@staff(*ADMINISTRATORS)
def new_topic():
    """Add a topic commitments can be filed under."""
    form = TopicForm()
    if form.validate_on_submit():
        try:
            topic = catalogue.create_topic(
                db.session,
                current_user,
                form.key.data,
                form.name_zh.data,
                form.name_en.data,
            )
        except catalogue.CatalogueError as error:
            _show_refusal(form, error)
        else:
            flash(_("The topic %(key)s is added.", key=topic.key), "success")
            return redirect(url_for(".topics"), code=303)
    status = 400 if form.is_submitted() else 200
    return render_template("admin/topic_form.html", form=form, topic=None), status


@bp.route("/topics/<int:topic_id>/edit", methods=["GET", "POST"])
@staff(*ADMINISTRATORS)
def edit_topic(topic_id: int):
    """Rename a topic in either language; its key stays."""
    topic = db.session.get(Topic, topic_id)
    if topic is None:
        abort(404)
    form = TopicForm(obj=topic)
    del form.key
    if form.validate_on_submit():
        if catalogue.rename(
            db.session, current_user, topic, form.name_zh.data, form.name_en.data
        ):
            flash(_("The topic %(key)s is saved.", key=topic.key), "success")
        else:
            flash(_("Nothing was changed."), "notice")
        return redirect(url_for(".topics"), code=303)
    status = 400 if form.is_submitted() else 200
    return render_template("admin/topic_form.html", form=form, topic=topic), status


def _delete(row: Area | Topic, delete, done: str, back: str):
    """Delete an unused area or topic; otherwise say why not, and keep it."""
    if not DeleteForm().validate():
        abort(400)
    try:
        delete(db.session, current_user, row)
    except catalogue.CatalogueError as error:
        flash(REFUSALS[error.reason](**error.params), "error")
    else:
        flash(done, "success")
    return redirect(url_for(back), code=303)


@bp.post("/areas/<int:area_id>/delete")
@staff(*ADMINISTRATORS)
def delete_area(area_id: int):
    """Delete an area of the current report that no commitment stands in."""
    area = _area_or_404(area_id)
    done = _("The area %(code)s is deleted.", code=area.code)
    return _delete(area, catalogue.delete_area, done, ".areas")


@bp.post("/topics/<int:topic_id>/delete")
@staff(*ADMINISTRATORS)
def delete_topic(topic_id: int):
    """Delete a topic that no commitment is filed under."""
    topic = db.session.get(Topic, topic_id)
    if topic is None:
        abort(404)
    done = _("The topic %(key)s is deleted.", key=topic.key)
    return _delete(topic, catalogue.delete_topic, done, ".topics")


@bp.get("/units")
@staff(*ADMINISTRATORS)
def units():
    """Every unit, with how many commitments count in it."""
    return render_template(
        "admin/units.html",
        units=units_admin.units(db.session),
        counts=units_admin.unit_counts(db.session),
    )


@bp.route("/units/new", methods=["GET", "POST"])
@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
@staff(*ADMINISTRATORS)
def unit_form(unit_id: int | None = None):
    """Add a unit, or rename one or change its scale; its key stays."""
    unit = db.session.get(Unit, unit_id) if unit_id is not None else None
    if unit_id is not None and unit is None:
        abort(404)
    form = UnitForm(obj=unit)
    if unit is not None and not form.is_submitted():
        form.en_scale.data = _plain(unit.en_scale)
    if form.validate_on_submit():
        new = units_admin.NewUnit(
            form.label_zh.data, form.label_en.data, form.en_scale.data
        )
        try:
            if unit is None:
                unit = units_admin.create_unit(db.session, current_user, new)
                done = _("The unit %(key)s is added.", key=unit.key)
            elif units_admin.edit_unit(db.session, current_user, unit, new):
                done = _("The unit %(key)s is saved.", key=unit.key)
            else:
                done = None
        except catalogue.CatalogueError as error:
            _show_refusal(form, error)
        else:
            flash(done or _("Nothing was changed."), "success" if done else "notice")
            return redirect(url_for(".units"), code=303)
    status = 400 if form.is_submitted() else 200
    return render_template("admin/unit_form.html", form=form, unit=unit), status
