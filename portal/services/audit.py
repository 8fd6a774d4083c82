"""Writing to the append-only audit log, in the caller's transaction."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from portal.models import AuditEvent, StaffUser


def record(
    session: Session,
    actor: StaffUser | None,
    action: str,
    target,
    *,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
) -> AuditEvent:
    """Add one event; the caller's commit makes it permanent with the change."""
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        actor=actor.username if actor else "system",
        action=action,
        object_type=type(target).__tablename__ if target is not None else "",
        object_id=str(target.id) if getattr(target, "id", None) is not None else None,
        before=json.dumps(before or {}, ensure_ascii=False, sort_keys=True),
        after=json.dumps(after or {}, ensure_ascii=False, sort_keys=True),
        reason=reason,
    )
    session.add(event)
    return event
