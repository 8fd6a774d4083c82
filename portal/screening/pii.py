"""Masking of phone, ID, card and e-mail details in comments before storage (PRIV-03).

Residents often type their own details into a comment. These are masked before
the comment is stored, so neither moderators nor the public ever see them,
however they were disguised: full-width digits, separators, +86 prefixes, or
glued to other text. Detection runs on a per-character NFKC view of the text
that remembers where each character came from, so only the matched span of the
original is replaced and everything else stays exactly as written.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from stdnum import luhn
from stdnum.cn import ric

MOBILE = "mobile"
ID_NUMBER = "id_number"
EMAIL = "email"
BANK_CARD = "bank_card"

ID_LENGTH = 18
CARD_LENGTHS = (19, 18, 17, 16)  # longest first: the likelier reading of a run
MOBILE_LENGTH = 11

# What people put between digit groups: spaces (the view turns NBSP and the
# ideographic space into " "), hyphens and dashes, dots, middle dots and
# underscores. Commas and slashes are left out so amounts and dates stay apart.
_SEPARATORS = " -._\u00b7\u2010\u2012\u2013\u2014\u2015\u2212\u30fb"
_GAP = f"[{re.escape(_SEPARATORS)}]{{0,3}}"
# Digits written as one number; an ID's check digit X may close the run.
_DIGIT_RUN = re.compile(f"[0-9](?:{_GAP}[0-9])*(?:{_GAP}[Xx])?")
# A country code right before a mobile number is masked along with it.
_COUNTRY_CODE = re.compile(
    rf"(?<![0-9])(?:\(\s?(?:\+\s?|00)?86\s?\)|(?:\+\s?|00)?86){_GAP}\Z"
)
_MOBILE = re.compile("1[3-9][0-9]{9}")
# Card issuers' first digits (ISO/IEC 7812): Mastercard's 2221-2720, then 3-6,
# and 9 for old domestic cards such as 9558. Leaving out other numbers starting
# with 1 or 2 keeps joined-up dates (2025.06.30-2025.07.01) from reading as cards.
_CARD_START = re.compile(r"222[1-9]|22[3-9]\d|2[3-6]\d\d|27[01]\d|2720|[34569]")
# A local part is taken whole (the look-behind): restarting the search inside
# one would make long runs of letters and dots quadratic.
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}"
)

# Invisible characters that clean_text removes anyway; they are skipped here too
# in case text arrives uncleaned, so a zero-width space cannot split a number.
_IGNORED = frozenset(
    "\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e\u034f"
)

# Every pass that changes the text hides digits or e-mail addresses for good,
# so a few passes reach text with nothing left to mask; this is a safety net.
_MAX_PASSES = 20


@dataclass(frozen=True)
class Masked:
    """Text with personal data masked, and the kinds found (to tell the resident)."""

    text: str
    kinds: frozenset[str]


def mask_personal_data(text: str) -> Masked:
    """Mask mobile, ID and bank-card numbers and e-mail addresses in cleaned text.

    Passes repeat until nothing changes, so digits left visible beside one mask
    can never join the next digits into a new number: masking is idempotent.
    """
    kinds: set[str] = set()
    for _ in range(_MAX_PASSES):
        masked = _mask_numbers(_mask_emails(text, kinds), kinds)
        if masked == text:
            break
        text = masked
    return Masked(text, frozenset(kinds))


@dataclass(frozen=True)
class _Span:
    """A stretch of the view to replace, and what replaces it."""

    start: int
    end: int
    replacement: str
    kind: str


class _View:
    """The text with each character NFKC-mapped, and where each one came from."""

    def __init__(self, text: str) -> None:
        chars: list[str] = []
        origin: list[int] = []
        for index, char in enumerate(text):
            if char in _IGNORED:
                continue
            for mapped in unicodedata.normalize("NFKC", char):
                chars.append(_plain(mapped))
                origin.append(index)
        self.text = "".join(chars)
        self.origin = origin

    def replace(self, text: str, spans: list[_Span], kinds: set[str]) -> str:
        """Replace the original characters behind each span of the view."""
        limit = len(text)
        for span in sorted(spans, key=lambda s: s.start, reverse=True):
            start, end = self.origin[span.start], self.origin[span.end - 1] + 1
            # Two spans can share one original character that NFKC expanded
            # (such as "⒑"); the later pass masks whatever this one skips.
            if end > limit:
                continue
            text = text[:start] + span.replacement + text[end:]
            kinds.add(span.kind)
            limit = start
        return text


def _plain(char: str) -> str:
    """Any decimal digit as ASCII, any whitespace but a newline as a space."""
    digit = unicodedata.decimal(char, None)
    if digit is not None:
        return str(digit)
    if char != "\n" and char.isspace():
        return " "
    return char


def _mask_emails(text: str, kinds: set[str]) -> str:
    """Keep an address's first character and its domain: z***@example.com."""
    view = _View(text)
    spans: list[_Span] = []
    for match in _EMAIL.finditer(view.text):
        domain = match[0].split("@", 1)[1]
        spans.append(
            _Span(match.start(), match.end(), f"{match[0][0]}***@{domain}", EMAIL)
        )
    return view.replace(text, spans, kinds)


