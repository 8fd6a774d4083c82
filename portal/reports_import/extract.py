"""Draft commitments from a work report's text: targets, phrasing and baselines."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from portal.models.commitment import Phrasing
from portal.reportdata import number_as_written
from portal.reports_import import figures, structure
from portal.reports_import.figures import Quantity, comparable_units
from portal.reports_import.source import ReportImportError
from portal.reports_import.structure import Block

START = re.compile(r"新开工|开工建设|开工")
COMPLETE = re.compile(r"建成|竣工|投用|投运|交付|通车|按期完成|全面完成|如期完成")
TARGETS_SENTENCE = re.compile(r"(?:主要)?(?:预期)?(?:发展)?目标(?:是|为)[：:]")
QUALITATIVE = (
    (re.compile(r"同步|保持|稳定|守住|确保"), Phrasing.MAINTAIN),
    (COMPLETE, Phrasing.COMPLETE),
    (re.compile(r"完成"), Phrasing.COMPLETE),
    (START, Phrasing.START),
)


@dataclass(frozen=True)
class Baseline:
    """The reviewed year's comparable figure and the sentence it comes from."""

    value: Decimal
    unit: str
    quote: str

    def as_dict(self) -> dict:
        return {
            "value": _json_number(self.value),
            "unit": self.unit,
            "quote": self.quote,
        }


@dataclass
class Draft:
    """One draft commitment, placed by the report's own numbering."""

    code: str
    section: str
    subsection: str | None
    item: str | None
    area_title: str
    quote: str
    sentence: str
    indicator: str
    value: Decimal | None
    unit: str | None
    phrasing: Phrasing | None
    baseline: Baseline | None = None
    notes: tuple[str, ...] = ()
    # Counts new things this year (新增, 新建): compared only with a like figure.
    flow: bool = False

    @property
    def area(self) -> str:
        """The code without its order: "3.5" for 3.5.8, "2" for 2.1."""
        return self.code.rsplit(".", 1)[0]

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "section": self.section,
            "subsection": self.subsection,
            "item": self.item,
            "area_title": self.area_title,
            "quote": self.quote,
            "sentence": self.sentence,
            "indicator": self.indicator,
            "target": {
                "value": None if self.value is None else _json_number(self.value),
                "unit": self.unit,
                "phrasing": None if self.phrasing is None else self.phrasing.value,
            },
            "baseline": self.baseline.as_dict() if self.baseline else None,
            "notes": list(self.notes),
        }


@dataclass
class Extraction:
    """Everything drafted from one report."""

    year: int | None
    review_year: int | None
    drafts: list[Draft] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "year": self.year,
            "review_year": self.review_year,
            "drafts": [d.as_dict() for d in self.drafts],
        }


def _json_number(value: Decimal) -> int | float:
    text = number_as_written(value)
    return int(text) if text.lstrip("-").isdigit() else float(text)


def extract(text: str) -> Extraction:
    """Draft the commitments of a report; refuse text that is not one."""
    blocks = structure.split_blocks(text)
    year, review_year = structure.report_years(blocks, text)
    plan = [b for b in blocks if structure.is_plan(b, year)]
    if not plan:
        raise ReportImportError("no_sections")
    review = [
        figure
        for b in blocks
        if structure.is_review(b, year)
        for figure in _block_quantities(b.text)
    ]
    drafts = [d for b in plan for d in _block_drafts(b)]
    if not any(d.value is not None for d in drafts):
        raise ReportImportError("no_targets")
    _number(drafts)
    _attach_baselines(drafts, review)
    return Extraction(year, review_year, drafts)


def _number(drafts: list[Draft]) -> None:
    """Codes in reading order within each area: 3.5.1, 3.5.2, …"""
    counters: dict[str, int] = defaultdict(int)
    for draft in drafts:
        counters[draft.code] += 1
        draft.code = f"{draft.code}.{counters[draft.code]}"


def _block_drafts(block: Block) -> list[Draft]:
    """The drafts of one block: a targets list, or every figure and project."""
    text = block.text
    drafts: list[Draft] = []
    previous_end = 0
    for sentence in structure.sentences(text):
        if sentence[0] < previous_end:
            continue
        targets = TARGETS_SENTENCE.search(text, sentence[0], sentence[1])
        if targets:
            # "主要预期目标是：…" runs to the full stop across semicolons.
            stop = text.find("。", targets.end())
            sentence = (sentence[0], len(text) if stop < 0 else stop + 1)
        found = _sentence_drafts(text, sentence, targets)
        drafts += [_placed(block, text, sentence, *item) for item in found]
        previous_end = sentence[1]
    return drafts


