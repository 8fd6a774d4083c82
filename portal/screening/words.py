"""Sensitive words from editable lists, found however they are disguised (ABUSE-07b).

Words and text are compared in their matching form (see matching.py), in one
pass of an Aho-Corasick automaton. The rules, as a moderator sees them:

- Chinese is written without spaces, so a Chinese word counts wherever it
  stands. Longer innocent phrases that contain a listed word can be allowed
  ("!我操作" keeps "我操作了一下" from counting as "我操").
- A word that begins or ends in a letter or digit of an alphabetic script
  counts only at a word boundary of the text as written: "ass" is found in
  "ASS", "ａｓｓ" and "аss" (Cyrillic а), but not in "class", "assess",
  "passage" or "bass guitar".
- Separators between letters inside an alphabetic word are a disguise when the
  word is spelled out letter by letter ("a.s.s", "s h i t") or when they stand
  where the listed word has its own spaces ("buy-followers"). Otherwise they
  are word breaks, so "a SS officer" and "ready to go ok" are not "ass" and
  "gook"; list "bull shit" as well as "bullshit" to catch that spelling.
  Separators between Chinese characters never hide a word ("傻 * 逼").
- A "*" at the start or end of a listed word lets it be joined to more
  letters there: "fuck*" finds "fucking". A word without one finds only
  itself, so "shit" is not found in "shitake".
- Where one hit lies inside a longer one, only the longer is reported.
"""

from __future__ import annotations

import bisect
import functools
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

import ahocorasick_rs

from portal.screening.matching import MatchingView, is_word_char, matching_view

WILDCARD = "*"
ALLOW_PREFIX = "!"
COMMENT_PREFIX = "#"
DEFAULT_LISTS = ("zh", "en")


@dataclass(frozen=True)
class WordHit:
    """A listed word found in a text, with its span in the text as written."""

    word: str
    lang: str
    start: int
    end: int


@dataclass(frozen=True)
class _Entry:
    """A listed word, how it may be joined to more letters, and its own breaks."""

    word: str
    lang: str
    open_start: bool
    open_end: bool
    # Offsets in the matching form where the listed word itself has separators.
    breaks: frozenset[int]


# A hit while it is checked: start and end in the matching form, and its entry.
_Found = tuple[int, int, _Entry]


class WordList:
    """Listed words and allowed innocent phrases, ready to search comments with."""

    def __init__(
        self, entries: Iterable[tuple[str, str]], allow: Iterable[str] = ()
    ) -> None:
        targets: dict[str, list[_Entry | None]] = {}
        for word, lang in entries:
            key, entry = _entry(word, lang)
            same = targets.setdefault(key, [])
            if entry not in same:
                same.append(entry)
        # None marks an allowed phrase: hits inside one do not count.
        for phrase in allow:
            same = targets.setdefault(_form(phrase).text, [])
            if None not in same:
                same.append(None)
        self._targets = list(targets.values())
        self._automaton = ahocorasick_rs.AhoCorasick(list(targets))

    @classmethod
    def from_entries(
        cls, entries: Iterable[tuple[str, str]], allow: Iterable[str] = ()
    ) -> WordList:
        """Build a list from (word, lang) pairs, as administrators keep them."""
        return cls(entries, allow)

    def find(self, text: str) -> list[WordHit]:
        """The listed words in `text`, in order, with their spans in `text`."""
        view = matching_view(text)
        found: list[_Found] = []
        allowed: list[tuple[int, int]] = []
        matches = self._automaton.find_matches_as_indexes(view.text, overlapping=True)
        for index, start, end in matches:
            for entry in self._targets[index]:
                if entry is None:
                    allowed.append((start, end))
                elif _bounded(view, entry, start, end) and _unbroken(
                    view, entry, start, end
                ):
                    found.append((start, end, entry))
        if allowed:
            found = _not_allowed(found, allowed)
        hits = []
        for start, end, entry in _outermost(found):
            first, last = view.original_span(*_whole_word(view, entry, start, end))
            hits.append(WordHit(entry.word, entry.lang, first, last))
        return hits


def load_default_lists() -> WordList:
    """The shipped lists in wordlists/{zh,en}.txt, read once."""
    return _default_lists()


