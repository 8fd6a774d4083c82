"""A commitment's title in the reader's language: never empty, marked when it is
a fallback to the other language or a machine draft nobody has reviewed yet."""

from __future__ import annotations

from flask_babel import gettext as _

from portal import i18n
from portal.models import Commitment


def display_title(
    commitment: Commitment, lang: str | None = None
) -> tuple[str, str | None]:
    """The title a reader of `lang` (default: this request's) sees, and its note.

    An empty English title falls back to the Chinese one, marked "(Chinese
    only)"; an English title drafted by machine is marked "(machine draft)".
    """
    lang = lang or i18n.lang()
    zh = (commitment.title_zh or "").strip()
    en = (commitment.title_en or "").strip()
    if lang == "en":
        if not en:
            return (zh, _("(Chinese only)")) if zh else (_fallback(commitment), None)
        return en, _("(machine draft)") if commitment.needs_english else None
    if not zh:
        return (en, _("(English only)")) if en else (_fallback(commitment), None)
    return zh, None


def _fallback(commitment: Commitment) -> str:
    return _("Commitment %(code)s", code=commitment.code)
