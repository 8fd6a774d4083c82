"""The form of residents' text used only to match listed words (IN-02); never stored.

Disguises people use to slip a word past a list all fold away here: full-width
and other compatibility forms (NFKC), zero-width and bidi characters, accents
and stacked combining marks ("Zalgo" text), upper case, letters from other
scripts that look Latin (Cyrillic "а", Greek "ο", from Unicode's confusables
data), traditional characters (OpenCC t2s), and separators typed inside a word
("a.s.s", "傻 * 逼"). Each character of the form remembers which character of
the original it came from and whether separators stood before it, so a hit can
be shown to the moderator as written and English words can keep their word
boundaries.

Clause punctuation (, ; : ! ? 。 、) and apostrophes are kept rather than
dropped: a word split by them is rarely a disguise, and dropping them would join
the end of one clause to the start of the next ("这人真傻，逼得我").
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

import opencc
from confusable_homoglyphs import categories, confusables

# Scripts whose characters are never folded to Latin and never need a word
# boundary: Chinese and its neighbours are written without spaces.
CJK_SCRIPTS = frozenset({"HAN", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO"})

# Kept in the form as hard boundaries (after NFKC, so "，" is already ","). The
# apostrophe is one too: "who're" is not "whore", nor "she'll" "shell".
CLAUSE_PUNCTUATION = frozenset(",;:!?。、'\u2018\u2019")

# Hangul fillers are letters that print as nothing; marks and format
# characters (zero-width, bidi, soft hyphen, variation selectors, tags) vanish
# too, without counting as a separator.
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0")
_IGNORED_CATEGORIES = frozenset({"Mn", "Mc", "Me", "Cf"})

# NFKC, case folding and the confusable map can each expose work for another;
# a character settles after two rounds in practice, this is a safety net.
_MAX_ROUNDS = 4

_T2S = opencc.OpenCC("t2s")


@dataclass(frozen=True, slots=True)
class MatchingView:
    """The matching form of a text and, per character, where it came from."""

    text: str
    # Index in the original text of the character each one comes from.
    origins: tuple[int, ...]
    # Where that character ends in the original, with the marks and invisible
    # characters that follow it.
    ends: tuple[int, ...]
    # True where separators stood in the original just before this character.
    gaps: tuple[bool, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text behind text[start:end] (end > start)."""
        return self.origins[start], self.ends[end - 1]


def matching_form(text: str) -> str:
    """Return the canonical form of `text` for matching listed words; idempotent."""
    return matching_view(text).text


def matching_view(text: str) -> MatchingView:
    """Fold `text` character by character, keeping the way back to the original."""
    pieces: list[str] = []
    origins: list[int] = []
    ends: list[int] = []
    gaps: list[bool] = []
    gap = False
    for index, (kept, separator) in enumerate(map(_fold, text)):
        if separator:
            gap = True
        elif not kept:
            # Marks and invisible characters go with the character before them.
            if ends and not gap:
                ends[-1] = index + 1
        else:
            pieces.append(kept)
            for _ in kept:
                origins.append(index)
                ends.append(index + 1)
                gaps.append(gap)
                gap = False
    return MatchingView(
        _simplified("".join(pieces)), tuple(origins), tuple(ends), tuple(gaps)
    )


@functools.lru_cache(maxsize=4096)
def is_word_char(char: str) -> bool:
    """Is `char` a letter or digit of a script that separates words by spaces?"""
    if char.isascii():
        return char.isalnum()
    return char.isalnum() and categories.alias(char) not in CJK_SCRIPTS


def _simplified(text: str) -> str:
    """Traditional characters as simplified ones, one for one, until stable.

    OpenCC converts by phrase and a few of its results convert again (薴 to 苧
    to 苎), so it runs until nothing changes. Its tables map each character to
    one character; should a phrase ever change the length, characters are
    converted one by one instead, so positions still line up.
    """
    if text.isascii():
        return text
    for _ in range(_MAX_ROUNDS):
        converted = _T2S.convert(text)
        if len(converted) != len(text):
            converted = "".join(_one_for_one(char) for char in text)
        if converted == text:
            break
        text = converted
    return text


def _one_for_one(char: str) -> str:
    """The simplified form of one character, or the character itself."""
    converted = _T2S.convert(char)
    return converted if len(converted) == 1 else char


@functools.lru_cache(maxsize=16384)
def _fold(char: str) -> tuple[str, bool]:
    """What one character of the original becomes: (kept characters, separator?).

    Folding repeats on its own result until stable, so the form folds to itself.
    """
    kept, separator = _fold_once(char)
    for _ in range(_MAX_ROUNDS):
        again = "".join(_fold_once(folded)[0] for folded in kept)
        if again == kept:
            break
        kept = again
    return kept, separator


def _fold_once(char: str) -> tuple[str, bool]:
    """One round of folding for one character."""
    if char.isascii():
        if char.isalnum():
            return char.lower(), False
        return (char, False) if char in CLAUSE_PUNCTUATION else ("", True)
    kept: list[str] = []
    separator = False
    for part in unicodedata.normalize("NFKD", char):
        if _ignored(part):
            continue
        for folded in _latin(part):
            if _ignored(folded):
                continue
            category = unicodedata.category(folded)
            if category[0] in "LN" or folded in CLAUSE_PUNCTUATION:
                kept.append(folded)
            else:
                separator = True
    # Composition puts back what decomposition took apart without marks: the
    # jamo of a Hangul syllable.
    text = unicodedata.normalize("NFKC", "".join(kept))
    return text, separator and not text


def _ignored(char: str) -> bool:
    """Marks, format characters and fillers: present in the text, never seen."""
    return char in _FILLERS or unicodedata.category(char) in _IGNORED_CATEGORIES


def _latin(char: str) -> str:
    """Case-fold `char`, turning a look-alike of a Latin letter into that letter.

    The lower-case look-alike is tried first: Cyrillic "І" folds through "і" to
    "i", while Unicode would take capital "І" for a small "l". A capital whose
    small form looks like nothing Latin ("В" but "в") is mapped as a capital.
    """
    lower = char.casefold()
    if lower in _LOOK_ALIKES:
        return _LOOK_ALIKES[lower]
    if char in _LOOK_ALIKES:
        return _LOOK_ALIKES[char]
    return unicodedata.normalize("NFKD", lower)


def _look_alikes() -> dict[str, str]:
    """Letters outside CJK that Unicode's confusables data pairs with a-z."""
    found: dict[str, str] = {}
    for char, homoglyphs in confusables.confusables_data.items():
        if len(char) != 1 or char.isascii() or unicodedata.category(char)[0] != "L":
            continue
        latin = [
            glyph["c"]
            for glyph in homoglyphs
            if len(glyph["c"]) == 1 and glyph["c"].isascii() and glyph["c"].isalpha()
        ]
        if latin and categories.alias(char) not in CJK_SCRIPTS:
            found[char] = latin[0].lower()
    return found


_LOOK_ALIKES = _look_alikes()
