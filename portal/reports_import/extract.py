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
MAINTAIN = re.compile(r"保持|稳定|守住|确保")

# An unquantified concrete item of a plan sub-section: a clause that opens with the
# genre's action verbs (after its adverbs) and names a concrete object. Generic
# openings (坚持…, 大力…, 加强…, 着力…) are no items, nor are the clauses saying
# what an action is for (提升…能力): they join the item's quote.
ADVERB = (
    "进一步|持续|全面|全力|高质量|高标准|稳妥有序|有序|深入|纵深|积极|扎实|有效"
    "|切实|力争|加快|谋划|规划|重点"
)
VERB = (
    "推进|推动|实施|建设|建成|开工|完成|启动|打造|创建|深化|落实|开展|完善|举办"
    "|编制|做好|设计开发|更新换代|更新|扩大|优化|提升|申报|严格|支持|加快"
)
ACTION = re.compile(rf"^(?:{ADVERB})*?(?:{VERB})")
# After the first clause of a sentence these verbs say what the action is for.
PURPOSE = re.compile(rf"^(?:{ADVERB})*?(?:提升|支持)")
# A facility or project: an item even where a figure follows ("…项目建设，新增学位").
FACILITY = re.compile(
    r"项目|工程|(?<![校家田])园区?|中心|基地|学校|[北南东西]校|中学|小学|医院|卫生院"
    r"|博物馆|研究院|孵化器|公园|道路|片区|地块|城中村|棚改|管网|科技城|示范区|厂"
)
# Otherwise a named scheme, reform or campaign, or named things listed ("甲、乙等").
SCHEME = re.compile(
    r"改造|改革|综改|行动|普查|规划|补贴|平台|以旧换新|“[^”]{2,}”|、[^，,；;]*等"
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
    # The sub-sections of the plan list the year's work item by item.
    items = block.subsection is not None
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
        found = _sentence_drafts(text, sentence, targets, items=items and not targets)
        drafts += [_placed(block, text, sentence, *item) for item in found]
        previous_end = sentence[1]
    return drafts


def _sentence_drafts(text: str, sentence, targets, *, items: bool = False) -> list:
    """(quote start, quote end, fields) of each draft of one sentence, in order.

    With items, an unquantified clause naming a concrete item is a draft too; the
    clauses that follow it up to the next draft (what it is for) join its quote.
    """
    quantities = figures.quantities(text, *sentence)
    found = [
        [q.quote_start, q.clause_end, {
            "indicator": indicator, "value": q.value, "unit": q.unit,
            "phrasing": q.phrasing, "notes": q.notes, "flow": q.flow,
        }]
        for q in quantities
        for indicator in _each(q.indicator)
    ]  # fmt: skip
    numbered = {q.clause_end for q in quantities}
    last = sentence[0]
    growing, facility = None, False
    for c_start, c_end in structure.clauses(text, *sentence):
        if c_end in numbered:
            if growing is not None and not facility and items:
                # "实施…人才政策，新增入库人才336名": the means of the figure.
                found.remove(growing)
            last, growing = c_end, None
            continue
        clause = text[c_start:c_end]
        if targets and c_start < targets.end() <= c_end:
            clause = text[targets.end() : c_end]
        phrasing = _qualitative(clause, in_targets=bool(targets))
        if phrasing is not None:
            indicator, facility = _project(text, c_start, c_end, last), True
            if growing is not None and items and indicator == clause.rstrip("，,。；;"):
                # "加快…厂建设，确保年底投用": one item, to be completed.
                growing[1] = last = c_end
                growing[2]["phrasing"] = phrasing
                continue
        elif items and (item := _item(clause, first=c_start == sentence[0])):
            phrasing, facility = item
            indicator = _item_indicator(clause)
        elif growing is not None:
            growing[1] = last = c_end
            continue
        else:
            continue
        growing = [last, c_end, {"indicator": indicator, "phrasing": phrasing}]
        found.append(growing)
        growing = growing if items else None
        last = c_end
    return sorted(found, key=lambda item: item[1])


def _item(clause: str, *, first: bool) -> tuple[Phrasing, bool] | None:
    """(advance or maintain, names a facility) for a concrete item; else None."""
    clause = clause.rstrip("，,。；;")
    verb = ACTION.match(clause)
    if verb is None or (not first and PURPOSE.match(clause)):
        return None
    rest = clause[verb.end() :]
    facility = FACILITY.search(rest)
    concrete = facility or SCHEME.search(rest)
    # "深入推进改革": a bare common noun names nothing in particular.
    if concrete is None or (
        len(rest) - len(concrete[0]) < 2 and not concrete[0].startswith("“")
    ):
        return None
    phrasing = Phrasing.MAINTAIN if MAINTAIN.search(clause) else Phrasing.ADVANCE
    return phrasing, facility is not None


def _item_indicator(clause: str) -> str:
    """The item named: the clause without its opening adverbs and verbs."""
    clause = clause.rstrip("，,。；;")
    while verb := re.match(rf"(?:{ADVERB}|{VERB})", clause):
        if len(clause) - verb.end() < 2:
            break
        clause = clause[verb.end() :]
    return clause


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
