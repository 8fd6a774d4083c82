"""Administrators' changes to commitments, areas and topics, each in the audit log.

One commit per use case. A change that breaks a rule raises CatalogueError with
the form field it belongs to, so the view can show it beside that field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from portal.db import as_utc, utcnow
from portal.models import Area, Commitment, Phrasing, Report, StaffUser, Topic, Unit
from portal.services import audit, departments
from portal.services.commitments import CODE
from portal.services.transactions import in_transaction

# Topics are named in links (?topic=schools): lower-case letters, digits, "_".
TOPIC_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")


class CatalogueError(Exception):
    """The change breaks a rule; `field` is the form field, `reason` a key."""

    def __init__(self, field: str | None, reason: str, **params: object) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
        # Figures the message names, such as how many commitments use a topic.
        self.params = params


@dataclass(frozen=True)
class CommitmentFields:
    """What an administrator writes about a commitment (everything but its code)."""

    area_id: int
    topic_id: int
    title_zh: str
    title_en: str
    summary_zh: str
    summary_en: str
    quote_zh: str
    phrasing: Phrasing
    target_value: Decimal | None = None
    target_unit_id: int | None = None
    baseline_value: Decimal | None = None
    baseline_unit_id: int | None = None
    baseline_quote_zh: str | None = None
    department: str | None = None


def _code_key(code: str) -> tuple:
    """Report order of codes: "3.10" after "3.9", numbers before letters."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in code.split(".")
    )


def _insert_position(session: Session, model, report_id: int, code: str) -> int:
    """The position a new code takes in report order; later rows move down one."""
    rows = session.execute(
        select(model.code, model.position).where(model.report_id == report_id)
    ).all()
    key = _code_key(code)
    before = [position for other, position in rows if _code_key(other) < key]
    after = [position for other, position in rows if _code_key(other) > key]
    if before:
        position = max(before) + 1
    elif after:
        position = min(after)
    else:
        return 0
    session.execute(
        update(model)
        .where(model.report_id == report_id, model.position >= position)
        .values(position=model.position + 1)
    )
    return position


