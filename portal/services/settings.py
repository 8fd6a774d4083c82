"""Site-wide settings stored in the database."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Setting

DEMO_DATA = "demo_data"


def get(session: Session, key: str) -> str | None:
    """The stored value of a setting, or None."""
    return session.scalar(select(Setting.value).where(Setting.key == key))


def put(session: Session, key: str, value: str | None) -> None:
    """Store (or with None remove) a setting, in the caller's transaction."""
    row = session.get(Setting, key)
    if value is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


def get_many(session: Session, *keys: str) -> dict[str, str]:
    """The stored values of these settings (absent ones left out), in one query."""
    query = select(Setting.key, Setting.value).where(Setting.key.in_(keys))
    return dict(session.execute(query).all())
