"""Words and phrases that stand out in a commitment's negative and positive comments.

How a theme is found, in steps a reader can check by hand:

1. Each comment is cut into clauses at punctuation. Clauses with Chinese are
   segmented by jieba (dictionary only, so no guessed words); others are split
   into lower-case English words.
2. Degree words (很, 太, very) are dropped. A negator joins the next word
   (不 + 亮 -> 不亮, not + working -> "not working"), so 好 is never read out of
   不好. Stop words, numbers and single characters that mean nothing alone are
   dropped. Two neighbouring words also make a phrase (充电 + 桩 -> 充电桩,
   "charging piles"); Chinese phrases are kept to four characters.
3. For one polarity, a term's score is the share of that polarity's comments
   using it minus the share of the other polarity's comments using it. Each
   share is taken over two more comments than there are (comments without the
   term), so one comment in a tiny group cannot swing it. A theme needs at
   least two comments and a score above zero.
4. Terms are taken best first. A word is left out when a chosen phrase holding
   it covers most of its comments, and such a phrase replaces a chosen word.

Counts are of comments, not of mentions: a comment that says 排队 three times
counts once.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import Literal

Label = Literal["positive", "negative", "unclear"]
Lang = Literal["zh", "en", "und"]
Polarity = Literal["negative", "positive"]
Kind = Literal["degree", "negator", "stop", "word"]

POLARITIES: tuple[Polarity, Polarity] = ("negative", "positive")
LIMIT = 8
MIN_COMMENTS = 2
EXAMPLES = 3
# Comments without the term added to each side before taking shares (step 3).
SMOOTHING = 2
# A phrase stands in for its word once it covers four fifths of its comments.
COVER = 0.8
MAX_ZH_PHRASE = 4

# A negator and what it reads as when it joins the next word: "不是很好" and
# "不太好" both mean 不好, and the English contractions all mean "not".
_ZH_NEGATORS = {
    **dict.fromkeys(["不", "不是", "并不", "从不", "不太", "不怎么"], "不"),
    **dict.fromkeys(["没", "还没", "并没", "从没"], "没"),
    **dict.fromkeys(["没有", "还没有", "并没有", "从来没有"], "没有"),
    **dict.fromkeys(["未", "从未", "尚未"], "未"),
    # These keep their own form: 没人管, 没法走, 无法使用, 不能用, 不再排队.
    **{w: w for w in ["没人", "没法", "无法", "别", "无", "不能", "不会", "不要"]},
    **{w: w for w in ["不再", "不用"]},
}
_EN_NEGATORS = {"not": "not", "no": "no", "never": "never", "cannot": "not"}
# Words an English negator may reach over: "never been fixed" -> "never fixed".
_EN_NEGATION_GAP = frozenset(
    {"be", "been", "being", "the", "a", "an", "yet", "even", "ever", "get", "got"}
)

_ZH_DEGREE = frozenset(
    [*"很太挺真超更最", "非常", "特别", "十分", "比较", "相当", "有点", "有些"]
    + ["有点儿", "极其", "超级", "太过", "实在", "格外"]
)
# Only these are stripped from the front of a jieba word (太慢 -> 慢); 更 and 最
# start too many plain words (更新, 最近).
_ZH_DEGREE_PREFIXES = ("非常", "特别", "十分", "比较", "相当", "有点", *"太很挺真")
_EN_DEGREE = frozenset(
    {"very", "too", "so", "really", "quite", "extremely", "pretty", "rather"}
)

# Single characters that are a verdict on their own; any other lone character
# only counts inside a phrase (充电 + 桩).
_ZH_SINGLE = frozenset("好差慢快难贵乱脏吵堵挤坏破旧远少窄暗臭险烂累棒赞美冷热滑漏")

# jieba's dictionary holds 灯不亮 as one noun, which would hide the negation in
# 路灯不亮; deleting it lets the sentence cut as 路灯 / 不 / 亮. The deletion is
# made in jieba's process-wide dictionary, which no other part of the portal uses.
_SWALLOWED_NEGATIONS = ("灯不亮",)

_HAN = re.compile(r"[\u3400-\u9fff]")
# Anything but letters, digits, apostrophes and spaces ends a clause.
_CLAUSE_BREAK = re.compile(r"[^\w' ]+|_+")
_EN_WORD = re.compile(r"[a-z]+(?:'[a-z]+)*")
_NUMBER = re.compile(
    r"[\d.%]+|[\d零〇一二三四五六七八九十百千万亿两半几多]+"
    r"[个次天年月日号周岁点分秒元块米层栋所条辆台位名家户间]?"
)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'"})

_JIEBA_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class ThemeComment:
    """One comment as the themes need it: its id, text, language and label."""

    id: int
    body: str
    # Each clause's script decides how it is cut, so mixed comments need no
    # language; it is carried so stored rows can be passed as they are.
    lang: Lang
    label: Label


@dataclass(frozen=True, slots=True)
class Theme:
    """A term, the number of comments using it and a few of those comments' ids."""

    term: str
    count: int
    example_ids: tuple[int, ...]

    def as_dict(self) -> dict[str, object]:
        """Plain mapping for JSON storage."""
        return {
            "term": self.term,
            "count": self.count,
            "example_ids": list(self.example_ids),
        }


