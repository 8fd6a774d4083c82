"""Staff accounts (moderators, officials, administrators) and their sessions."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, utcnow
from portal.models.commitment import portable_enum


class Role(enum.StrEnum):
    """What a staff member may do; checked on the server for every staff page."""

    MODERATOR = "moderator"
    OFFICIAL = "official"
    ADMINISTRATOR = "administrator"


class StaffUser(UserMixin, Base):
    """A staff member who signs in with a username and password."""

    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    # argon2id hash; never the password.
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(portable_enum(Role, "role"))
    department: Mapped[str | None] = mapped_column(String(100))
    # An official who sees every commitment (the district government office),
    # not only those of their department.
    district_wide: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    sessions: Mapped[list[StaffSession]] = relationship(back_populates="user")

    # Set when loaded through a session: Flask-Login keeps this, not the user
    # id, in the cookie, so that ending the session on the server ends it.
    session_token = None

    def get_id(self) -> str | None:
        return self.session_token


class StaffSession(Base):
    """A signed-in staff session, kept on the server so sign-out really ends it."""

    __tablename__ = "staff_session"

    # SHA-256 of the random token in the visitor's session cookie.
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[StaffUser] = relationship(back_populates="sessions")
