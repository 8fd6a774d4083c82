"""Administrators turn a work report's text into a year's cards, after review."""

from __future__ import annotations

from decimal import Decimal

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.access import staff
from portal.extensions import db
from portal.i18n import localized
from portal.import_forms import (
    NEW_UNIT,
    TARGET_UNIT,
    DraftForm,
    PublishForm,
    UploadForm,
)
from portal.models import DraftCommitment, ImportBatch, Phrasing, Role
from portal.reports_import import MESSAGES, ReportImportError, draft_report
from portal.reports_import.english import Glossary, english_title
from portal.services import catalogue_admin as catalogue
from portal.services import report_import, units_admin
from portal.services.catalogue_admin import CatalogueError
from portal.services.units_admin import NewUnit
from portal.views.refusals import REFUSALS
from portal.views.staff import no_store

bp = Blueprint("imports", __name__, url_prefix="/admin/imports")
bp.after_request(no_store)

ADMIN = Role.ADMINISTRATOR


def allow_upload_size() -> None:
    """Before the form is read: an upload may be as large as a report allows."""
    if request.endpoint == "imports.index" and request.method == "POST":
        request.max_content_length = (
            current_app.config["REPORT_UPLOAD_MAX_BYTES"] + 64 * 1024
        )


def _batch_or_404(batch_id: int) -> ImportBatch:
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None:
        abort(404)
    return batch


def _refusal_text(problem: str) -> str:
    """A publishing problem ("duplicate_code:3.5.8") in the reader's words."""
    kind, _sep, detail = problem.partition(":")
    texts = {
        "bad_code": _("The code %(code)s is not like 3.5.8.", code=detail),
        "duplicate_code": _("Two kept drafts have the code %(code)s.", code=detail),
        "no_title": _("The draft %(code)s has no Chinese title.", code=detail),
        "nothing_kept": _("Every draft was dropped: there is nothing to publish."),
        "already_published": _("These drafts were published already."),
        "year_exists": _(
            "The portal already holds a report for %(year)s.", year=detail
        ),
        "unknown_area": _("The report has no area %(code)s.", code=detail),
        "nothing_to_merge": _(
            "There is no earlier kept draft in this area to merge into."
        ),
    }
    return texts.get(kind, problem)


@bp.route("/", methods=["GET", "POST"])
@staff(ADMIN)
def index():
    """Upload a report's text; earlier imports are listed."""
    session = db.session
    form = UploadForm()
    status = 200
    if form.validate_on_submit():
        upload = form.report.data
        try:
            extraction, _source = draft_report(
                upload.stream, max_bytes=current_app.config["REPORT_UPLOAD_MAX_BYTES"]
            )
        except ReportImportError as error:
            form.report.errors = [str(MESSAGES[error.reason]) % error.params]
            status = 400
        else:
            glossary = Glossary.from_session(session)
            batch = report_import.stage(
                session,
                extraction,
                filename=upload.filename or "report.txt",
                actor=current_user.username,
                english=lambda draft: english_title(draft, glossary),
            )
            flash(
                _("%(n)s draft commitments found. Review them, then publish.",
                  n=len(batch.drafts)),
                "success",
            )  # fmt: skip
            return redirect(url_for(".review", batch_id=batch.id), code=303)
    elif form.is_submitted():
        status = 400
    batches = session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()))
    return render_template("imports/index.html", form=form, batches=batches), status


def _choices(form: DraftForm, batch: ImportBatch, units) -> DraftForm:
    form.set_choices(
        report_import.areas(batch), catalogue.topics(db.session), units, localized
    )
    return form


def _offer(choice, new, unit, label: str | None, sent) -> None:
    """Select the unit; with none for words written, offer them as a new one."""
    if choice.name in sent:
        return
    choice.data = unit.key if unit else (NEW_UNIT if label else "")
    if unit is None and label and new.label_zh.name not in sent:
        new.label_zh.data = label
        new.en_scale.data = units_admin.scale_guess(label)


