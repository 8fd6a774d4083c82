"""A report's drafts, reviewed by an administrator, become a report year's cards.

stage() keeps the drafts of one text as an import batch; the reviewer edits,
merges, drops and translates them; publish() turns what is left into a report
with its areas and commitments, in one transaction, recorded in the audit log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.models import (
    Area,
    Commitment,
    DraftCommitment,
    ImportBatch,
    Phrasing,
    Report,
    StaffUser,
    Topic,
    Unit,
)
from portal.reports_import import Draft, Extraction
from portal.services import audit, units_admin
from portal.services.transactions import in_transaction
from portal.services.units_admin import NewUnit

# A draft's Chinese title: the indicator, or the opening of its sentence.
TITLE_MAX = 40
GENERAL_TOPIC = ("general", "综合", "General")
CODE = re.compile(r"\d+(\.\d+){1,2}")


class ImportRefused(Exception):
    """The batch cannot be published; `problems` say why, for the reviewer."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def draft_title(draft: Draft) -> str:
    """A short Chinese title: the indicator with its verb, else the quote's start."""
    title = (draft.indicator or "").strip() or draft.quote.rstrip("。；，;,")
    return title[:TITLE_MAX]


def stage(
    session: Session,
    extraction: Extraction,
    *,
    filename: str,
    actor: str,
    english=None,
) -> ImportBatch:
    """Keep the drafts of one report text for review; nothing is published yet.

    `english(draft)` may offer an English title made from known terms.
    """
    batch = ImportBatch(
        year=extraction.year or utcnow().year,
        filename=filename[:200],
        created_by=actor[:40],
    )
    for position, draft in enumerate(extraction.drafts):
        title_en = (english(draft) if english else None) or ""
        batch.drafts.append(
            DraftCommitment(
                position=position,
                code=draft.code,
                area_code=draft.area,
                area_title=draft.area_title,
                quote_zh=draft.quote,
                indicator=draft.indicator or "",
                title_zh=draft_title(draft),
                title_en=title_en,
                needs_english=True,
                target_value=draft.value,
                unit_zh=draft.unit,
                phrasing=draft.phrasing or Phrasing.ADVANCE,
                baseline_value=draft.baseline.value if draft.baseline else None,
                baseline_unit_zh=draft.baseline.unit if draft.baseline else None,
                baseline_quote_zh=draft.baseline.quote if draft.baseline else None,
            )
        )

    def work() -> ImportBatch:
        session.add(batch)
        session.flush()
        return batch

    return in_transaction(session, work)


@dataclass(frozen=True)
class DraftEdit:
    """What a reviewer may change on one draft (or write for a new one)."""

    code: str
    area_code: str
    title_zh: str
    title_en: str
    quote_zh: str
    target_value: Decimal | None
    # A unit's key, a unit to make, or None: no unit.
    unit: str | NewUnit | None
    phrasing: Phrasing
    summary_zh: str = ""
    summary_en: str = ""
    topic_key: str | None = None
    baseline_value: Decimal | None = None
    baseline_unit: str | NewUnit | None = None
    baseline_quote_zh: str | None = None


def areas(batch: ImportBatch) -> dict[str, str]:
    """The batch's areas in report order: code -> heading as the report words it."""
    found: dict[str, str] = {}
    for draft in batch.drafts:
        found.setdefault(draft.area_code, draft.area_title)
    return found


