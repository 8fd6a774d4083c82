"""Administrators' changes to areas of work and topics, each in the audit log.

Areas and topics can be renamed, and deleted while no commitment uses them.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.models import Area, Commitment, Report, StaffUser, Topic
from portal.services import audit
from portal.services.catalogue_admin import (
    TOPIC_KEY,
    CatalogueError,
    _changes,
    _flush_or_refuse,
    _insert_position,
)
from portal.services.commitments import CODE
from portal.services.transactions import in_transaction


def _names(row) -> dict:
    return {"name_zh": row.name_zh, "name_en": row.name_en}


def create_area(
    session: Session,
    actor: StaffUser,
    report: Report,
    code: str,
    name_zh: str,
    name_en: str,
) -> Area:
    """Add an area of work to a report under a code of its own."""
    code = code.strip()
    if not CODE.fullmatch(code):
        raise CatalogueError("code", "bad_code")

    def work() -> Area:
        taken = session.scalar(
            select(Area.id).where(Area.report_id == report.id, Area.code == code)
        )
        if taken is not None:
            raise CatalogueError("code", "duplicate_area")
        area = Area(
            report_id=report.id,
            code=code,
            position=_insert_position(session, Area, report.id, code),
            name_zh=name_zh,
            name_en=name_en,
        )
        session.add(area)
        _flush_or_refuse(session, "code", "duplicate_area")
        audit.record(
            session, actor, "area.create", area, after={"code": code, **_names(area)}
        )
        return area

    return in_transaction(session, work)


def rename(
    session: Session, actor: StaffUser, row: Area | Topic, name_zh: str, name_en: str
) -> bool:
    """Change an area's or a topic's names; False when nothing changed."""

    def work() -> bool:
        before = _names(row)
        row.name_zh, row.name_en = name_zh, name_en
        old, new = _changes(before, _names(row))
        if not new:
            return False
        ident = {"code": row.code} if isinstance(row, Area) else {"key": row.key}
        audit.record(
            session,
            actor,
            f"{row.__tablename__}.edit",
            row,
            before={**ident, **old},
            after={**ident, **new},
        )
        return True

    return in_transaction(session, work)


def create_topic(
    session: Session, actor: StaffUser, key: str, name_zh: str, name_en: str
) -> Topic:
    """Add a topic under a key no other topic has."""
    key = key.strip()
    if not TOPIC_KEY.fullmatch(key):
        raise CatalogueError("key", "bad_key")

    def work() -> Topic:
        if session.scalar(select(Topic.id).where(Topic.key == key)) is not None:
            raise CatalogueError("key", "duplicate_topic")
        topic = Topic(key=key, name_zh=name_zh, name_en=name_en)
        session.add(topic)
        _flush_or_refuse(session, "key", "duplicate_topic")
        audit.record(
            session, actor, "topic.create", topic, after={"key": key, **_names(topic)}
        )
        return topic

    return in_transaction(session, work)


def commitment_counts(session: Session, column) -> dict[int, int]:
    """How many commitments use each area or topic (column: area_id or topic_id)."""
    rows = session.execute(select(column, func.count()).group_by(column)).all()
    return dict(rows)


def _delete_unused(session: Session, actor: StaffUser, row: Area | Topic) -> None:
    """Delete an area or topic that no commitment uses (retired ones count).

    The count and the delete run in one transaction, and the foreign key stops
    a commitment that takes the row meanwhile: nothing is ever half-deleted.
    """
    column = Commitment.area_id if isinstance(row, Area) else Commitment.topic_id
    kind = row.__tablename__

    def work() -> None:
        used = session.scalar(select(func.count()).where(column == row.id))
        if used:
            raise CatalogueError(None, f"{kind}_in_use", n=used)
        ident = {"code": row.code} if isinstance(row, Area) else {"key": row.key}
        audit.record(
            session, actor, f"{kind}.delete", row, before={**ident, **_names(row)}
        )
        session.delete(row)
        try:
            session.flush()
        except IntegrityError:
            # A commitment took it between the count and the delete.
            raise CatalogueError(None, f"{kind}_in_use", n=1) from None

    in_transaction(session, work)


def delete_area(session: Session, actor: StaffUser, area: Area) -> None:
    """Delete an area of work no commitment stands in; refused with the count."""
    _delete_unused(session, actor, area)


def delete_topic(session: Session, actor: StaffUser, topic: Topic) -> None:
    """Delete a topic no commitment is filed under; refused with the count."""
    _delete_unused(session, actor, topic)