@dataclass(frozen=True, slots=True)
class PolarityThemes:
    """The themes of one polarity and how many comments of it were read."""

    polarity: Polarity
    count: int
    themes: tuple[Theme, ...] = ()

    def as_dict(self) -> dict[str, object]:
        """Plain mapping for JSON storage."""
        return {"count": self.count, "themes": [t.as_dict() for t in self.themes]}


@dataclass(frozen=True, slots=True)
class CommitmentThemes:
    """Negative and positive themes of one commitment's comments."""

    negative: PolarityThemes
    positive: PolarityThemes

    def as_dict(self) -> dict[str, object]:
        """Plain mapping for JSON storage."""
        return {
            "negative": self.negative.as_dict(),
            "positive": self.positive.as_dict(),
        }


@dataclass(slots=True)
class _Word:
    """One word of a clause after negation and degree handling."""

    key: str
    shown: str
    han: bool
    negated: bool = False


@dataclass(slots=True)
class _Term:
    """A candidate theme: its words, the comments using it and how it was written."""

    parts: tuple[str, ...]
    comments: list[int] = field(default_factory=list)
    shown: Counter[str] = field(default_factory=Counter)


def find_themes(
    comments: Iterable[ThemeComment],
    *,
    limit: int = LIMIT,
    min_count: int = MIN_COMMENTS,
    cache: dict[str, dict[str, tuple[tuple[str, ...], str]]] | None = None,
) -> CommitmentThemes:
    """Find up to `limit` themes per polarity; unclear comments are not read.

    `cache` keeps each body's terms between calls, so that one comment read for
    its commitment, its area and the district is segmented once.
    """
    bodies: dict[Polarity, list[ThemeComment]] = {p: [] for p in POLARITIES}
    terms: dict[Polarity, dict[str, _Term]] = {p: {} for p in POLARITIES}
    for comment in comments:
        if comment.label not in bodies:
            continue
        polarity: Polarity = comment.label  # type: ignore[assignment]
        index = len(bodies[polarity])
        bodies[polarity].append(comment)
        table = terms[polarity]
        if cache is None:
            found = _comment_terms(comment.body)
        elif (found := cache.get(comment.body)) is None:
            found = cache[comment.body] = _comment_terms(comment.body)
        for key, (parts, shown) in found.items():
            term = table.get(key)
            if term is None:
                term = table[key] = _Term(parts)
            term.comments.append(index)
            term.shown[shown] += 1
    negative, positive = (
        PolarityThemes(
            polarity,
            len(bodies[polarity]),
            _choose(
                terms[polarity],
                terms[other],
                bodies[polarity],
                len(bodies[other]),
                limit=limit,
                min_count=min_count,
            ),
        )
        for polarity, other in (("negative", "positive"), ("positive", "negative"))
    )
    return CommitmentThemes(negative, positive)


def _comment_terms(body: str) -> dict[str, tuple[tuple[str, ...], str]]:
    """Each term of one comment by key, with its words and how it was written."""
    found: dict[str, tuple[tuple[str, ...], str]] = {}
    for clause in _clauses(body):
        words: list[_Word | None] = [None, *_words(clause)]
        for before, first, second in zip(words, words[1:], words[2:], strict=False):
            if first is None or second is None:
                continue
            # A lone character belongs to the word before it (充电 + 桩), so it
            # starts a phrase only at the start of a run (新 + 学校).
            if before is not None and _fragment(first):
                continue
            phrase = _phrase(first, second)
            if phrase is not None:
                key, parts, shown = phrase
                found.setdefault(key, (parts, shown))
        for word in words:
            if word is not None and _counts_alone(word):
                found.setdefault(word.key, ((word.key,), word.shown))
    return found


