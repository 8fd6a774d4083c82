"""Figures in a report's sentences: number, unit, what is counted, how phrased."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from portal.models.commitment import Phrasing
from portal.reports_import import structure

# Units as reports write them; 万/亿/千 may stand in front of any of them.
BASE_UNITS = (
    "个百分点|个位次|台（套）|台套|平方公里|平方米|立方米|千瓦时|千瓦|公里|人次|家次"
    "|%|‰|元|亩|米|吨|人|名|户|家|个|条|项|台|套|所|座|处|辆|张|床|间|件|次|天|棵|批"
)
QUANTITY = re.compile(
    rf"(?<![\d.A-Za-z第])(\d+(?:\.\d+)?)((?:[万亿千])?(?:{BASE_UNITS}))"
)
# After a quantity: "的" or "以上" + a noun make it an attribute ("50万元以上企业").
ATTRIBUTIVE = re.compile(r"^(?:的|(?:以上|以下)[^，,。；;、）)”])")
AROUND = ("左右",)
AT_LEAST_AFTER = ("以上", "及以上")
CEILING_AFTER = ("以内", "以下")
AT_LEAST_BEFORE = ("不少于", "不低于", "超过", "至少", "高于", "突破")
CEILING_BEFORE = ("不超过", "不高于", "控制在", "低于")
INCREASE_TO = (
    "增至", "增加到", "增加至", "提高到", "提高至", "提升到", "提升至", "扩大到",
)  # fmt: skip
GROWTH = ("增长", "增速", "增幅")
FLOW = ("新增", "新建", "新设", "引进", "新落地", "新开工", "招引")
# Words in front of what is counted that are no part of it; longest first.
LEAD = sorted((
    *FLOW, "力争", "确保", "全年", "全区", "全县", "全市", "年内", "今年", "其中",
    "各类", "各阶段", "各项", "累计", "共", "再", "实施", "开展", "完成", "实现",
    "推进", "推动", "支持", "投资", "争取", "谋划", "更新", "改造", "提升", "解决",
    "围绕", "助力", "建设", "培育", "打造", "发放", "加快", "达到", "和", "及", "在",
), key=len, reverse=True)  # fmt: skip
# Words between what is counted and the number, that say how it is phrased.
TAIL = sorted((
    *AT_LEAST_BEFORE, *CEILING_BEFORE, *INCREASE_TO, *GROWTH, "达到", "达", "实现",
    "完成", "为", "约", "近", "跃升", "保持在", "稳定在", "均",
), key=len, reverse=True)  # fmt: skip
# After a count, the noun it counts ends where a verb begins.
NOUN_END = re.compile(r"实现|开展|建设|改造|开工|完成|达到|参与|入驻|落地|以上|，|$")
NOT_A_NOUN = {"", "目标", "任务", "左右", "以内", "以下"}


@dataclass(frozen=True)
class Quantity:
    """A number with its unit in a clause, what it counts and how it is phrased."""

    value: Decimal
    unit: str
    indicator: str
    phrasing: Phrasing | None
    flow: bool
    quote_start: int
    clause_end: int
    notes: tuple[str, ...] = ()


def quantities(text: str, start: int, end: int) -> list[Quantity]:
    """The figures of one sentence with the clause each belongs to."""
    found: list[Quantity] = []
    quote_start = start
    for c_start, c_end in structure.clauses(text, start, end):
        segment_start = c_start
        in_clause = False
        for match in QUANTITY.finditer(text, c_start, c_end):
            after = text[match.end() : c_end]
            if ATTRIBUTIVE.match(after) or is_date_or_code(text, match):
                continue
            prefix = text[segment_start : match.start()]
            tail = tail_words(prefix)
            indicator = indicator_of(prefix, after)
            lead = lead_words(prefix)
            q_start = quote_start
            if not indicator and found:
                # "增长4.6%" after "生产总值完成185.67亿元，" speaks of the same thing.
                indicator = found[-1].indicator
                q_start = found[-1].quote_start
            phrasing, notes = phrasing_of(match[2], tail, after)
            found.append(
                Quantity(
                    value=Decimal(match[1]),
                    unit=match[2],
                    indicator=indicator,
                    phrasing=phrasing,
                    flow=any(word in FLOW for word in lead)
                    or (not lead and in_clause and found[-1].flow),
                    quote_start=q_start,
                    clause_end=c_end,
                    notes=notes,
                )
            )
            in_clause = True
            segment_start = match.end() + qualifier_length(after)
            if text[segment_start : segment_start + 1] in "、和及":
                segment_start += 1
        if in_clause:
            quote_start = c_end
    return found


def is_date_or_code(text: str, match: re.Match) -> bool:
    """Durations such as "3个月" or "2个年度" count time, not a target."""
    return match[2] == "个" and text[match.end() : match.end() + 1] in ("月", "年")


def qualifier_length(after: str) -> int:
    for word in ("及以上", "以上", "左右", "以内", "以下"):
        if after.startswith(word):
            return len(word)
    return 0


def lead_words(prefix: str) -> list[str]:
    """The verbs and adverbs in front of what is counted, in order."""
    words, text = [], prefix.split("：")[-1]
    while True:
        word = next((w for w in LEAD if text.startswith(w)), None)
        if word is None:
            return words
        words.append(word)
        text = text[len(word) :]


def strip_lead(text: str) -> str:
    for word in lead_words(text):
        text = text[len(word) :]
    return text


def tail_words(prefix: str) -> list[str]:
    """The phrasing words right before the number: 增长, 不少于, 增至, …"""
    words = []
    while word := next((w for w in TAIL if prefix.endswith(w)), None):
        words.insert(0, word)
        prefix = prefix[: -len(word)]
    return words


def indicator_of(prefix: str, after: str) -> str:
    """What is counted: the noun before the number, or after it ("57个城郊村")."""
    before = strip_lead(prefix.split("：")[-1])
    tail = tail_words(before)
    before = before[: len(before) - sum(map(len, tail))]
    for mark in ("等", "的"):
        before = before.rsplit(mark, 1)[-1]
    if not before:
        noun = after[qualifier_length(after) :]
        noun = noun[: NOUN_END.search(noun).start()].rstrip("。；;")
        before = "" if noun in NOT_A_NOUN or re.search(r"\d", noun) else noun
    return before + ("均" if "均" in tail else "")


def phrasing_of(
    unit: str, tail: list[str], after: str
) -> tuple[Phrasing | None, tuple]:
    """How the report phrases the target, as a key of Phrasing."""
    if after.startswith(AROUND):
        return Phrasing.ABOUT, ()
    ceiling = after.startswith(CEILING_AFTER) or any(w in CEILING_BEFORE for w in tail)
    if ceiling:
        return None, ("a ceiling (at most): no phrasing key fits",)
    at_least = after.startswith(AT_LEAST_AFTER) or any(
        w in AT_LEAST_BEFORE for w in tail
    )
    if unit == "%" and any(w in GROWTH for w in tail):
        return (Phrasing.GROW_AT_LEAST if at_least else Phrasing.GROW_BY), ()
    if at_least:
        return Phrasing.AT_LEAST, ()
    if any(w in INCREASE_TO for w in tail):
        return Phrasing.INCREASE_TO, ()
    return Phrasing.REACH, ()


def normalised(indicator: str) -> str:
    """An indicator as compared across years: lead words and "总数" dropped."""
    return strip_lead(indicator).removesuffix("总数")


def comparable_units(a: str, b: str) -> bool:
    """Same unit once 万/亿/千 are set aside: 1.56万人次 compares with 6600人次."""
    if "%" in (a, b):
        return a == b
    return a.lstrip("万亿千") == b.lstrip("万亿千")
