"""The officials' dashboard: what residents think, where, and how it changes."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.access import refuse, staff
from portal.extensions import db
from portal.i18n import localized, report_section
from portal.models import Comment, CommentStatus, Role
from portal.pagecache import staff_page
from portal.services import dashboard, departments, replies, themes, working_days
from portal.services.commitments import current_report_or_404, get_commitment_or_404
from portal.services.insight_totals import DISTRICT, area_scope, commitment_scope
from portal.views.staff import no_store

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
bp.after_request(no_store)

OFFICIALS = (Role.OFFICIAL, Role.ADMINISTRATOR)


def _examples(stored: themes.StoredThemes | None) -> dict[int, Comment]:
    """The published comments the themes point to, by id, for quoting and links."""
    if stored is None:
        return {}
    ids = {
        comment_id
        for side in (stored.negative, stored.positive)
        for theme in side["themes"]
        for comment_id in theme["example_ids"]
    }
    if not ids:
        return {}
    rows = db.session.scalars(
        select(Comment)
        .where(Comment.id.in_(ids), Comment.status == CommentStatus.PUBLISHED)
        .options(joinedload(Comment.commitment))
    )
    return {c.id: c for c in rows}


def _render(
    scope: str,
    report=None,
    *,
    printing: bool,
    area=None,
    commitment=None,
    heading: str | None = None,
):
    """The dashboard page of one scope, kept per user. Without a report: the
    current one, under its district's name, loaded only to draw the page (a
    kept page is dropped when any report changes)."""
    session = db.session
    today = working_days.today()
    seen = departments.scope_of(current_user)

    def render() -> str:
        shown = report or current_report_or_404(session)
        overview = dashboard.overview(
            session, shown, today, area=area, commitment=commitment, scope=seen
        )
        # District and area themes draw on other departments' comments too.
        whole = seen.everything or commitment is not None
        stored = themes.stored(session, scope) if whole else None
        waiting = None
        if commitment is not None:
            waiting = replies.awaiting_reply(
                session, today, commitment.id, limit=10, scope=seen
            )
        return render_template(
            "dashboard/overview.html",
            o=overview,
            report=shown,
            area=area,
            commitment=commitment,
            heading=heading or localized(shown, "district"),
            themes=stored,
            examples=_examples(stored),
            waiting=waiting,
            printing=printing,
            today=today,
            seen=seen,
        )

    return staff_page(render, day=today, scope=seen.key)


@bp.get("/")
@staff(*OFFICIALS)
def index():
    """The district: figures, trends, themes, needs attention, areas, commitments."""
    return _render(DISTRICT, printing=False)


@bp.get("/area/<code>", defaults={"printing": False})
@bp.get("/area/<code>/print", endpoint="area_print", defaults={"printing": True})
@staff(*OFFICIALS)
def area(code: str, printing: bool):
    """One area of work of the report and its commitments (or its A4 print view)."""
    report = current_report_or_404(db.session)
    found = dashboard.area_or_404(db.session, report, code)
    if not dashboard.area_visible(db.session, found, current_user):
        refuse(f"area {found.code}")
    heading = f"{report_section(found.code)} {localized(found, 'name')}"
    return _render(
        area_scope(found.id), report, printing=printing, area=found, heading=heading
    )


@bp.get("/c/<code>", defaults={"printing": False})
@bp.get("/c/<code>/print", endpoint="commitment_print", defaults={"printing": True})
@staff(*OFFICIALS)
def commitment(code: str, printing: bool):
    """One commitment: ratings, tone, trend, themes and what waits for a reply
    (or its A4 print view)."""
    found = get_commitment_or_404(db.session, code)
    if not departments.can_act_on(current_user, found):
        refuse(f"commitment {found.code}")
    return _render(
        commitment_scope(found.id),
        found.report,
        printing=printing,
        commitment=found,
        heading=f"{found.code} {localized(found, 'title')}",
    )