def stopwords() -> frozenset[str]:
    """The shipped Chinese and English stop words, read once."""
    return _stopwords()


@cache
def _stopwords() -> frozenset[str]:
    """Read data/stopwords_{zh,en}.txt; "#" starts a comment line."""
    folder = resources.files("portal.insights") / "data"
    words: set[str] = set()
    for lang in ("zh", "en"):
        text = (folder / f"stopwords_{lang}.txt").read_text("utf-8")
        for line in text.splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                words.add(line)
    return frozenset(words)


def _segmenter() -> Callable[[str], list[str]]:
    """jieba's cutter, loaded once per process with nothing printed."""
    with _JIEBA_LOCK:
        return _load_jieba()


@cache
def _load_jieba() -> Callable[[str], list[str]]:
    """Load jieba's dictionary quietly; its cache goes to the temp folder."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    for word in _SWALLOWED_NEGATIONS:
        jieba.del_word(word)
    return lambda text: jieba.lcut(text, HMM=False)


def _clauses(body: str) -> list[str]:
    """Split a comment at punctuation after folding full-width forms (NFKC)."""
    text = unicodedata.normalize("NFKC", body).translate(_APOSTROPHES)
    return [part for part in _CLAUSE_BREAK.split(text) if part.strip()]


def _words(clause: str) -> list[_Word | None]:
    """The clause's words after negation and degree handling; None breaks phrases."""
    if _HAN.search(clause):
        tokens = [t for t in _segmenter()(clause) if t.strip("' ")]
    else:
        tokens = _EN_WORD.findall(clause.lower())
    words: list[_Word | None] = []
    negator: str | None = None
    gap = 0
    for raw in tokens:
        kind, text, key, han = _classify(raw)
        if kind == "degree":
            continue
        if kind == "negator":
            negator, gap = text, 0
            continue
        if kind == "stop":
            if text == "了" and words and _bare_single(words[-1]):
                words[-1].shown += "了"  # type: ignore[union-attr]
            if negator is not None and text in _EN_NEGATION_GAP:
                gap += 1
                if gap <= 2:
                    continue
            negator = None
            words.append(None)
        elif negator is not None:
            joined = negator + ("" if han else " ") + text
            negator = None
            words.append(_Word(joined, joined, han, negated=True))
        else:
            words.append(_Word(key, text, han))
    return words


@lru_cache(maxsize=1 << 16)
def _classify(raw: str) -> tuple[Kind, str, str, bool]:
    """(kind, token as written, key, Chinese?) of one token; tokens recur a lot."""
    han = bool(_HAN.search(raw))
    token = _strip_degree(raw) if han else raw.lower()
    if token in _ZH_DEGREE or token in _EN_DEGREE:
        return "degree", token, token, han
    canonical = _negator(token, han)
    if canonical is not None:
        return "negator", canonical, canonical, han
    if token in _stopwords() or _NUMBER.fullmatch(token):
        return "stop", token, token, han
    return "word", token, token if han else _fold_plural(token), han


def _strip_degree(token: str) -> str:
    """Drop a degree word glued to a jieba word's front: 太慢 -> 慢, 不太好 -> 不好."""
    if token[:1] in ("不", "没") and len(token) > 2:
        rest = _strip_degree(token[1:])
        return token if rest == token[1:] else token[0] + rest
    for prefix in _ZH_DEGREE_PREFIXES:
        rest = token.removeprefix(prefix)
        if rest != token and rest and (rest in _ZH_SINGLE or _is_word(rest)):
            return rest
    return token


def _is_word(text: str) -> bool:
    """Whether jieba's dictionary lists `text` as a word of two or more characters."""
    _segmenter()
    import jieba

    return len(text) >= 2 and bool(jieba.dt.FREQ.get(text))


