"""Which commitments a staff member may see, export and answer (SECURITY.md AC-03).

The one place the rule lives: a commitment belongs to a department, and an
official sees and acts on the commitments of their own department only.
Administrators and district-wide officials (the district government office)
see every commitment; an official with no department sees none.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session

from portal.models import Commitment, Role, StaffUser


def department_name(value: str | None) -> str | None:
    """A department as stored: spaces tidied, so the same name always matches."""
    name = " ".join((value or "").split())
    return name or None


@dataclass(frozen=True)
class Scope:
    """What a staff member sees: every commitment, one department's, or none."""

    everything: bool
    department: str | None

    @property
    def empty(self) -> bool:
        return not self.everything and self.department is None

    @property
    def key(self) -> str:
        """A short text that changes whenever the scope does (for kept pages)."""
        return "all" if self.everything else f"department:{self.department or ''}"


EVERYTHING = Scope(everything=True, department=None)


def scope_of(user: StaffUser) -> Scope:
    """The commitments this staff member may see."""
    if user.role == Role.ADMINISTRATOR or (
        user.role == Role.OFFICIAL and user.district_wide
    ):
        return EVERYTHING
    if user.role == Role.OFFICIAL:
        return Scope(False, department_name(user.department))
    return Scope(False, None)


def visible(user: StaffUser) -> ColumnElement[bool]:
    """A condition on Commitment keeping only the rows this user may see."""
    return condition(scope_of(user))


def condition(scope: Scope) -> ColumnElement[bool]:
    """A condition on Commitment keeping only the rows of this scope."""
    if scope.everything:
        return true()
    if scope.department is None:
        return false()
    return Commitment.department == scope.department


def can_act_on(user: StaffUser, commitment: Commitment) -> bool:
    """Whether this user may see, export and answer for this commitment."""
    scope = scope_of(user)
    if scope.everything:
        return True
    return scope.department is not None and commitment.department == scope.department


def visible_commitment_ids(session: Session, user: StaffUser) -> set[int]:
    """The ids of every commitment this user may see."""
    return set(session.scalars(select(Commitment.id).where(visible(user))))


def known_departments(session: Session) -> list[str]:
    """Departments staff accounts name, for administrators to assign from."""
    rows = session.scalars(
        select(StaffUser.department)
        .where(StaffUser.department.is_not(None), StaffUser.department != "")
        .distinct()
        .order_by(StaffUser.department)
    )
    return sorted({department_name(name) for name in rows} - {None})


def assignable(session: Session, name: str | None, current: str | None) -> bool:
    """Whether a commitment may be given to this department: none, the one it
    has, or one that staff accounts name (so a typing slip cannot hide it)."""
    return name is None or name == current or name in known_departments(session)
