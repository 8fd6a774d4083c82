"""The public card list and the page of each commitment."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    render_template,
    request,
)
from flask_login import current_user

from portal.access import is_official, public
from portal.extensions import db
from portal.forms import (
    SEARCH_MAX_LENGTH,
    CommentForm,
    FilterForm,
    FlagForm,
    RatingForm,
    VerdictForm,
)
from portal.i18n import localized
from portal.pagecache import cached_page, personal_page
from portal.residents import resident_key
from portal.screening.text import strip_control_characters
from portal.services import comments, ratings, replies
from portal.services import commitments as service
from portal.services.departments import can_act_on
from portal.services.own_feedback import has_own_feedback

bp = Blueprint("cards", __name__)


@bp.get("/")
@public
def index():
    """Every commitment of the current report as cards, filtered and sorted."""
    return cached_page(_render_index)


def _render_index() -> tuple[str, int]:
    """The card list as the request asks for it, and its status."""
    session = db.session
    year = request.args.get("year", type=int)
    report = service.report_of_year(session, year)
    if report is None:
        if year is not None:
            abort(404)
        return render_template("cards/empty.html"), 503
    form = FilterForm(formdata=request.args)
    areas, topics = service.areas_and_topics(session, report)
    form.set_choices(areas, topics, localized)
    form.validate()
    status = 200
    if form.q.errors:
        # Unusable search: say why, and keep the page small and clean.
        status = 400
        form.q.data = strip_control_characters(form.q.data or "")[:SEARCH_MAX_LENGTH]
    filters = form.filters()
    per_page = current_app.config["PAGE_SIZE"]
    page = service.search_commitments(session, report, filters, per_page)
    if page.page > page.pages:
        filters = service.Filters(**{**filters.__dict__, "page": page.pages})
        page = service.search_commitments(session, report, filters, per_page)
    ids = [c.id for c in page.items]
    updates = service.latest_updates(session, page.items)
    return (
        render_template(
            "cards/index.html",
            report=report,
            form=form,
            filters=filters,
            page=page,
            updates=updates,
            summaries=ratings.summaries(session, ids),
            comment_counts=comments.comment_counts(session, ids),
            reports=service.all_reports(session),
        ),
        status,
    )


@bp.get("/c/<code>")
@public
def detail(code: str):
    """One commitment: its target, the report's words, status, progress, feedback."""
    session = db.session
    year = request.args.get("year", type=int)

    def render() -> tuple[str, int, int]:
        commitment = service.get_commitment_or_404(session, code, year)
        # As a visitor with nothing of their own there sees it.
        return _commitment_html(commitment, None), 200, commitment.id

    key = resident_key()
    kept = personal_page(render, lambda id_: has_own_feedback(session, key, id_))
    if kept is not None:
        return kept
    return render_commitment(service.get_commitment_or_404(session, code, year))


def render_commitment(
    commitment,
    *,
    rating_form=None,
    comment_form=None,
    verdict_form=None,
    verdict_for=None,
    showing=None,
    status=200,
):
    """The commitment page, with feedback forms as sent back when they had errors."""
    response = make_response(
        _commitment_html(
            commitment,
            resident_key(),
            rating_form=rating_form,
            comment_form=comment_form,
            verdict_form=verdict_form,
            verdict_for=verdict_for,
            showing=showing,
        ),
        status,
    )
    # Carries this visitor's form token, own score and comments awaiting review.
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _commitment_html(
    commitment,
    key: str | None,
    *,
    rating_form=None,
    comment_form=None,
    verdict_form=None,
    verdict_for=None,
    showing=None,
) -> str:
    """The commitment page as the resident with this key (or none) sees it."""
    session = db.session
    thread = comments.visible_comments(
        session,
        commitment,
        key,
        page=request.args.get("comments", type=int),
        showing=showing or request.args.get("comment", type=int),
    )
    reply_ids = [c.reply.id for c in thread.comments if c.reply is not None]
    updates = commitment.updates
    return render_template(
        "cards/detail.html",
        commitment=commitment,
        updates=updates,
        latest=updates[0] if updates else None,
        summary=ratings.summaries(session, [commitment.id]).get(commitment.id),
        my_score=ratings.resident_scores(session, key, [commitment.id]).get(
            commitment.id
        ),
        thread=thread,
        my_key=key,
        rating_form=rating_form or RatingForm(scope=commitment.code),
        comment_form=comment_form or CommentForm(scope=commitment.code),
        flag_form=FlagForm(),
        is_official=is_official() and can_act_on(current_user, commitment),
        my_verdicts=replies.resident_verdicts(session, key, reply_ids),
        blank_verdict_form=VerdictForm(formdata=None),
        verdict_form=verdict_form,
        verdict_errors_for=verdict_for,
    )
