"""Officials' progress updates: the card's status follows the latest one."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.models import Commitment, ProgressUpdate, StaffUser, Status
from portal.services import audit
from portal.services.departments import can_act_on
from portal.services.transactions import in_transaction


class NotYourDepartment(PermissionError):
    """The commitment belongs to another department than the official's."""


def post_update(
    session: Session,
    commitment: Commitment,
    official: StaffUser,
    *,
    reported_on: date,
    value: Decimal | None,
    status: Status,
    note_zh: str,
    note_en: str,
) -> ProgressUpdate:
    """Add a dated update; the commitment takes the status of its newest update.

    Only an official who may act on the commitment (its department's, or
    district-wide) may post one: NotYourDepartment otherwise."""
    if not can_act_on(official, commitment):
        raise NotYourDepartment(commitment.code)

    def work() -> ProgressUpdate:
        update = ProgressUpdate(
            commitment_id=commitment.id,
            reported_on=reported_on,
            value=value,
            status=status,
            note_zh=note_zh,
            note_en=note_en,
        )
        session.add(update)
        session.flush()
        newest = session.scalar(
            select(ProgressUpdate)
            .where(ProgressUpdate.commitment_id == commitment.id)
            .order_by(ProgressUpdate.reported_on.desc(), ProgressUpdate.id.desc())
            .limit(1)
        )
        before = {"status": commitment.status.value}
        commitment.status = newest.status
        commitment.updated_at = utcnow()
        audit.record(
            session,
            official,
            "progress.add",
            update,
            before=before,
            after={
                "commitment": commitment.code,
                "reported_on": reported_on.isoformat(),
                "value": None if value is None else str(value),
                "status": status.value,
            },
        )
        return update

    return in_transaction(session, work)