def _number(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _snapshot(commitment: Commitment) -> dict:
    """The editable facts of a commitment, as the audit log keeps them."""
    return {
        "code": commitment.code,
        "area": commitment.area.code,
        "topic": commitment.topic.key,
        "title_zh": commitment.title_zh,
        "title_en": commitment.title_en,
        "summary_zh": commitment.summary_zh,
        "summary_en": commitment.summary_en,
        "quote_zh": commitment.quote_zh,
        "phrasing": commitment.phrasing.value,
        "target_value": _number(commitment.target_value),
        "target_unit": commitment.target_unit.key if commitment.target_unit else None,
        "baseline_value": _number(commitment.baseline_value),
        "baseline_unit": (
            commitment.baseline_unit.key if commitment.baseline_unit else None
        ),
        "baseline_quote_zh": commitment.baseline_quote_zh,
        "needs_english": commitment.needs_english,
        "department": commitment.department,
    }


def _changes(before: dict, after: dict) -> tuple[dict, dict]:
    """Only what changed, before and after."""
    keys = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def _check_fields(
    session: Session,
    report: Report,
    values: CommitmentFields,
    current: Commitment | None = None,
) -> None:
    """Refuse an area of another report, unknown topics, units or departments, a
    missing target."""
    if not departments.assignable(
        session, values.department, current.department if current else None
    ):
        raise CatalogueError("department", "unknown_department")
    area = session.get(Area, values.area_id)
    if area is None or area.report_id != report.id:
        raise CatalogueError("area", "unknown_area")
    if session.get(Topic, values.topic_id) is None:
        raise CatalogueError("topic", "unknown_topic")
    for name in ("target_unit_id", "baseline_unit_id"):
        unit_id = getattr(values, name)
        if unit_id is not None and session.get(Unit, unit_id) is None:
            raise CatalogueError(name.removesuffix("_id"), "unknown_unit")
    if values.phrasing.is_quantified and values.target_value is None:
        raise CatalogueError("target_value", "target_needed")
    if values.baseline_value is None and values.baseline_unit_id is not None:
        raise CatalogueError("baseline_value", "baseline_needed")


def _apply(commitment: Commitment, values: CommitmentFields) -> None:
    for field in fields(values):
        setattr(commitment, field.name, getattr(values, field.name))
    # Saving a written English title is the administrator's review of it.
    if values.title_en.strip():
        commitment.needs_english = False


def _flush_or_refuse(session: Session, field: str, reason: str) -> None:
    try:
        session.flush()
    except IntegrityError:
        # Another administrator took the same code or key a moment earlier.
        raise CatalogueError(field, reason) from None


def report_commitments(session: Session, report: Report) -> list[Commitment]:
    """Every commitment of a report in report order, retired ones included."""
    return list(
        session.scalars(
            select(Commitment)
            .options(joinedload(Commitment.area), joinedload(Commitment.topic))
            .where(Commitment.report_id == report.id)
            .order_by(Commitment.position)
        )
    )


def topics(session: Session) -> list[Topic]:
    """Every topic, by key."""
    return list(session.scalars(select(Topic).order_by(Topic.key)))


def units(session: Session) -> list[Unit]:
    """Every unit, by key."""
    return list(session.scalars(select(Unit).order_by(Unit.key)))


def create_commitment(
    session: Session,
    actor: StaffUser,
    report: Report,
    code: str,
    values: CommitmentFields,
) -> Commitment:
    """Add a commitment to a report under a code no other commitment of it has."""
    code = code.strip()
    if not CODE.fullmatch(code):
        raise CatalogueError("code", "bad_code")

    def work() -> Commitment:
        _check_fields(session, report, values)
        taken = session.scalar(
            select(Commitment.id).where(
                Commitment.report_id == report.id, Commitment.code == code
            )
        )
        if taken is not None:
            raise CatalogueError("code", "duplicate_code")
        commitment = Commitment(
            report_id=report.id,
            code=code,
            position=_insert_position(session, Commitment, report.id, code),
        )
        _apply(commitment, values)
        session.add(commitment)
        _flush_or_refuse(session, "code", "duplicate_code")
        session.refresh(commitment)
        audit.record(
            session, actor, "commitment.create", commitment, after=_snapshot(commitment)
        )
        return commitment

    return in_transaction(session, work)


def edit_commitment(
    session: Session, actor: StaffUser, commitment: Commitment, values: CommitmentFields
) -> bool:
    """Change what a commitment says; False when nothing changed (nothing logged)."""

    def work() -> bool:
        _check_fields(session, commitment.report, values, commitment)
        before = _snapshot(commitment)
        _apply(commitment, values)
        session.flush()
        session.refresh(commitment)
        old, new = _changes(before, _snapshot(commitment))
        if not new:
            return False
        commitment.updated_at = utcnow()
        audit.record(
            session, actor, "commitment.edit", commitment, before=old, after=new
        )
        return True

    return in_transaction(session, work)


def retire_commitment(
    session: Session, actor: StaffUser, commitment: Commitment, reason: str = ""
) -> None:
    """Take a commitment off the list; its page, address and feedback stay."""

    def work() -> None:
        if commitment.retired_at is not None:
            raise CatalogueError(None, "already_retired")
        commitment.retired_at = utcnow()
        audit.record(
            session,
            actor,
            "commitment.retire",
            commitment,
            before={"code": commitment.code, "retired_at": None},
            after={
                "code": commitment.code,
                "retired_at": as_utc(commitment.retired_at).isoformat(),
            },
            reason=reason,
        )

    in_transaction(session, work)


def unretire_commitment(
    session: Session, actor: StaffUser, commitment: Commitment, reason: str = ""
) -> None:
    """Put a retired commitment back on the list and open it to feedback again."""

    def work() -> None:
        if commitment.retired_at is None:
            raise CatalogueError(None, "not_retired")
        retired_at = as_utc(commitment.retired_at).isoformat()
        commitment.retired_at = None
        audit.record(
            session,
            actor,
            "commitment.unretire",
            commitment,
            before={"code": commitment.code, "retired_at": retired_at},
            after={"code": commitment.code, "retired_at": None},
            reason=reason,
        )

    in_transaction(session, work)
