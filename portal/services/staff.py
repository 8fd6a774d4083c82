"""Staff accounts: creating them, signing in and out, and server-side sessions."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from portal.db import as_utc, utcnow
from portal.models import Role, StaffSession, StaffUser
from portal.services import audit
from portal.services.departments import department_name
from portal.services.passwords import (
    hash_password,
    hasher,
    password_problems,
    verify_password,
)

# After this many failures in a row an account is locked for a while; the lock
# doubles with every further ten failures, up to a day.
LOCK_AFTER_FAILURES = 10
FIRST_LOCK = timedelta(minutes=15)
LONGEST_LOCK = timedelta(days=1)
# A live session and its user in one query, built once: it runs on every staff
# request, and building the select with its loader option cost more than
# running it.
SESSION_WITH_USER = (
    select(StaffSession)
    .options(joinedload(StaffSession.user))
    .where(StaffSession.token_hash == bindparam("token_hash"))
)


class StaffError(Exception):
    """A staff account change that cannot be made; `problems` says why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(
    session: Session,
    username: str,
    password: str,
    role: Role,
    department: str | None = None,
    actor: StaffUser | None = None,
    district_wide: bool = False,
) -> StaffUser:
    """Add a staff member, refusing weak passwords and taken usernames."""
    username = username.strip().casefold()
    department = department_name(department)
    problems = password_problems(password, username, role)
    problems += _scope_problems(role, district_wide)
    if not username or len(username) > 40:
        problems.append(_("Use a username of 1 to 40 characters."))
    if session.scalar(select(StaffUser.id).where(StaffUser.username == username)):
        problems.append(_("This username is taken."))
    if problems:
        raise StaffError(problems)
    user = StaffUser(
        username=username,
        password_hash=hash_password(password),
        role=role,
        department=department,
        district_wide=district_wide,
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError:  # made at the same moment by someone else
        session.rollback()
        raise StaffError([_("This username is taken.")]) from None
    audit.record(
        session,
        actor,
        "staff.create",
        user,
        after={
            "username": username,
            "role": role.value,
            "department": department,
            "district_wide": district_wide,
        },
    )
    session.commit()
    return user


def all_users(session: Session) -> list[StaffUser]:
    """Every staff account, by username."""
    return list(session.scalars(select(StaffUser).order_by(StaffUser.username)))


def find_user(session: Session, username: str) -> StaffUser | None:
    """The staff account with this username, if any."""
    return session.scalar(
        select(StaffUser).where(StaffUser.username == username.strip().casefold())
    )


def _scope_problems(role: Role, district_wide: bool) -> list[str]:
    if district_wide and role != Role.OFFICIAL:
        return [_("Only officials can be district-wide; administrators see all.")]
    return []


def set_scope(
    session: Session,
    username: str,
    department: str | None,
    district_wide: bool,
    actor: StaffUser | None = None,
) -> StaffUser | None:
    """Change which commitments a staff member sees: their department, and
    whether they see the whole district. None when there is no such account."""
    user = find_user(session, username)
    if user is None:
        return None
    if problems := _scope_problems(user.role, district_wide):
        raise StaffError(problems)
    before = {"department": user.department, "district_wide": user.district_wide}
    user.department, user.district_wide = department_name(department), district_wide
    after = {"department": user.department, "district_wide": user.district_wide}
    if after != before:
        audit.record(session, actor, "staff.scope", user, before=before, after=after)
        session.commit()
    return user


def sign_in(session: Session, username: str, password: str) -> str | None:
    """A new session token for the right password, else None (same for every cause).

    Unknown users, wrong passwords and locked accounts look alike to the caller.
    """
    now = utcnow()
    user = session.scalar(
        select(StaffUser).where(StaffUser.username == username.strip().casefold())
    )
    valid = verify_password(user.password_hash if user else None, password)
    if user is None or not user.is_active:
        return None
    if user.locked_until and as_utc(user.locked_until) > now:
        return None
    if not valid:
        # Counted in the database, so attempts in parallel are all counted.
        failures = session.execute(
            update(StaffUser)
            .where(StaffUser.id == user.id)
            .values(failed_logins=StaffUser.failed_logins + 1)
            .returning(StaffUser.failed_logins)
        ).scalar_one()
        if failures % LOCK_AFTER_FAILURES == 0:
            doublings = failures // LOCK_AFTER_FAILURES - 1
            user.locked_until = now + min(FIRST_LOCK * 2**doublings, LONGEST_LOCK)
            current_app.logger.warning("staff account %s locked", user.id)
        session.commit()
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    token = secrets.token_urlsafe(32)
    session.add(StaffSession(token_hash=_token_hash(token), user=user))
    session.commit()
    return token


def unlock(session: Session, username: str, actor: StaffUser | None = None) -> bool:
    """Clear failed sign-ins and any lock; False when there is no such account."""
    user = find_user(session, username)
    if user is None:
        return False
    before = {"failed_logins": user.failed_logins, "locked": bool(user.locked_until)}
    user.failed_logins, user.locked_until = 0, None
    audit.record(session, actor, "staff.unlock", user, before=before)
    session.commit()
    return True


def _end_sessions(session: Session, user: StaffUser) -> None:
    """Sign the staff member out everywhere: their cookies stop working."""
    session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))