def _apply(
    session: Session,
    batch: ImportBatch,
    draft: DraftCommitment,
    change: DraftEdit,
    actor,
) -> None:
    """Write the change; a new unit it names is made in the same transaction,
    before the draft changes (the unit's queries flush the session)."""
    if change.area_code not in areas(batch):
        raise ImportRefused([f"unknown_area:{change.area_code}"])
    has_baseline = change.baseline_value is not None
    made: dict[NewUnit, Unit] = {}
    unit = units_admin.resolve(session, actor, change.unit, "unit", made)
    baseline_unit = (
        units_admin.resolve(session, actor, change.baseline_unit, "baseline_unit", made)
        if has_baseline
        else None
    )
    draft.code = change.code
    draft.area_code = change.area_code
    draft.area_title = areas(batch)[change.area_code]
    draft.title_zh = change.title_zh
    # Saved by a person with English present: written or accepted.
    draft.title_en = change.title_en
    draft.needs_english = not change.title_en.strip()
    draft.summary_zh = change.summary_zh
    draft.summary_en = change.summary_en
    draft.topic_key = change.topic_key or None
    draft.quote_zh = change.quote_zh
    draft.target_value = change.target_value
    draft.unit_key = unit.key if unit else None
    draft.unit_zh = unit.label_zh if unit else None
    draft.phrasing = change.phrasing
    draft.baseline_value = change.baseline_value
    draft.baseline_unit_key = baseline_unit.key if baseline_unit else None
    draft.baseline_unit_zh = baseline_unit.label_zh if baseline_unit else None
    draft.baseline_quote_zh = (
        (change.baseline_quote_zh or None) if has_baseline else None
    )


def edit_draft(
    session: Session, draft: DraftCommitment, change: DraftEdit, actor=None
) -> None:
    """Save a reviewer's edit; writing the English clears "needs English".

    A refused unit (CatalogueError) or area (ImportRefused) saves nothing.
    """

    def work() -> None:
        _apply(session, draft.batch, draft, change, actor)

    in_transaction(session, work)


def add_draft(
    session: Session, batch: ImportBatch, change: DraftEdit, actor=None
) -> DraftCommitment:
    """A commitment the extraction missed, written by the reviewer; listed last,
    it takes its place in report order by its code when published."""
    if change.area_code not in areas(batch):
        raise ImportRefused([f"unknown_area:{change.area_code}"])

    def work() -> DraftCommitment:
        draft = DraftCommitment(
            position=max((d.position for d in batch.drafts), default=-1) + 1,
            indicator="",
        )
        _apply(session, batch, draft, change, actor)
        batch.drafts.append(draft)
        session.flush()
        return draft

    return in_transaction(session, work)


def set_dropped(session: Session, draft: DraftCommitment, dropped: bool) -> None:
    """Leave a draft out of the report (or bring it back)."""

    def work() -> None:
        draft.dropped = dropped

    in_transaction(session, work)


def merge_into_previous(session: Session, draft: DraftCommitment) -> DraftCommitment:
    """Fold a draft into the kept draft before it in the same area: one card for
    one promise written as two clauses. Returns the draft that absorbed it."""
    kept = [
        d
        for d in draft.batch.drafts
        if d.position < draft.position
        and not d.dropped
        and d.area_code == draft.area_code
    ]
    if not kept:
        raise ImportRefused(["nothing_to_merge"])
    target = kept[-1]

    def work() -> DraftCommitment:
        target.quote_zh = f"{target.quote_zh}{draft.quote_zh}"
        if target.target_value is None and draft.target_value is not None:
            target.target_value, target.unit_zh = draft.target_value, draft.unit_zh
            target.unit_key = draft.unit_key
            target.phrasing = draft.phrasing
        draft.dropped = True
        return target

    return in_transaction(session, work)


def code_order(draft: DraftCommitment) -> tuple:
    """Drafts in the report's numbering: 3.10 after 3.9; unnumbered ones last."""
    if not CODE.fullmatch(draft.code):
        return (1, (), draft.position)
    return (0, tuple(int(part) for part in draft.code.split(".")), draft.position)


def problems(batch: ImportBatch) -> list[str]:
    """What stops the kept drafts from becoming cards (codes, empty titles)."""
    found, seen = [], set()
    for draft in batch.drafts:
        if draft.dropped:
            continue
        if not CODE.fullmatch(draft.code):
            found.append(f"bad_code:{draft.code}")
        elif draft.code in seen:
            found.append(f"duplicate_code:{draft.code}")
        seen.add(draft.code)
        if not draft.title_zh.strip():
            found.append(f"no_title:{draft.code}")
    if not seen:
        found.append("nothing_kept")
    return found