def _preselect(form: DraftForm, draft: DraftCommitment, units, sent=()) -> None:
    """The reviewer's units, else the best guesses from the words as written.
    `sent`: the fields the request carries, left as they are."""
    known = {u.key: u for u in units}
    target = known.get(draft.unit_key) or units_admin.guess(
        units, draft.unit_zh, draft.title_en
    )
    _offer(form.unit_key, form.new_unit, target, draft.unit_zh, sent)
    baseline = known.get(draft.baseline_unit_key)
    label = draft.baseline_unit_zh
    if baseline is None and label and label == draft.unit_zh:
        # The previous year's figure of the same thing counts in the target's unit.
        if form.baseline_unit_key.name not in sent:
            form.baseline_unit_key.data = TARGET_UNIT
        return
    baseline = baseline or units_admin.guess(units, label, draft.title_en)
    _offer(form.baseline_unit_key, form.new_baseline_unit, baseline, label, sent)


def _draft_form(draft: DraftCommitment, units) -> DraftForm:
    form = DraftForm(obj=draft, prefix=f"d{draft.id}", formdata=None)
    form.phrasing.data = draft.phrasing.value
    form.topic_key.data = draft.topic_key or ""
    _preselect(form, draft, units)
    return _choices(form, draft.batch, units)


def _new_draft_form(batch: ImportBatch, units) -> DraftForm:
    form = DraftForm(prefix="new", formdata=None)
    form.phrasing.data = Phrasing.ADVANCE.value
    return _choices(form, batch, units)


def _render_review(batch, *, forms=None, new_form=None, publish_form=None, status=200):
    forms = forms or {}
    units = units_admin.units(db.session)
    return render_template(
        "imports/review.html",
        batch=batch,
        forms={d.id: forms.get(d.id) or _draft_form(d, units) for d in batch.drafts},
        new_form=new_form or _new_draft_form(batch, units),
        publish_form=publish_form or PublishForm(year=batch.year, formdata=None),
        kept=sum(1 for d in batch.drafts if not d.dropped),
        needs_english=sum(1 for d in batch.drafts if not d.dropped and d.needs_english),
    ), status


def _unit(choice, new) -> str | NewUnit | None:
    """A unit's key, the new unit described, or None."""
    if choice.data == NEW_UNIT:
        scale = new.en_scale.data
        return NewUnit(
            new.label_zh.data, new.label_en.data, Decimal(1 if scale is None else scale)
        )
    return choice.data or None


def _edit(form: DraftForm) -> report_import.DraftEdit:
    """The reviewer's words, as the service takes them."""
    unit = _unit(form.unit_key, form.new_unit)
    baseline_unit = (
        unit
        if form.baseline_unit_key.data == TARGET_UNIT
        else _unit(form.baseline_unit_key, form.new_baseline_unit)
    )
    return report_import.DraftEdit(
        code=form.code.data,
        area_code=form.area_code.data,
        title_zh=form.title_zh.data,
        title_en=form.title_en.data or "",
        quote_zh=form.quote_zh.data,
        target_value=form.target_value.data,
        unit=unit,
        phrasing=Phrasing(form.phrasing.data),
        summary_zh=form.summary_zh.data or "",
        summary_en=form.summary_en.data or "",
        topic_key=form.topic_key.data or None,
        baseline_value=form.baseline_value.data,
        baseline_unit=baseline_unit,
        baseline_quote_zh=form.baseline_quote_zh.data,
    )


def _refused(form: DraftForm, error: Exception) -> None:
    """Say beside its field why the service refused the draft: its area, or a
    unit ("new_unit-label_en": the new unit's English name)."""
    if isinstance(error, report_import.ImportRefused):
        form.area_code.errors = [_refusal_text(error.problems[0])]
        return
    choice, _dash, part = error.field.partition("-")
    chosen = {"unit": form.unit_key, "baseline_unit": form.baseline_unit_key}
    described = {"unit": form.new_unit, "baseline_unit": form.new_baseline_unit}
    field = described[choice][part] if part else chosen[choice]
    message = REFUSALS[error.reason](**error.params)
    field.errors = [*field.errors, message]


