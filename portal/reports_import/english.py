"""Draft English titles for drafted commitments, from terms the project knows.

A title is built only when every character of the indicator is covered by a known
term: the report's own areas, topics and units, earlier commitment titles and a
short list of the genre's common terms (data/terms.tsv). Anything else, proper
names above all, gives None: an administrator writes that English. A title made
here is still a draft; the card stays marked "needs English" until someone has
read it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.commitment import Commitment, Phrasing
from portal.models.report import Area, Topic, Unit
from portal.reportdata import ReportData

TERMS_FILE = Path(__file__).parent / "data" / "terms.tsv"

# Left out of the English when a term cannot cover them (的 "of", 等 "and so on").
IGNORED = frozenset("的等")
# Latin letters and digits in an indicator ("5G") are already English.
LATIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]*")
CLAUSE_BREAK = re.compile(r"[，,；;：:。！？]")
WORD = re.compile(r"[A-Za-z][A-Za-z\-']*")
BEFORE, AFTER = "<", ">"
# The longest run of verbs looked for before an indicator ("新建和改造提升").
MAX_VERBS = 12
# A unit written one way in Chinese but counting different things in English
# (个: projects, villages, school places) when the indicator does not say which.
NEUTRAL_UNITS = {"个": "", "家": "organisations", "项": "items", "名": "people"}


@dataclass(frozen=True)
class Term:
    """One known term: its English, and the English when it modifies another."""

    zh: str
    en: str
    modifier: str = ""
    source: str = "terms"

    @property
    def is_verb(self) -> bool:
        return AFTER in self.en

    @property
    def is_head(self) -> bool:
        return BEFORE in self.en

    @property
    def is_joiner(self) -> bool:
        return self.en == "and"


@dataclass(frozen=True)
class UnitEnglish:
    """How one unit reads in English, with the factor its value is shown at."""

    label: str
    scale: Decimal = Decimal(1)


@dataclass
class Glossary:
    """Chinese terms with their English, unit labels and earlier titles."""

    terms: dict[str, Term] = field(default_factory=dict)
    units: dict[str, list[UnitEnglish]] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_session(cls, session: Session) -> Glossary:
        """What the database knows: areas, topics, units and reviewed titles."""
        glossary = cls.with_common_terms()
        for name_zh, name_en in session.execute(
            select(Area.name_zh, Area.name_en).order_by(Area.id)
        ):
            glossary.add_heading(name_zh, name_en, "area")
        for name_zh, name_en in session.execute(
            select(Topic.name_zh, Topic.name_en).order_by(Topic.id)
        ):
            glossary.add_heading(name_zh, name_en, "topic")
        for unit in session.scalars(select(Unit).order_by(Unit.id)):
            glossary.add_unit(unit.label_zh, unit.label_en, unit.en_scale)
        query = select(Commitment.title_zh, Commitment.title_en).order_by(Commitment.id)
        # Machine-drafted English is not memory for the next draft.
        if hasattr(Commitment, "needs_english"):
            query = query.where(Commitment.needs_english.is_(False))
        for title_zh, title_en in session.execute(query):
            glossary.add_title(title_zh, title_en)
        return glossary

    @classmethod
    def from_report_data(
        cls, data: ReportData, *, titles: bool = True, leave_out: Iterable[str] = ()
    ) -> Glossary:
        """The same from a data file; titles of leave_out codes are not used."""
        glossary = cls.with_common_terms()
        for area in data.areas:
            glossary.add_heading(area["name"]["zh"], area["name"]["en"], "area")
        for topic in data.topics:
            glossary.add_heading(topic["name"]["zh"], topic["name"]["en"], "topic")
        for unit in data.units.values():
            glossary.add_unit(unit["zh"], unit["en"], unit.get("en_scale", 1))
        skipped = set(leave_out)
        for item in data.commitments if titles else ():
            if str(item["code"]) not in skipped:
                glossary.add_title(item["title"]["zh"], item["title"]["en"])
        return glossary

    @classmethod
    def with_common_terms(cls, path: Path = TERMS_FILE) -> Glossary:
        """Only the genre's common terms, written for the project."""
        glossary = cls()
        for term in read_terms(path):
            glossary.terms[term.zh] = term
        return glossary

    def add_heading(self, zh: str, en: str, source: str) -> None:
        """An area or topic name as a term; the written terms take precedence."""
        zh, en = zh.strip(), _as_phrase(en)
        if zh and en and zh not in self.terms:
            self.terms[zh] = Term(zh, en, source=source)

    def add_unit(self, zh: str, en: str, scale: Any = 1) -> None:
        """One unit; a Chinese label may count different things in English."""
        english = UnitEnglish(en.strip(), Decimal(str(scale)))
        labels = self.units.setdefault(zh.strip(), [])
        if english not in labels:
            labels.append(english)

    def add_title(self, zh: str, en: str) -> None:
        """A reviewed title, reused only for a draft saying exactly the same."""
        if zh.strip() and en.strip():
            self.titles[zh.strip()] = en.strip()

    def segment(self, text: str) -> list[Term] | None:
        """The fewest known terms covering the text; None when a part is unknown."""
        # Ties go to the reading with the longest first term: deterministic.
        longest = max((len(zh) for zh in self.terms), default=0)
        # best[i]: the fewest terms covering text[i:], and that reading.
        best: list[tuple[int, list[Term]] | None] = [None] * (len(text) + 1)
        best[len(text)] = (0, [])
        for start in range(len(text) - 1, -1, -1):
            options: list[tuple[int, list[Term]]] = []
            latin = LATIN.match(text, start)
            if latin and best[latin.end()]:
                count, rest = best[latin.end()]
                options.append((count + 1, [Term(latin.group(), latin.group()), *rest]))
            for end in range(min(len(text), start + longest), start, -1):
                term = self.terms.get(text[start:end])
                if term and best[end]:
                    count, rest = best[end]
                    options.append((count + 1, [term, *rest]))
            if text[start] in IGNORED and best[start + 1]:
                options.append(best[start + 1])
            if options:
                best[start] = min(options, key=lambda option: option[0])
        return None if best[0] is None else best[0][1]

    def unit_en(self, label_zh: str, indicator_en: str = "") -> str | None:
        """The English of a unit; among several, the one the indicator speaks of."""
        labels = self.units.get(label_zh)
        if not labels:
            return None
        if len({u.label for u in labels}) == 1:
            return labels[0].label
        words = _content_words(indicator_en)
        related = [u for u in labels if _content_words(u.label) & words]
        if related:
            return max(
                related, key=lambda u: len(_content_words(u.label) & words)
            ).label
        return NEUTRAL_UNITS.get(label_zh)

    def unit_scale(self, label_zh: str, label_en: str) -> Decimal:
        """The factor a value in this unit is shown at in English (万亩 -> mu)."""
        for unit in self.units.get(label_zh, ()):
            if unit.label == label_en:
                return unit.scale
        return Decimal(1)