def _sentence_drafts(text: str, sentence, targets) -> list[tuple]:
    """(quote start, quote end, fields) of each draft of one sentence, in order."""
    quantities = figures.quantities(text, *sentence)
    found = [
        (q.quote_start, q.clause_end, {
            "indicator": indicator, "value": q.value, "unit": q.unit,
            "phrasing": q.phrasing, "notes": q.notes, "flow": q.flow,
        })
        for q in quantities
        for indicator in _each(q.indicator)
    ]  # fmt: skip
    numbered = {q.clause_end for q in quantities}
    last = sentence[0]
    for c_start, c_end in structure.clauses(text, *sentence):
        if c_end in numbered:
            last = c_end
            continue
        clause = text[c_start:c_end]
        if targets and c_start < targets.end() <= c_end:
            clause = text[targets.end() : c_end]
        phrasing = _qualitative(clause, in_targets=bool(targets))
        if phrasing is None:
            continue
        indicator = _project(text, c_start, c_end, last)
        found.append((last, c_end, {"indicator": indicator, "phrasing": phrasing}))
        last = c_end
    return sorted(found, key=lambda item: item[1])


def _placed(block: Block, text: str, sentence, start: int, end: int, fields) -> Draft:
    """A draft in its block, quoting text[start:end] of the given sentence."""
    return Draft(
        code=block.area,
        section=block.section_label,
        subsection=block.subsection_label,
        item=block.item_label,
        area_title=block.subsection_title or block.section_title,
        quote=text[start:end],
        sentence=text[sentence[0] : sentence[1]],
        **{"value": None, "unit": None, **fields},
    )


def _each(indicator: str) -> list[str]:
    """Split "产值、税收均…" in two: each listed indicator is a target of its own."""
    if indicator.endswith("均") and "、" in indicator:
        return [part for part in indicator[:-1].split("、") if part]
    return [indicator.removesuffix("均")]


def _qualitative(clause: str, *, in_targets: bool) -> Phrasing | None:
    """start or complete for a named project; any phrasing in a targets list."""
    clause = clause.rstrip("，,。；;")
    if not in_targets:
        if START.search(clause):
            return Phrasing.START
        return Phrasing.COMPLETE if COMPLETE.search(clause) else None
    if not clause:
        return None
    for pattern, phrasing in QUALITATIVE:
        if pattern.search(clause):
            return phrasing
    return Phrasing.ADVANCE


def _project(text: str, c_start: int, c_end: int, quote_start: int) -> str:
    """What is started or finished: the clause's object, or the clause before it."""
    clause = text[c_start:c_end].rstrip("，,。；;")
    verb = START.search(clause) or COMPLETE.search(clause)
    if verb is None:
        return figures.strip_lead(clause.split("：")[-1])
    after = re.sub(r"^(?:建设|并?投用|投运)", "", clause[verb.end() :])
    if len(after) >= 4:
        return after
    before = figures.strip_lead(clause[: verb.start()])
    before = re.sub(r"(?:确保|按期|如期|年底|年内|全面)+$", "", before)
    if len(before) >= 2:
        return before
    previous = text[quote_start:c_start].rstrip("，,")
    return figures.strip_lead(previous).removesuffix("建设") or clause


def _block_quantities(text: str) -> list[tuple[Quantity, str]]:
    """Every figure of a block with its quote, for finding baselines."""
    return [
        (q, text[q.quote_start : q.clause_end])
        for s in structure.sentences(text)
        for q in figures.quantities(text, *s)
    ]


def _attach_baselines(drafts: list[Draft], review: list[tuple[Quantity, str]]) -> None:
    """Give a target the reviewed year's figure with the same wording; once each."""
    unused = list(review)
    for draft in drafts:
        if draft.value is None or not draft.indicator:
            continue
        for figure in unused:
            quantity, quote = figure
            # New things a year (新增, 新建) never compare with totals (增至).
            if (
                figures.normalised(quantity.indicator)
                == figures.normalised(draft.indicator)
                and comparable_units(quantity.unit, draft.unit)
                and quantity.flow == draft.flow
            ):
                unused.remove(figure)
                draft.baseline = Baseline(quantity.value, quantity.unit, quote)
                break