def _topic(session: Session, draft: DraftCommitment, topics: list[Topic]) -> Topic:
    """The reviewer's topic; else the known topic whose Chinese name the draft
    mentions; else "general"."""
    chosen = next((t for t in topics if t.key == draft.topic_key), None)
    if chosen is not None:
        return chosen
    text = draft.indicator + draft.title_zh + draft.quote_zh
    for topic in sorted(topics, key=lambda t: -len(t.name_zh)):
        if topic.name_zh and topic.name_zh in text:
            return topic
    general = session.scalar(select(Topic).where(Topic.key == GENERAL_TOPIC[0]))
    if general is None:
        key, zh, en = GENERAL_TOPIC
        general = Topic(key=key, name_zh=zh, name_en=en)
        session.add(general)
        topics.append(general)
    return general


def _unit(
    session: Session, key: str | None, label: str | None, title_en: str, units: list
) -> Unit | None:
    """The reviewer's unit; else the best guess from its Chinese name and the
    English title; else a unit made with the Chinese name in both languages (a
    draft nobody reviewed, published from the command line)."""
    chosen = next((u for u in units if key and u.key == key), None)
    if chosen is not None or not label:
        return chosen
    unit = units_admin.guess(units, label, title_en)
    if unit is None:
        unit = Unit(key=f"zh-{label}"[:40], label_zh=label, label_en=label, en_scale=1)
        session.add(unit)
        units.append(unit)
    return unit


def publish(
    session: Session,
    batch: ImportBatch,
    actor: StaffUser,
    *,
    year: int,
    district_zh: str,
    district_en: str,
    make_current: bool,
) -> Report:
    """Create report `year` from the kept drafts, with areas in report order."""
    found = problems(batch)
    if batch.published_at is not None:
        found.append("already_published")
    if session.scalar(select(Report.id).where(Report.year == year)):
        found.append(f"year_exists:{year}")
    if found:
        raise ImportRefused(found)

    def work() -> Report:
        if make_current:
            session.execute(update(Report).values(is_current=False))
        report = Report(
            year=year,
            district_zh=district_zh,
            district_en=district_en,
            title_zh=f"{year}年{district_zh}政府工作报告",
            title_en=f"{district_en} {year} Government Work Report",
            is_current=make_current,
        )
        session.add(report)
        # Report order: a draft added or renumbered by the reviewer takes its place.
        kept = sorted((d for d in batch.drafts if not d.dropped), key=code_order)
        made: dict[str, Area] = {}
        for draft in kept:
            if draft.area_code not in made:
                made[draft.area_code] = Area(
                    report=report,
                    code=draft.area_code,
                    position=len(made),
                    name_zh=draft.area_title[:200],
                    name_en=draft.area_title[:200],
                )
        session.add_all(made.values())
        topics = list(session.scalars(select(Topic)))
        units = units_admin.units(session)
        for position, draft in enumerate(kept):
            unit = _unit(session, draft.unit_key, draft.unit_zh, draft.title_en, units)
            # The 2024 figure of the same thing counts in the target's unit.
            same = unit is not None and draft.baseline_unit_zh == unit.label_zh
            baseline_unit = _unit(
                session,
                draft.baseline_unit_key or (unit.key if same else None),
                draft.baseline_unit_zh,
                draft.title_en,
                units,
            )
            session.add(
                Commitment(
                    report=report,
                    code=draft.code,
                    position=position,
                    area=made[draft.area_code],
                    topic=_topic(session, draft, topics),
                    title_zh=draft.title_zh,
                    title_en=draft.title_en,
                    needs_english=draft.needs_english or not draft.title_en,
                    summary_zh=draft.summary_zh or draft.quote_zh,
                    summary_en=draft.summary_en or draft.title_en,
                    quote_zh=draft.quote_zh,
                    target_value=draft.target_value,
                    target_unit=unit,
                    phrasing=draft.phrasing,
                    baseline_value=draft.baseline_value,
                    baseline_unit=baseline_unit,
                    baseline_quote_zh=draft.baseline_quote_zh,
                )
            )
        batch.published_at = utcnow()
        session.flush()
        batch.report_id = report.id
        audit.record(
            session,
            actor,
            "report.import",
            report,
            after={"year": year, "commitments": len(kept), "batch": batch.id},
        )
        return report

    return in_transaction(session, work)