def set_active(
    session: Session, user: StaffUser, active: bool, actor: StaffUser | None = None
) -> None:
    """Let an account sign in, or stop it (it is signed out at once); the
    account and what it did stay."""
    if user.is_active == active:
        return
    before = {"active": user.is_active}
    user.is_active = active
    if not active:
        _end_sessions(session, user)
    action = "staff.activate" if active else "staff.deactivate"
    audit.record(session, actor, action, user, before=before, after={"active": active})
    session.commit()


def set_role(
    session: Session, user: StaffUser, role: Role, actor: StaffUser | None = None
) -> None:
    """Change what an account may do; it is signed out, so that it starts
    afresh with its new pages."""
    problems = _scope_problems(role, user.district_wide)
    if role == Role.ADMINISTRATOR != user.role:
        # Their password was checked against a lighter rule than an
        # administrator's; a new administrator account gets a new password.
        problems.append(
            _(
                "An administrator's password must meet stricter rules: create an "
                "administrator account (users create --role administrator) instead."
            )
        )
    if problems:
        raise StaffError(problems)
    if user.role == role:
        return
    before = {"role": user.role.value}
    user.role = role
    _end_sessions(session, user)
    audit.record(
        session, actor, "staff.role", user, before=before, after={"role": role.value}
    )
    session.commit()


def set_password(
    session: Session, user: StaffUser, password: str, actor: StaffUser | None = None
) -> None:
    """Give an account a new password (the same rules as a new account's),
    ending its sessions and any lock."""
    if problems := password_problems(password, user.username, user.role):
        raise StaffError(problems)
    user.password_hash = hash_password(password)
    user.failed_logins, user.locked_until = 0, None
    _end_sessions(session, user)
    audit.record(session, actor, "staff.password", user)
    session.commit()


def load_session(
    session: Session, token: str, look_up: Callable | None = None
) -> StaffUser | None:
    """The staff member of a live session; expired sessions are ended here.

    With `look_up` (db.look_up) the session is read outside the request's
    transaction, then merged into `session` without another query.
    """
    found = (look_up or session.scalar)(
        SESSION_WITH_USER, {"token_hash": _token_hash(token)}
    )
    if found is None:
        return None
    row = found if found in session else session.merge(found, load=False)
    now = utcnow()
    config = current_app.config
    idle = now - as_utc(row.last_seen_at)
    age = now - as_utc(row.created_at)
    if (
        not row.user.is_active
        or idle > timedelta(minutes=config["STAFF_IDLE_MINUTES"])
        or age > timedelta(hours=config["STAFF_SESSION_HOURS"])
    ):
        session.delete(row)
        session.commit()
        return None
    if idle > timedelta(minutes=1):  # one write a minute, not one a request
        row.last_seen_at = now
        session.commit()
    return row.user


def sign_out(session: Session, token: str) -> None:
    """End a session for good: a copied cookie no longer works afterwards."""
    session.execute(
        delete(StaffSession).where(StaffSession.token_hash == _token_hash(token))
    )
    session.commit()
