"""Which language a comment is written in, for labelling it ("zh", "en" or "und")."""

from __future__ import annotations

import re

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
LINK_OR_HANDLE = re.compile(r"https?://\S+|www\.\S+|@\w+")


def detect_language(text: str) -> str:
    """Chinese if Han characters carry the text, English if Latin words do.

    Links and @handles are ignored: Chinese comments often contain them.
    """
    text = LINK_OR_HANDLE.sub(" ", text)
    han = len(HAN.findall(text))
    words = len(LATIN_WORD.findall(text))
    if han and han >= words:
        return "zh"
    if words:
        return "en"
    return "und"