def _negator(token: str, han: bool) -> str | None:
    """The form a negator takes when it joins the next word, or None."""
    if han:
        return _ZH_NEGATORS.get(token)
    if token.endswith("n't"):
        return "not"
    return _EN_NEGATORS.get(token)


def _fold_plural(word: str) -> str:
    """Fold simple English plurals so "pile" and "piles" count together."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _bare_single(word: _Word | None) -> bool:
    """Whether the word is a lone verdict character such as 坏, not yet with 了."""
    return (
        word is not None
        and not word.negated
        and word.key in _ZH_SINGLE
        and word.shown == word.key
    )


def _fragment(word: _Word) -> bool:
    """Whether the word is a lone Chinese character that means nothing alone."""
    return (
        word.han
        and not word.negated
        and len(word.key) == 1
        and word.key not in _ZH_SINGLE
    )


def _counts_alone(word: _Word) -> bool:
    """Whether a word is a theme by itself rather than a fragment."""
    return len(word.key) >= 2 or word.negated or (word.han and not _fragment(word))


def _phrase(first: _Word, second: _Word) -> tuple[str, tuple[str, str], str] | None:
    """Two neighbouring words as one phrase (key, words, shown), or None."""
    # 排队 + 排 (排队排了一上午) repeats a word rather than naming a thing.
    if first.han != second.han or first.negated or second.key in first.key:
        return None
    if first.han:
        if len(first.key) + len(second.key) > MAX_ZH_PHRASE:
            return None
        return (
            first.key + second.key,
            (first.key, second.key),
            first.shown + second.shown,
        )
    if second.negated:
        return None
    key = f"{first.key} {second.key}"
    return key, (first.key, second.key), f"{first.shown} {second.shown}"


def _choose(
    mine: dict[str, _Term],
    theirs: dict[str, _Term],
    bodies: list[ThemeComment],
    other_total: int,
    *,
    limit: int,
    min_count: int,
) -> tuple[Theme, ...]:
    """Score one polarity's terms against the other's and keep the best (steps 3-4)."""
    total = len(bodies)
    scored = []
    for key, term in mine.items():
        count = len(term.comments)
        if count < max(min_count, 1):
            continue
        other = len(theirs[key].comments) if key in theirs else 0
        score = count / (total + SMOOTHING) - other / (other_total + SMOOTHING)
        if score > 0:
            scored.append((-score, -count, -len(term.parts), key, term))
    scored.sort(key=lambda row: row[:4])
    chosen: list[tuple[float, int, int, str, _Term]] = []
    for row in scored:
        term = row[-1]
        if _covered(term, [c[-1] for c in chosen]):
            continue
        kept = [c for c in chosen if not _replaces(term, c[-1])]
        if len(kept) < len(chosen) or len(kept) < limit:
            chosen = [*kept, row]
    chosen.sort(key=lambda row: row[:4])
    return tuple(_theme(row[-1], bodies) for row in chosen)


def _contains(outer: tuple[str, ...], inner: tuple[str, ...]) -> bool:
    """Whether `inner` is a run of words inside the longer `outer`."""
    size = len(inner)
    return len(outer) > size and any(
        outer[i : i + size] == inner for i in range(len(outer) - size + 1)
    )


def _covered(term: _Term, chosen: list[_Term]) -> bool:
    """Whether a chosen phrase holding this word covers most of its comments."""
    return any(
        _contains(c.parts, term.parts) and len(c.comments) >= COVER * len(term.comments)
        for c in chosen
    )


def _replaces(term: _Term, chosen: _Term) -> bool:
    """Whether this phrase holds a chosen word and covers most of its comments."""
    return _contains(term.parts, chosen.parts) and len(term.comments) >= COVER * len(
        chosen.comments
    )


def _theme(term: _Term, bodies: list[ThemeComment]) -> Theme:
    """The reader's view: most common spelling, comment count, shortest examples."""
    shown = min(term.shown.items(), key=lambda item: (-item[1], len(item[0]), item[0]))
    ordered = sorted(term.comments, key=lambda i: (len(bodies[i].body), bodies[i].id))
    # Different wordings make better examples than one comment sent twice.
    examples: dict[str, int] = {}
    for i in ordered:
        examples.setdefault(bodies[i].body, bodies[i].id)
        if len(examples) == EXAMPLES:
            break
    return Theme(shown[0], len(term.comments), tuple(examples.values()))
