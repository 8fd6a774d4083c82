"""The units commitments count in: listed, guessed for a draft, made and renamed.

Several units may share a Chinese name (个: projects, charging piles, villages),
so a unit is told apart by its English name and scale too. Every change is in
the audit log; create_unit and edit_unit commit, add_unit runs in the caller's
transaction (a reviewer's draft and the unit it needs are saved together).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.models import Commitment, StaffUser, Unit
from portal.services import audit
from portal.services.catalogue_admin import CatalogueError
from portal.services.transactions import in_transaction

WORD = re.compile(r"[a-z0-9]+")
# Chinese multipliers a unit's name may start with, and the scale they imply.
MULTIPLIERS = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}


@dataclass(frozen=True)
class NewUnit:
    """A unit as an administrator describes it."""

    label_zh: str
    label_en: str
    en_scale: Decimal = Decimal(1)


def units(session: Session) -> list[Unit]:
    """Every unit, those sharing a Chinese name together."""
    return list(
        session.scalars(select(Unit).order_by(Unit.label_zh, Unit.label_en, Unit.id))
    )


def _words(text: str) -> set[str]:
    return set(WORD.findall(text.lower()))


def guess(units: list[Unit], label_zh: str | None, title_en: str) -> Unit | None:
    """The unit with this Chinese name whose English words the English title
    uses most; among equals, the first."""
    if not label_zh:
        return None
    same = [u for u in units if u.label_zh == label_zh]
    title = _words(title_en or "")
    best = None
    for unit in same:
        words = _words(unit.label_en)
        score = len(words & title) if words <= title else 0
        if best is None or score > best[0]:
            best = (score, unit)
    return best[1] if best else None


def scale_guess(label_zh: str | None) -> Decimal:
    """万亩 is counted in mu times 10,000: the scale a new unit likely has."""
    return MULTIPLIERS.get((label_zh or "")[:1], Decimal(1))


def _key(session: Session, label_en: str) -> str:
    """A key for links and open data, made from the English name."""
    base = "_".join(WORD.findall(label_en.lower().replace("%", " percent ")))
    base = (base if base[:1].isalpha() else f"u_{base}".rstrip("_"))[:32]
    taken = set(session.scalars(select(Unit.key).where(Unit.key.like(f"{base}%"))))
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}_{n}"
    return key


def _same(unit: Unit, new: NewUnit) -> bool:
    return (
        unit.label_zh == new.label_zh
        and unit.label_en.casefold() == new.label_en.casefold()
        and Decimal(unit.en_scale) == new.en_scale
    )


def _refuse_duplicate(session: Session, new: NewUnit, unit: Unit | None = None):
    others = session.scalars(select(Unit).where(Unit.label_zh == new.label_zh))
    if any(_same(other, new) for other in others if other is not unit):
        raise CatalogueError("label_en", "duplicate_unit")


def _snapshot(unit: Unit) -> dict:
    return {
        "key": unit.key,
        "label_zh": unit.label_zh,
        "label_en": unit.label_en,
        "en_scale": format(Decimal(unit.en_scale).normalize(), "f"),
    }


def _check(new: NewUnit) -> None:
    if not new.label_zh.strip():
        raise CatalogueError("label_zh", "unit_zh_needed")
    if not new.label_en.strip():
        raise CatalogueError("label_en", "unit_en_needed")
    if new.en_scale <= 0:
        raise CatalogueError("en_scale", "bad_scale")


def add_unit(session: Session, actor: StaffUser | None, new: NewUnit) -> Unit:
    """Make a unit no other unit is the same as, in the caller's transaction."""
    _check(new)
    _refuse_duplicate(session, new)
    unit = Unit(
        key=_key(session, new.label_en),
        label_zh=new.label_zh,
        label_en=new.label_en,
        en_scale=new.en_scale,
    )
    session.add(unit)
    try:
        session.flush()
    except IntegrityError:
        # Another administrator made a unit with the same key a moment earlier.
        raise CatalogueError("label_en", "duplicate_unit") from None
    audit.record(session, actor, "unit.create", unit, after=_snapshot(unit))
    return unit


def resolve(
    session: Session,
    actor: StaffUser | None,
    choice: str | NewUnit | None,
    field: str,
    made: dict,
) -> Unit | None:
    """A unit chosen by key, or made now (once for equal ones, kept in `made`).

    A refusal names the form field: `field` for the choice, `field-label_en`...
    for the new unit's parts.
    """
    if choice is None:
        return None
    if isinstance(choice, NewUnit):
        if choice not in made:
            try:
                made[choice] = add_unit(session, actor, choice)
            except CatalogueError as error:
                raise CatalogueError(f"{field}-{error.field}", error.reason) from None
        return made[choice]
    unit = session.scalar(select(Unit).where(Unit.key == choice))
    if unit is None:
        raise CatalogueError(field, "unknown_unit")
    return unit


def create_unit(session: Session, actor: StaffUser, new: NewUnit) -> Unit:
    """Add a unit commitments can count in."""
    return in_transaction(session, lambda: add_unit(session, actor, new))


def edit_unit(session: Session, actor: StaffUser, unit: Unit, new: NewUnit) -> bool:
    """Rename a unit or change its scale; its key stays. False: nothing changed."""
    _check(new)

    def work() -> bool:
        _refuse_duplicate(session, new, unit)
        before = _snapshot(unit)
        unit.label_zh, unit.label_en = new.label_zh, new.label_en
        unit.en_scale = new.en_scale
        after = _snapshot(unit)
        keys = [k for k in after if before[k] != after[k]]
        if not keys:
            return False
        audit.record(
            session,
            actor,
            "unit.edit",
            unit,
            before={"key": unit.key, **{k: before[k] for k in keys}},
            after={"key": unit.key, **{k: after[k] for k in keys}},
        )
        return True

    return in_transaction(session, work)


def unit_counts(session: Session) -> dict[int, int]:
    """How many commitments count in each unit, as target or 2024 figure."""
    counts: dict[int, int] = {}
    for column in (Commitment.target_unit_id, Commitment.baseline_unit_id):
        rows = session.execute(
            select(column, func.count()).where(column.is_not(None)).group_by(column)
        )
        for unit_id, n in rows:
            counts[unit_id] = counts.get(unit_id, 0) + n
    return counts
