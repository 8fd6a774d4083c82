"""The one canonical form of residents' text, stored and shown (IN-02, IN-03, IN-04)."""

from __future__ import annotations

import re
import unicodedata

# C0 and C1 controls, minus the three layout characters people really type.
# Lone surrogates are refused too: they cannot be stored as UTF-8 and only
# arrive through hand-made JSON such as "\ud800".
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

# Zero-width and other invisible characters hide words from matching and from
# moderators; bidi controls reorder what is shown (Trojan Source).
_INVISIBLE = "\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e\u034f"
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_REMOVED = str.maketrans(dict.fromkeys(_INVISIBLE + _BIDI))

# CR LF, a lone CR and the Unicode line and paragraph separators all become LF,
# so the newline rules below see every line break.
_LINE_BREAK = re.compile("\r\n?|[\u2028\u2029]")
_TRAILING_SPACE = re.compile(r"[^\S\n]+\n")
_BLANK_LINES = re.compile(r"\n{3,}")
_WHITESPACE = re.compile(r"\s+")


class ControlCharacters(ValueError):
    """The text holds control characters that no keyboard sends on purpose."""


def clean_text(text: str, *, single_line: bool = False) -> str:
    """Return the canonical NFC form of `text`; raise ControlCharacters if unfit.

    The steps run in an order that makes the function idempotent: characters are
    removed before NFC (a removed joiner can let two neighbours compose), and
    the whitespace rules only touch characters that never compose.
    """
    if _CONTROL.search(text):
        raise ControlCharacters("text contains control characters")
    text = _LINE_BREAK.sub("\n", text)
    text = unicodedata.normalize("NFC", text.translate(_REMOVED))
    if single_line:
        return _WHITESPACE.sub(" ", text).strip()
    text = text.replace("\t", " ")
    # Spaces at a line end are invisible; dropping them lets lines holding only
    # spaces count as blank, so they cannot pad a comment out either.
    text = _TRAILING_SPACE.sub("\n", text)
    return _BLANK_LINES.sub("\n\n", text).strip()


def length(text: str) -> int:
    """Count the code points of the cleaned text, as the 2-1000 limit is meant."""
    return len(clean_text(text))


def strip_control_characters(text: str) -> str:
    """The text less control characters, to show refused input back harmlessly."""
    return _CONTROL.sub("", text)
