"""Residents' text is stored in one canonical form, whatever the phone typed."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from portal.screening.text import ControlCharacters, clean_text, length

INVISIBLE = "\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e\u034f"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


@pytest.mark.parametrize(
    "text",
    [
        "a\x00b",  # NUL
        "a\x07b",  # bell
        "a\x0bb",  # vertical tab
        "a\x0cb",  # form feed
        "a\x1b[31mred",  # terminal escape
        "a\x1fb",
        "a\x7fb",  # DEL
        "a\x85b",  # NEL, a C1 control
        "a\x9fb",
        "a\ud800b",  # a lone surrogate, only possible through hand-made JSON
    ],
)
def test_control_characters_are_refused(text):
    with pytest.raises(ControlCharacters):
        clean_text(text)


def test_control_characters_are_refused_in_names_too():
    with pytest.raises(ControlCharacters):
        clean_text("张\x00三", single_line=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("第一行\r\n第二行", "第一行\n第二行"),
        ("first\rsecond", "first\nsecond"),
        ("one\u2028two\u2029three", "one\ntwo\nthree"),
        ("a\tb", "a b"),
        ("  很好  ", "很好"),
        ("\u3000很好\u3000", "很好"),
        ("\n\n  good\n\n", "good"),
        ("a\n\n\n\nb", "a\n\nb"),
        ("a\n \n\t\n  b", "a\n\n  b"),
        ("line one   \nline two", "line one\nline two"),
        ("  indented\n  still indented", "indented\n  still indented"),
    ],
)
def test_whitespace_and_line_breaks(text, expected):
    assert clean_text(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cafe\u0301", "café"),  # decomposed é becomes one code point
        ("\u212b", "\u00c5"),  # the Angstrom sign is the letter Å
        ("垃\u200b圾", "垃圾"),  # a zero-width space cannot split a word
        ("垃\u200d圾\ufeff", "垃圾"),
        ("co\u00admment", "comment"),
        ("e\u034f\u0301", "é"),  # removing the joiner lets the accent compose
        ("abc\u202edef", "abcdef"),  # a right-to-left override (Trojan Source)
        ("\u2066隔离\u2069", "隔离"),
        ("\u200f\u061cعربي", "عربي"),
    ],
)
def test_canonical_form(text, expected):
    assert clean_text(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  张\n三  ", "张 三"),
        ("Li\t\tMing", "Li Ming"),
        ("王\u00a0\u00a0五", "王 五"),
        ("\u202e李四\u202c", "李四"),
    ],
)
def test_single_line_names(text, expected):
    assert clean_text(text, single_line=True) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("好", 1),
        ("很好", 2),
        ("cafe\u0301", 4),
        ("  ok  ", 2),
        ("👍", 1),
        ("好\u200b\u200b\u200b", 1),  # invisible padding does not count
        ("a\r\nb", 3),
    ],
)
def test_length_counts_code_points_after_cleaning(text, expected):
    assert length(text) == expected


def test_length_refuses_control_characters():
    with pytest.raises(ControlCharacters):
        length("a\x00b")


# Characters that interact: combining marks that compose or reorder, joiners
# that block composition, whitespace of every kind, line breaks, and the
# characters clean_text removes, mixed with ordinary text.
TRICKY = st.sampled_from(
    [
        "e",
        "A",
        "好",
        " ",
        "\u00a0",
        "\u3000",
        "\u2028",
        "\u2000",
        "\t",
        "\n",
        "\r",
        "\u0301",
        "\u0316",
        "\u0327",
        "\u0308",
        "\u1100",
        "\u1161",
        "\u11a8",
        "\u212b",
        "\uac00",
        *INVISIBLE,
        *BIDI,
    ]
)
TEXT = st.text(
    alphabet=st.one_of(TRICKY, st.characters(exclude_categories=("Cs", "Cc"))),
    max_size=40,
)


def _cleaned(text: str, single_line: bool = False) -> str:
    try:
        return clean_text(text, single_line=single_line)
    except ControlCharacters:
        assume(False)
        raise


@settings(max_examples=200, deadline=None)
@given(TEXT, st.booleans())
def test_cleaning_is_idempotent(text, single_line):
    once = _cleaned(text, single_line)
    assert clean_text(once, single_line=single_line) == once


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_cleaned_text_keeps_the_rules(text):
    cleaned = _cleaned(text)
    assert unicodedata.is_normalized("NFC", cleaned)
    assert not set(cleaned) & set(INVISIBLE + BIDI + "\r\t\u2028\u2029")
    assert "\n\n\n" not in cleaned
    assert cleaned == cleaned.strip()
    assert length(cleaned) == len(cleaned)


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_names_are_one_line(text):
    cleaned = _cleaned(text, single_line=True)
    assert "\n" not in cleaned
    assert "  " not in cleaned


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=20))
def test_only_control_characters_are_refused(text):
    refused = any(
        (unicodedata.category(c) in ("Cc", "Cs")) and c not in "\n\t\r" for c in text
    )
    try:
        clean_text(text)
    except ControlCharacters:
        assert refused
    else:
        assert not refused