def read_terms(path: Path = TERMS_FILE) -> list[Term]:
    """The terms of a tab-separated file; # lines and the header are skipped."""
    terms = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("zh\t"):
            continue
        zh, en, *rest = line.split("\t")
        terms.append(Term(zh, en, rest[0] if rest else ""))
    return terms


def english_title(draft: Any, glossary: Glossary) -> str | None:
    """A plain English title from known terms only; None when any word is unknown."""
    # draft: a Draft, or a mapping with indicator, phrasing, value, unit and quote.
    indicator = (_field(draft, "indicator") or "").strip()
    if not indicator:
        return None
    phrasing = _field(draft, "phrasing")
    phrasing = Phrasing(phrasing) if phrasing else None
    verb = _opening_verb(_field(draft, "quote") or "", indicator, glossary)

    for said in (verb + indicator, indicator) if verb else (indicator,):
        if said in glossary.titles:
            return glossary.titles[said]

    if phrasing in (Phrasing.COMPLETE, Phrasing.START):
        verb = ""
    terms = glossary.segment(verb + indicator)
    phrase = _compose(terms) if terms else None
    if not phrase:
        return None
    match phrasing:
        case Phrasing.GROW_BY | Phrasing.GROW_AT_LEAST:
            title = f"{phrase} growth" if phrase.isupper() else f"growth in {phrase}"
        case Phrasing.ABOUT:
            title = _about(phrase, terms, draft, glossary)
        case Phrasing.COMPLETE:
            title = f"complete {phrase}"
        case Phrasing.START:
            title = f"start work on {phrase}"
        case _:
            title = phrase
    return title[:1].upper() + title[1:] if title else None


def _field(draft: Any, name: str) -> Any:
    if isinstance(draft, Mapping):
        return draft.get(name)
    return getattr(draft, name, None)


