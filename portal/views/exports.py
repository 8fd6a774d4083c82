"""Officials' CSV exports: commitments with totals, ratings, published comments.

Each file is written while it is sent (a million ratings never sit in memory),
authorised at download time, never cached, and logged with who took how many
rows (SECURITY.md IN-08, HDR-04, LOG-02).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime

from flask import Blueprint, current_app
from flask_babel import get_timezone
from flask_login import current_user
from sqlalchemy.orm import Session

from portal.access import staff
from portal.csvexport import csv_stream
from portal.extensions import db
from portal.models import Role
from portal.services import exports
from portal.services.departments import Scope, scope_of
from portal.views.staff import no_store

bp = Blueprint("exports", __name__, url_prefix="/dashboard/export")
bp.after_request(no_store)

EXPORTERS = (Role.OFFICIAL, Role.ADMINISTRATOR)


def _download(
    name: str,
    header: Sequence[str],
    rows: Callable[[Session, Scope], Iterable[Sequence]],
):
    """A CSV file named after the export and the district's date, holding only
    the commitments the signed-in official may see (SECURITY.md AC-03)."""
    day = datetime.now(get_timezone()).date().isoformat()
    actor = current_user.id
    scope = scope_of(current_user)

    def counted() -> Iterator[Sequence]:
        # The session is opened here, while the file is sent: Flask tears the
        # view's own down when the view returns, and one reopened after that
        # would never be closed (its connection would leak).
        n = 0
        for row in rows(db.session, scope):
            n += 1
            yield row
        current_app.logger.info(
            "staff %s exported %s (%s): %d rows", actor, name, scope.key, n
        )

    return csv_stream(f"{name}-{day}.csv", header, counted())


@bp.get("/commitments.csv")
@staff(*EXPORTERS)
def commitments():
    """The current report's commitments with progress, ratings and comment totals."""
    return _download("commitments", exports.COMMITMENT_COLUMNS, exports.commitment_rows)


@bp.get("/ratings.csv")
@staff(*EXPORTERS)
def ratings():
    """Every counted rating: commitment, score and days, nothing about the rater."""
    return _download("ratings", exports.RATING_COLUMNS, exports.rating_rows)


@bp.get("/comments.csv")
@staff(*EXPORTERS)
def comments():
    """Every published comment as the public sees it, with sentiment and reply."""
    return _download("comments", exports.COMMENT_COLUMNS, exports.comment_rows)
