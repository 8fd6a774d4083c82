"""Settings and word lists that administrators change while the site runs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, utcnow


class Setting(Base):
    """One named setting, stored as text (e.g. demo_data = "1")."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SensitiveWord(Base):
    """An entry of the editable word lists that screening looks for.

    `allow` entries are innocent phrases that contain a listed word and must
    not count (e.g. a place name).
    """

    __tablename__ = "sensitive_word"
    __table_args__ = (UniqueConstraint("word", "lang", "allow"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    word: Mapped[str] = mapped_column(String(100))
    lang: Mapped[str] = mapped_column(String(8))
    allow: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