def _opening_verb(quote: str, indicator: str, glossary: Glossary) -> str:
    """The known verbs just before the indicator in its clause (新建, 新建和改造)."""
    at = quote.find(indicator)
    if at <= 0:
        return ""
    before = CLAUSE_BREAK.split(quote[:at])[-1]
    for start in range(max(0, len(before) - MAX_VERBS), len(before)):
        terms = glossary.segment(before[start:])
        if terms and _verb_run(terms) == len(terms):
            return before[start:]
    return ""


def _verb_run(terms: list[Term]) -> int:
    """How many terms at the start are verbs joined by "and" (0 when none)."""
    end = 0
    for i, term in enumerate(terms):
        if term.is_verb:
            end = i + 1
        elif not (term.is_joiner and i > 0 and terms[i - 1].is_verb):
            break
    return end


def _compose(terms: list[Term]) -> str | None:
    """English word order from Chinese terms: verbs, then modifiers, then heads."""
    # A verb takes what follows it, a head ("<") what precedes it.
    verbs = _verb_run(terms)
    if verbs:
        rest = _compose(terms[verbs:]) if len(terms) > verbs else None
        if not rest:
            return None
        if verbs == 1:
            return terms[0].en.replace(AFTER, rest).strip()
        words = [t.en.replace(AFTER, "").strip() for t in terms[:verbs]]
        return " ".join([*words, rest])
    phrase = ""
    for i, term in enumerate(terms):
        following = terms[i + 1] if i + 1 < len(terms) else None
        if term.is_verb or (term.is_joiner and (not phrase or following is None)):
            # A verb inside a noun phrase, or "and" with nothing on one side:
            # the order of the English cannot be read from the Chinese.
            return None
        if term.is_head:
            if not phrase:
                return None
            phrase = term.en.replace(BEFORE, phrase).strip()
            continue
        modifies = following is not None and not (
            following.is_head or following.is_joiner
        )
        words = term.modifier if modifies and term.modifier else term.en
        phrase = f"{phrase} {words}".strip()
    return phrase


def _about(phrase: str, terms: list[Term], draft: Any, glossary: Glossary) -> str:
    """A percentage before the name (About 2% rise in …), other units after it."""
    value, unit = _field(draft, "value"), _field(draft, "unit")
    if value is None:
        return phrase
    if unit == "%":
        share = f"{_number(Decimal(str(value)))}%"
        if terms[-1].is_head:
            return f"about {share} {phrase}"
        indicator, quote = _field(draft, "indicator"), _field(draft, "quote") or ""
        if f"{indicator}增长" in quote:
            if phrase.isupper():
                return f"{phrase} growth of about {share}"
            return f"growth of about {share} in {phrase}"
        return f"{phrase}: about {share}"
    unit_en = glossary.unit_en(unit or "", phrase)
    if unit_en is None:
        return phrase
    scale = glossary.unit_scale(unit or "", unit_en)
    amount = _number(Decimal(str(value)) * scale)
    return f"{phrase}: about {amount} {unit_en}".strip()


def _number(value: Decimal) -> str:
    """19,200 or 1.5, the way English readers write numbers."""
    return format(value.normalize(), ",f")


def _as_phrase(heading: str) -> str:
    """A heading ("Environment (air, water, soil)") as words inside a title."""
    text = re.sub(r"\s*\([^)]*\)", "", heading).strip()
    first = text.split(" ", 1)[0]
    if first[:1].isupper() and not first.isupper():
        text = text[:1].lower() + text[1:]
    return text


# Words every title may have; sharing them says nothing about the content.
STOPWORDS = frozenset(
    {"a", "an", "and", "at", "by", "for", "from", "in", "into", "of", "on", "or"}
    | {"the", "to", "with", "more", "new", "build", "complete", "start", "work"}
    | {"growth", "carry", "out"}
)


def _content_words(text: str) -> set[str]:
    """Lower-case words that carry meaning, roughly singular ("piles" -> "pile")."""
    words = set()
    for word in WORD.findall(text.lower()):
        if word in STOPWORDS:
            continue
        words.add(word[:-1] if len(word) > 3 and word.endswith("s") else word)
    return words


def shared_words(one: str, other: str) -> set[str]:
    """The content words two English titles share (for measuring drafts)."""
    return _content_words(one) & _content_words(other)