@functools.cache
def _default_lists() -> WordList:
    """Compile the shipped lists."""
    rows = shipped_entries()
    return WordList.from_entries(
        [(word, lang) for word, lang, allow in rows if not allow],
        [word for word, _lang, allow in rows if allow],
    )


def shipped_entries() -> list[tuple[str, str, bool]]:
    """(word, lang, allowed phrase?) for every line of the shipped list files."""
    rows: list[tuple[str, str, bool]] = []
    folder = resources.files("portal.screening") / "wordlists"
    for lang in DEFAULT_LISTS:
        words, phrases = parse_list((folder / f"{lang}.txt").read_text("utf-8"))
        rows += [(word, lang, False) for word in words]
        rows += [(phrase, lang, True) for phrase in phrases]
    return rows


def parse_list(text: str) -> tuple[list[str], list[str]]:
    """Words and allowed phrases ("!phrase") of a list file; "#" starts a comment."""
    words: list[str] = []
    allow: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(COMMENT_PREFIX):
            continue
        if line.startswith(ALLOW_PREFIX):
            allow.append(line.removeprefix(ALLOW_PREFIX).strip())
        else:
            words.append(line)
    return words, allow


def _entry(word: str, lang: str) -> tuple[str, _Entry]:
    """The matching form of a listed word, and the word with its wildcards read."""
    word = word.strip()
    view = _form(word.strip(WILDCARD))
    breaks = frozenset(index for index, gap in enumerate(view.gaps) if gap)
    entry = _Entry(
        word, lang, word.startswith(WILDCARD), word.endswith(WILDCARD), breaks
    )
    return view.text, entry


def _form(text: str) -> MatchingView:
    """The matching view of a listed word or phrase; refuse one that folds away."""
    view = matching_view(text)
    if not view.text:
        raise ValueError(f"{text!r} has nothing left to match once normalised")
    return view


def _glued(view: MatchingView, index: int) -> bool:
    """Are the characters either side of `index` joined within one word?"""
    form = view.text
    return (
        0 < index < len(form)
        and not view.gaps[index]
        and is_word_char(form[index - 1])
        and is_word_char(form[index])
    )


def _bounded(view: MatchingView, entry: _Entry, start: int, end: int) -> bool:
    """Does the hit stand on word boundaries wherever its edge is alphabetic?"""
    return (entry.open_start or not _glued(view, start)) and (
        entry.open_end or not _glued(view, end)
    )


def _unbroken(view: MatchingView, entry: _Entry, start: int, end: int) -> bool:
    """Are separators inside the hit a disguise rather than real word breaks?"""
    form = view.text
    gaps = [index for index in range(start + 1, end) if view.gaps[index]]
    unexplained = [
        index
        for index in gaps
        if index - start not in entry.breaks
        and is_word_char(form[index - 1])
        and is_word_char(form[index])
    ]
    if not unexplained:
        return True
    # Spelled out letter by letter: every separator-free piece is one long.
    edges = [start, *gaps, end]
    return all(after - before == 1 for before, after in itertools.pairwise(edges))


def _whole_word(
    view: MatchingView, entry: _Entry, start: int, end: int
) -> tuple[int, int]:
    """Widen a wildcard hit over the letters joined to it, to show the whole word."""
    if entry.open_start:
        while _glued(view, start):
            start -= 1
    if entry.open_end:
        while _glued(view, end):
            end += 1
    return start, end


def _not_allowed(found: list[_Found], allowed: list[tuple[int, int]]) -> list[_Found]:
    """The hits that do not lie inside one of the allowed phrases found."""
    allowed.sort()
    starts = [start for start, _ in allowed]
    # The furthest end among the phrases starting at or before each one.
    reach = list(itertools.accumulate((end for _, end in allowed), max))
    kept = []
    for hit in found:
        before = bisect.bisect_right(starts, hit[0])
        if before == 0 or reach[before - 1] < hit[1]:
            kept.append(hit)
    return kept


def _outermost(found: list[_Found]) -> list[_Found]:
    """The hits in order, without those lying inside a longer hit."""
    kept = []
    reach, reach_start = -1, -1
    for start, end, entry in sorted(found, key=lambda hit: (hit[0], -hit[1])):
        if end < reach or (end == reach and reach_start < start):
            continue
        kept.append((start, end, entry))
        if end > reach:
            reach, reach_start = end, start
    return kept