def _mask_numbers(text: str, kinds: set[str]) -> str:
    """Mask ID, bank-card and mobile numbers in every run of digits."""
    view = _View(text)
    spans: list[_Span] = []
    for match in _DIGIT_RUN.finditer(view.text):
        run = _Run(view.text, match)
        for start, end, replacement, kind in run.numbers():
            span = _Span(
                run.positions[start], run.positions[end - 1] + 1, replacement, kind
            )
            if kind == MOBILE:
                span = _with_country_code(view.text, span)
            spans.append(span)
    return view.replace(text, spans, kinds)


def _with_country_code(view: str, span: _Span) -> _Span:
    """Widen a mobile number's span over a +86, 0086 or 86 written before it."""
    code = _COUNTRY_CODE.search(view, 0, span.start)
    if code is None:
        return span
    return _Span(code.start(), span.end, span.replacement, span.kind)


# How a stretch of digits reads: its mask and kind, or None.
_Reading = tuple[str, str] | None
# A number found in a run: start and end among the run's characters, mask, kind.
_Found = tuple[int, int, str, str]


class _Run:
    """One run of digits, in the groups the writer separated them into."""

    def __init__(self, view: str, match: re.Match[str]) -> None:
        self.positions = [
            match.start() + offset
            for offset, char in enumerate(match[0])
            if char not in _SEPARATORS
        ]
        self.chars = "".join(view[p] for p in self.positions).upper()
        # Where a group starts: a separator stood before that character.
        self.starts = [0] + [
            i
            for i in range(1, len(self.positions))
            if self.positions[i] != self.positions[i - 1] + 1
        ]
        self.bounds = {*self.starts, len(self.chars)}
        if self.chars.endswith("X"):
            # Digits end where the X begins, separated from them or not.
            self.bounds.add(len(self.chars) - 1)

    def numbers(self) -> Iterator[_Found]:
        """The numbers to mask in this run, not overlapping.

        A run that is exactly one valid number is that number. Otherwise IDs
        are looked for first, then bank cards, then mobile numbers in what is
        left, since a longer checksum-valid number is the likelier reading.
        """
        # An X after the digits may be the check digit or just the next letter.
        for whole in dict.fromkeys([self.chars, self.chars.removesuffix("X")]):
            reading = _read_whole(whole)
            if reading is not None:
                yield 0, len(whole), *reading
                return
        free = [(0, len(self.chars))]
        readers: list[tuple[Sequence[int], Callable[[str], _Reading]]] = [
            ((ID_LENGTH,), _read_id),
            (CARD_LENGTHS, _read_card),
            ((MOBILE_LENGTH,), _read_mobile),
        ]
        for sizes, read in readers:
            left = []
            for start, end in free:
                for found in self._scan(start, end, sizes, read):
                    yield found
                    left.append((start, found[0]))
                    start = found[1]
                left.append((start, end))
            free = left

    def _scan(
        self,
        start: int,
        end: int,
        sizes: Sequence[int],
        read: Callable[[str], _Reading],
    ) -> Iterator[_Found]:
        """The leftmost (then longest) plausible numbers in chars[start:end]."""
        index = start
        while index + min(sizes) <= end:
            for size in sizes:
                stop = index + size
                if stop > end or not self._plausible(index, stop):
                    continue
                reading = read(self.chars[index:stop])
                if reading is not None:
                    yield index, stop, *reading
                    index = stop
                    break
            else:
                index += 1

    def _plausible(self, start: int, end: int) -> bool:
        """Could chars[start:end] be one number the writer typed?

        Inside one group any stretch can be (a number glued into a longer one),
        but across groups it must start or end on a group boundary. Otherwise
        separate numbers side by side, such as the dates in
        2019.05.01-2019.06.30, would read as a phone number made of pieces.
        """
        if start in self.bounds or end in self.bounds:
            return True
        next_start = bisect.bisect_right(self.starts, start)
        return next_start == len(self.starts) or self.starts[next_start] >= end


def _read_whole(chars: str) -> _Reading:
    """The mask and kind when the whole run is one valid ID or card number."""
    if len(chars) == ID_LENGTH:
        return _read_id(chars) or _read_card(chars)
    if len(chars) in CARD_LENGTHS:
        return _read_card(chars)
    return None


def _read_id(chars: str) -> _Reading:
    """A resident ID masked to its region code: 110105************.

    Only the check digit is tested, not the birth date or region, so that every
    number the checksum accepts is masked (the PRIV-03 invariant).
    """
    if not chars[:-1].isdigit() or chars[-1] != ric.calc_check_digit(chars):
        return None
    return f"{chars[:6]}{'*' * 12}", ID_NUMBER


def _read_card(chars: str) -> _Reading:
    """A bank card masked to its first and last four digits: 6222****7890."""
    if not (chars.isdigit() and _CARD_START.match(chars) and luhn.is_valid(chars)):
        return None
    return f"{chars[:4]}****{chars[-4:]}", BANK_CARD


def _read_mobile(chars: str) -> _Reading:
    """A mainland mobile number masked like 138****8000."""
    if not _MOBILE.fullmatch(chars):
        return None
    return f"{chars[:3]}****{chars[-4:]}", MOBILE
