"""Spam signals in one comment: links and repetition (ABUSE-07c, ABUSE-06).

Bursts from one resident or one network are counted by the caller in the
database; these functions only read the text in front of them.
"""

from __future__ import annotations

import re
import unicodedata

from linkify_it import LinkifyIt
from linkify_it.tlds import TLDS

from portal.screening.matching import matching_form

# Repetition: a chunk of 1 to MAX_CHUNK characters written MIN_REPEATS or more
# times in a row, covering at least MIN_RUN characters, counts as repeated.
# "哈哈哈" (3) is ordinary laughter and does not count; "哈哈哈哈哈哈" (6) does.
MAX_CHUNK = 16
MIN_REPEATS = 3
MIN_RUN = 6
# A comment looks repetitive when repeated runs make up at least this share of
# it and at least MIN_REPEATED characters, so one burst of laughter inside a
# real comment ("哈哈哈哈哈哈，说得对") does not count.
REPETITIVE_SHARE = 0.5
MIN_REPEATED = 10
# Or when it holds a run of this many characters with no space and no Chinese,
# Japanese or Korean character: the longest English words have under 50 letters
# and real links rarely pass a few hundred characters.
LONGEST_UNBROKEN = 500

_REPEAT = re.compile(rf"(.{{1,{MAX_CHUNK}}}?)\1{{{MIN_REPEATS - 1},}}", re.DOTALL)
_CJK = (
    "\u2e80-\u2fdf\u3000-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff"
)
_UNBROKEN = re.compile(rf"[^\s{_CJK}]+")

# Links: linkify-it with every IANA top-level domain, Chinese ones (中国, 公司)
# in their Unicode spelling too, so "example.top" and "例子.中国" both count.
_LINKIFY = LinkifyIt().tlds(
    [tld.lower() for tld in TLDS]
    + [tld.lower().encode().decode("idna") for tld in TLDS if tld.startswith("XN--")],
    keep_old=True,
)
# Dots written out to dodge link filters: example点com, example。com,
# example[.]com, example(dot)com.
_WRITTEN_DOT = re.compile(
    r"(?<=[a-z0-9])\s*(?:点|點|。|[\[({]\s*(?:\.|dot|点)\s*[\])}])\s*(?=[a-z])",
    re.IGNORECASE,
)
# Chinese glued to a link ("访问www.example.com了解") would read as part of it,
# and linkify-it takes a link glued to a colon ("网址：example.com", a colon
# once NFKC has run) for part of a scheme; a space sets either link apart.
_SET_APART = re.compile(
    rf"(?<=[{_CJK}])(?=[a-z0-9])|(?<=[a-z0-9])(?=[{_CJK}])|(?<=:)(?!//)",
    re.IGNORECASE,
)


def link_count(text: str) -> int:
    """How many links the text holds: URLs, www. addresses and bare domains.

    Full-width letters and dots, dots written as 点 or [dot], and Chinese glued
    to the link are all seen through. E-mail addresses are not links here.
    """
    # Zero-width and bidi characters (format characters) would split a link.
    text = "".join(char for char in text if unicodedata.category(char) != "Cf")
    text = unicodedata.normalize("NFKC", text)
    text = _SET_APART.sub(" ", _WRITTEN_DOT.sub(".", text))
    # Every link has a dot or a scheme; linkify-it only reads the words with one.
    words = " ".join(word for word in text.split() if "." in word or "://" in word)
    if not words:
        return 0
    return sum(match.schema != "mailto:" for match in _LINKIFY.match(words) or ())


def repeated_text_ratio(text: str) -> float:
    """The share of the text (in matching form) taken up by repeated runs."""
    form = matching_form(text)
    if not form:
        return 0.0
    return _repeated(form) / len(form)


def looks_repetitive(text: str) -> bool:
    """Is the text mostly repetition, or one long unbroken string?"""
    form = matching_form(text)
    repeated = _repeated(form)
    if repeated >= MIN_REPEATED and repeated >= REPETITIVE_SHARE * len(form):
        return True
    return longest_unbroken_run(text) >= LONGEST_UNBROKEN


def longest_unbroken_run(text: str) -> int:
    """The longest run of characters with no space and no CJK character in it."""
    return max((len(run) for run in _UNBROKEN.findall(text)), default=0)


def _repeated(form: str) -> int:
    """How many characters lie in runs of a chunk repeated MIN_REPEATS times."""
    return sum(
        len(match[0])
        for match in _REPEAT.finditer(form)
        if len(match[0]) >= MIN_RUN and any(char.isalnum() for char in match[1])
    )
