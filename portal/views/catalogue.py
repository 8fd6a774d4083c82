"""Administrators' pages for the areas of work, topics and units."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.access import staff
from portal.admin_forms import (
    AreaForm,
    DeleteForm,
    TopicForm,
    UnitForm,
)
from portal.extensions import db
from portal.models import Area, Commitment, Topic, Unit
from portal.services import areas_topics_admin, units_admin
from portal.services import catalogue_admin as catalogue
from portal.services.commitments import current_report, current_report_or_404
from portal.views.refusals import (
    ADMINISTRATORS,
    REFUSALS,
    plain,
    show_refusal,
)
from portal.views.staff import no_store

bp = Blueprint("catalogue", __name__, url_prefix="/admin")
bp.after_request(no_store)


@bp.get("/areas")
@staff(*ADMINISTRATORS)
def areas():
    """The current report's areas of work, with how many commitments each has."""
    report = current_report(db.session)
    return render_template(
        "admin/areas.html",
        report=report,
        areas=report.areas if report else [],
        counts=areas_topics_admin.commitment_counts(db.session, Commitment.area_id),
        delete_form=DeleteForm(formdata=None),
    )


def _area_or_404(area_id: int) -> Area:
    """An area of the current report, or 404."""
    area = db.session.get(Area, area_id)
    if area is None or area.report_id != current_report_or_404(db.session).id:
        abort(404)
    return area


@bp.route("/areas/new", methods=["GET", "POST"])
@staff(*ADMINISTRATORS)
def new_area():
    """Add an area of work to the current report."""
    report = current_report_or_404(db.session)
    form = AreaForm()
    if form.validate_on_submit():
        try:
            area = areas_topics_admin.create_area(
                db.session,
                current_user,
                report,
                form.code.data,
                form.name_zh.data,
                form.name_en.data,
            )
        except catalogue.CatalogueError as error:
            show_refusal(form, error)
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
        if areas_topics_admin.rename(
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
        counts=areas_topics_admin.commitment_counts(db.session, Commitment.topic_id),
        delete_form=DeleteForm(formdata=None),
    )


@bp.route("/topics/new", methods=["GET", "POST"])
@staff(*ADMINISTRATORS)
def new_topic():
    """Add a topic commitments can be filed under."""
    form = TopicForm()
    if form.validate_on_submit():
        try:
            topic = areas_topics_admin.create_topic(
                db.session,
                current_user,
                form.key.data,
                form.name_zh.data,
                form.name_en.data,
            )
        except catalogue.CatalogueError as error:
            show_refusal(form, error)
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
        if areas_topics_admin.rename(
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
    return _delete(area, areas_topics_admin.delete_area, done, ".areas")


@bp.post("/topics/<int:topic_id>/delete")
@staff(*ADMINISTRATORS)
def delete_topic(topic_id: int):
    """Delete a topic that no commitment is filed under."""
    topic = db.session.get(Topic, topic_id)
    if topic is None:
        abort(404)
    done = _("The topic %(key)s is deleted.", key=topic.key)
    return _delete(topic, areas_topics_admin.delete_topic, done, ".topics")


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
        form.en_scale.data = plain(unit.en_scale)
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
            show_refusal(form, error)
        else:
            flash(done or _("Nothing was changed."), "success" if done else "notice")
            return redirect(url_for(".units"), code=303)
    status = 400 if form.is_submitted() else 200
    return render_template("admin/unit_form.html", form=form, unit=unit), status