@bp.get("/<int:batch_id>")
@staff(ADMIN)
def review(batch_id: int):
    """Every draft with its report words, to edit, merge, drop or translate."""
    return _render_review(_batch_or_404(batch_id))


@bp.post("/<int:batch_id>/drafts/<int:draft_id>")
@staff(ADMIN)
def change_draft(batch_id: int, draft_id: int):
    """Save, merge, drop or restore one draft."""
    session = db.session
    batch = _batch_or_404(batch_id)
    draft = session.get(DraftCommitment, draft_id)
    if draft is None or draft.batch_id != batch.id or batch.published_at:
        abort(404)
    action = request.form.get("action", "save")
    anchor = f"draft-{draft.id}"
    # The CSRF token was checked for every POST before this view (CSRFProtect).
    if action in ("drop", "restore", "merge"):
        if action == "merge":
            try:
                kept = report_import.merge_into_previous(session, draft)
            except report_import.ImportRefused as error:
                flash(_refusal_text(error.problems[0]), "error")
                return redirect(url_for(".review", batch_id=batch.id, _anchor=anchor))
            anchor = f"draft-{kept.id}"
        else:
            report_import.set_dropped(session, draft, action == "drop")
        return redirect(url_for(".review", batch_id=batch.id, _anchor=anchor), code=303)
    # A field the request leaves out keeps the draft's value; an empty one clears.
    units = units_admin.units(session)
    form = _choices(DraftForm(prefix=f"d{draft.id}", obj=draft), batch, units)
    form.topic_key.data = form.topic_key.data or ""
    _preselect(form, draft, units, sent=request.form)
    if not form.validate():
        return _render_review(batch, forms={draft.id: form}, status=400)
    try:
        report_import.edit_draft(session, draft, _edit(form), current_user)
    except (report_import.ImportRefused, CatalogueError) as error:
        _refused(form, error)
        return _render_review(batch, forms={draft.id: form}, status=409)
    flash(_("Draft %(code)s is saved.", code=draft.code), "success")
    return redirect(url_for(".review", batch_id=batch.id, _anchor=anchor), code=303)


@bp.post("/<int:batch_id>/drafts/new")
@staff(ADMIN)
def add_draft(batch_id: int):
    """Add a commitment the extraction missed."""
    batch = _batch_or_404(batch_id)
    if batch.published_at:
        abort(404)
    form = _choices(DraftForm(prefix="new"), batch, units_admin.units(db.session))
    if not form.validate():
        return _render_review(batch, new_form=form, status=400)
    try:
        draft = report_import.add_draft(db.session, batch, _edit(form), current_user)
    except (report_import.ImportRefused, CatalogueError) as error:
        _refused(form, error)
        return _render_review(batch, new_form=form, status=409)
    flash(_("Draft %(code)s is added.", code=draft.code), "success")
    return redirect(
        url_for(".review", batch_id=batch.id, _anchor=f"draft-{draft.id}"), code=303
    )


@bp.post("/<int:batch_id>/publish")
@staff(ADMIN)
def publish(batch_id: int):
    """The kept drafts become the commitments of a report year."""
    session = db.session
    batch = _batch_or_404(batch_id)
    form = PublishForm()
    if not form.validate():
        return _render_review(batch, publish_form=form, status=400)
    try:
        report = report_import.publish(
            session,
            batch,
            current_user,
            year=form.year.data,
            district_zh=form.district_zh.data,
            district_en=form.district_en.data,
            make_current=form.make_current.data,
        )
    except report_import.ImportRefused as error:
        form.form_errors.extend(_refusal_text(p) for p in error.problems)
        return _render_review(batch, publish_form=form, status=409)
    kept = sum(1 for d in batch.drafts if not d.dropped)
    flash(
        _("The %(year)s report is published with %(n)s commitments.",
          year=report.year, n=kept),
        "success",
    )  # fmt: skip
    return redirect(url_for("cards.index"), code=303)
