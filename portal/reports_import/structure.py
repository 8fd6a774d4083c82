"""A work report's own outline: numbered sections, the plan year, sentences, clauses."""

from __future__ import annotations

import re
from dataclasses import dataclass

from portal.reportdata import PAGE_MARKER, clean_report_text

DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九", start=0)}
CN = "一二三四五六七八九十"
SECTION = re.compile(rf"^([{CN}]{{1,3}})、(.*)$")
SUBSECTION = re.compile(rf"^[（(]([{CN}]{{1,3}})[）)](.*)$")
ITEM = re.compile(r"^(\d{1,2})[.．、](?!\d)(.*)$")
# The closing address ("各位代表！…") ends the numbered content of a section.
CLOSING = re.compile(r"^各位代表[！!，,]")
YEAR = re.compile(r"(20\d{2})年")
PLAN_WORDS = re.compile(r"今年|工作安排|重点工作|重点任务|主要目标|预期目标|发展目标")
REVIEW_WORDS = re.compile(r"回顾|过去一年|上年")
SENTENCE_END = "。；！？;!?"
# Brackets and quotation marks inside which a comma or full stop does not split.
OPENERS, CLOSERS = "“（(《「‘", "”）)》」’"


def cn_number(numeral: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20: the numerals reports number headings with."""
    if "十" not in numeral:
        return DIGITS[numeral]
    tens, _, units = numeral.partition("十")
    return (DIGITS[tens] if tens else 1) * 10 + (DIGITS[units] if units else 0)


@dataclass
class Block:
    """The text under one heading, whitespace and page markers removed."""

    section: int
    section_label: str
    section_title: str
    subsection: int | None = None
    subsection_label: str | None = None
    subsection_title: str | None = None
    item_label: str | None = None
    text: str = ""

    @property
    def area(self) -> str:
        """The area code cards use: "2" for a section, "3.5" for a sub-section."""
        if self.subsection is None:
            return str(self.section)
        return f"{self.section}.{self.subsection}"


def _title_and_rest(rest: str) -> tuple[str, str]:
    """A heading's title and any body text run on after it on the same line."""
    title, stop, body = rest.partition("。")
    if stop and body.strip():
        return clean_report_text(title + stop), body
    return clean_report_text(rest), ""


def split_blocks(text: str) -> list[Block]:
    """Cut the report at its headings, accepting each number only in sequence."""
    blocks: list[Block] = []
    lines: list[str] = []
    current: Block | None = None

    def close() -> None:
        if current is not None:
            current.text = clean_report_text("\n".join(lines))
            blocks.append(current)
        lines.clear()

    for raw in PAGE_MARKER.sub("", text).splitlines():
        line = clean_report_text(raw)
        section = SECTION.match(line)
        sub = SUBSECTION.match(line)
        item = ITEM.match(line)
        expected = current.section + 1 if current else 1
        if section and cn_number(section[1]) == expected:
            close()
            title, body = _title_and_rest(section[2])
            current = Block(expected, section[1], title)
            lines.append(body)
        elif current is None:
            continue
        elif sub and cn_number(sub[1]) == (current.subsection or 0) + 1:
            close()
            title, body = _title_and_rest(sub[2])
            current = Block(
                current.section,
                current.section_label,
                current.section_title,
                cn_number(sub[1]),
                f"（{sub[1]}）",
                title,
            )
            lines.append(body)
        elif item and int(item[1]) == _item_number(current) + 1:
            close()
            current = Block(
                **{**current.__dict__, "item_label": f"{item[1]}.", "text": ""}
            )
            lines.append(item[2])
        elif CLOSING.match(line):
            close()
            current = Block(**{**current.__dict__, "item_label": "closing", "text": ""})
        elif current.item_label != "closing":
            lines.append(raw)
    close()
    return blocks


def _item_number(block: Block) -> int:
    label = block.item_label or ""
    return int(label[:-1]) if label[:-1].isdigit() else 0


def report_years(blocks: list[Block], text: str) -> tuple[int | None, int | None]:
    """The plan year and the reviewed year, read from the headings or the title."""
    years = [int(y) for b in blocks for y in YEAR.findall(b.section_title)]
    if years:
        plan = max(years)
    elif found := re.search(
        r"(20\d{2})年(?:工作安排|重点工作|主要(?:预期)?目标|政府工作报告)",
        clean_report_text(text),
    ):
        plan = int(found[1])
    elif found := re.search(r"(20\d{2})年工作回顾", clean_report_text(text)):
        plan = int(found[1]) + 1
    else:
        return None, None
    return plan, plan - 1


def is_plan(block: Block, year: int | None) -> bool:
    """A section about the coming year: its heading names that year or the plan."""
    if block.item_label == "closing" or REVIEW_WORDS.search(block.section_title):
        return False
    years = {int(y) for y in YEAR.findall(block.section_title)}
    if years:
        return year in years
    return bool(PLAN_WORDS.search(block.section_title))


def is_review(block: Block, year: int | None) -> bool:
    """A section about the past year: "一、2024年工作回顾" and the like."""
    if block.item_label == "closing":
        return False
    years = {int(y) for y in YEAR.findall(block.section_title)}
    if years:
        return year is not None and year - 1 in years and year not in years
    return bool(REVIEW_WORDS.search(block.section_title))


def split_spans(text: str, stops: str, start: int = 0, end: int | None = None):
    """(start, end) of each piece of text[start:end] ending in one of stops."""
    end = len(text) if end is None else end
    spans, depth, begin = [], 0, start
    for i in range(start, end):
        char = text[i]
        if char in OPENERS:
            depth += 1
        elif char in CLOSERS:
            depth = max(depth - 1, 0)
        elif char in stops and depth == 0:
            spans.append((begin, i + 1))
            begin = i + 1
    if begin < end:
        spans.append((begin, end))
    return spans


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans: cut at 。；！？ outside quotation marks and brackets."""
    return split_spans(text, SENTENCE_END)


def clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Clause spans of one sentence: cut at commas (and a targets list's semicolons)."""
    return split_spans(text, "，,；;", start, end)
