"""Choosing the reader's language and writing numbers, units and labels in it."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from babel import support
from babel.dates import format_skeleton
from babel.lists import format_list
from babel.numbers import format_compact_decimal, format_decimal
from flask import current_app, request
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.i18n import messages_path

from portal.models import CommentStatus, Commitment, Phrasing, Status, Unit

LANG_COOKIE = "lang"
HTML_LANG = {"zh": "zh-Hans", "en": "en"}
LANGUAGE_NAMES = {"zh": "中文", "en": "English"}
# The language a comment is written in, named in the reader's language.
WRITTEN_IN = {"zh": _l("Chinese"), "en": _l("English")}

STATUS_LABELS = {
    Status.NOT_STARTED: _l("Not started"),
    Status.IN_PROGRESS: _l("In progress"),
    Status.ACHIEVED: _l("Achieved"),
    Status.DELAYED: _l("Delayed"),
}

# What the author of a comment is told about it. Quarantined comments read
# like pending ones: the bot traps must not tell a bot it was caught.
COMMENT_STATUS_LABELS = {
    CommentStatus.PENDING: _l("Awaiting review"),
    CommentStatus.QUARANTINED: _l("Awaiting review"),
    CommentStatus.PUBLISHED: _l("Published"),
    CommentStatus.REJECTED: _l("Not published"),
    CommentStatus.HIDDEN: _l("Hidden after reports, waiting for a moderator"),
}

# What automatic screening found on a comment, as the moderator reads it.
SCREENING_LABELS = {
    "sensitive": _l("Sensitive words"),
    "personal_data": _l("Personal data masked"),
    "links": _l("Links"),
    "repetitive": _l("Repetitive text"),
    "burst": _l("Many comments in a short time"),
    "duplicate": _l("Same text sent before"),
    "bot": _l("Bot traps"),
}

# The sentiment of a comment, as officials and moderators read it.
TONE_LABELS = {
    "positive": _l("Positive"),
    "unclear": _l("Unclear"),
    "negative": _l("Negative"),
}

# Staff roles as the staff pages name them.
ROLE_LABELS = {
    "moderator": _l("Moderator"),
    "official": _l("Official"),
    "administrator": _l("Administrator"),
}

# Audit-log actions as an administrator reads them.
AUDIT_ACTIONS = {
    "comment.approve": _l("Approved a comment"),
    "comment.reject": _l("Rejected a comment"),
    "staff.create": _l("Created a staff account"),
    "staff.unlock": _l("Unlocked a staff account"),
    "staff.scope": _l("Changed which commitments a staff account sees"),
    "staff.activate": _l("Let a staff account sign in again"),
    "staff.deactivate": _l("Stopped a staff account"),
    "staff.role": _l("Changed a staff account's role"),
    "staff.password": _l("Set a new password for a staff account"),
    "wordlist.add": _l("Added to the word lists"),
    "wordlist.remove": _l("Removed from the word lists"),
    "settings.moderation_mode": _l("Changed when comments appear"),
    "settings.reply_target_days": _l("Changed the reply target"),
    "progress.add": _l("Posted a progress update"),
    "reply.add": _l("Replied to a comment"),
    "reply.edit": _l("Changed a reply"),
    "commitment.create": _l("Added a commitment"),
    "commitment.edit": _l("Changed a commitment"),
    "commitment.retire": _l("Retired a commitment"),
    "commitment.unretire": _l("Brought back a retired commitment"),
    "area.create": _l("Added an area of work"),
    "area.edit": _l("Renamed an area of work"),
    "topic.create": _l("Added a topic"),
    "topic.edit": _l("Renamed a topic"),
}

PERSONAL_DATA_KINDS = {
    "mobile": _l("mobile number"),
    "id_number": _l("ID card number"),
    "email": _l("e-mail address"),
    "bank_card": _l("bank card number"),
}


def personal_data_kinds(kinds) -> str:
    """Kinds of masked personal data as a list in the reader's language."""
    names = [str(PERSONAL_DATA_KINDS.get(k, k)) for k in sorted(kinds)]
    return format_list(names, locale=lang())


def screening_explanation(finding: dict) -> str:
    """What a screening finding means, in one line for the moderator."""
    label = finding.get("label")
    if label == "sensitive":
        words = format_list(finding.get("words", []), locale=lang())
        return _("Listed words: %(words)s", words=words)
    if label == "personal_data":
        kinds = personal_data_kinds(finding.get("kinds", []))
        return _("Hidden before storing: %(kinds)s", kinds=kinds)
    if label == "links":
        return ngettext("%(num)s link", "%(num)s links", finding.get("count", 0))
    if label == "burst":
        return _(
            "%(n)s comments from this resident or network in 10 minutes",
            n=finding.get("count", 0),
        )
    if label == "duplicate":
        return _(
            "The same text came from %(n)s residents recently",
            n=finding.get("residents", 1),
        )
    if label == "bot":
        return _("The hidden field was filled in or the form was sent too fast")
    if label == "repetitive":
        return _("Mostly the same characters repeated")
    return ""


# How each phrasing reads; amount is the formatted number with its unit.
PHRASING_TEXT = {
    Phrasing.GROW_BY: _l("growth of %(amount)s"),
    Phrasing.GROW_AT_LEAST: _l("growth of at least %(amount)s"),
    Phrasing.ABOUT: _l("about %(amount)s"),
    Phrasing.AT_LEAST: _l("at least %(amount)s"),
    Phrasing.INCREASE_TO: _l("increase to %(amount)s"),
    Phrasing.REACH: _l("%(amount)s in total"),
    Phrasing.COMPLETE: _l("complete the work"),
    Phrasing.START: _l("start construction"),
    Phrasing.ADVANCE: _l("move the work forward"),
    Phrasing.MAINTAIN: _l("keep to the standard"),
}


def select_locale() -> str:
    """The ?lang= of this request, else the remembered choice, else the browser's."""
    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang")
    if chosen not in languages:
        chosen = request.cookies.get(LANG_COOKIE)
    if chosen not in languages:
        chosen = request.accept_languages.best_match(languages) or languages[0]
    return chosen


@lru_cache(maxsize=8)
def wtforms_messages(locale: str) -> support.Translations:
    """WTForms' built-in messages ("Not a valid choice") in one language."""
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


def lang() -> str:
    """The language code of this request: 'zh' or 'en'."""
    return get_locale().language


def localized(obj, field: str) -> str:
    """obj.<field>_zh or obj.<field>_en, whichever the reader reads."""
    return getattr(obj, f"{field}_{lang()}")


def format_number(value: Decimal | int | float) -> str:
    """A number in the reader's style: 2580 in Chinese, 2,580 in English."""
    if isinstance(value, int):
        # The same result as Babel's for whole numbers, without its cost: the
        # dashboard writes hundreds of them.
        return str(value) if lang() == "zh" else f"{value:,}"
    if lang() == "zh":
        return format_decimal(value, locale="zh", group_separator=False)
    return format_decimal(value, locale="en")


def format_share(part: float) -> str:
    """A share as a whole percentage, 40% (written the same in zh and en)."""
    return f"{round(part * 100)}%"


def format_average(value: float) -> str:
    """An average rating with one decimal: 3.8 (the same in both languages)."""
    return f"{value:.1f}"


def format_quantity(value: Decimal, unit: Unit | None) -> str:
    """A value with its unit: '1.92 万亩' in Chinese, '19,200 mu' in English."""
    if unit is None:
        return format_number(value)
    if lang() == "zh":
        number, label = format_number(value), unit.label_zh
    else:
        scaled = value * unit.en_scale
        if scaled >= 1_000_000:
            number = format_compact_decimal(
                scaled, format_type="long", locale="en", fraction_digits=2
            )
        else:
            number = format_number(scaled)
        label = unit.label_en
    return f"{number}{label}" if label == "%" else f"{number} {label}"


def target_text(commitment: Commitment) -> str:
    """The target as a reader would say it: 'growth of 6%', 'at least 35 projects'."""
    amount = ""
    if commitment.target_value is not None:
        amount = format_quantity(commitment.target_value, commitment.target_unit)
    return str(PHRASING_TEXT[commitment.phrasing]) % {"amount": amount}


def baseline_text(commitment: Commitment) -> str | None:
    """The comparable 2024 figure, or None when the report gives none."""
    if commitment.baseline_value is None:
        return None
    return format_quantity(commitment.baseline_value, commitment.baseline_unit)


CHINESE_NUMERALS = "零一二三四五六七八九十"


def report_section(area_code: str) -> str:
    """Where an area stands in the report, numbered as the report does: 三（五）."""
    parts = [int(p) for p in area_code.split(".")]
    if lang() != "zh" or max(parts) > 10:
        return " ".join([str(parts[0])] + [f"({p})" for p in parts[1:]])
    first, *rest = (CHINESE_NUMERALS[p] for p in parts)
    return first + "".join(f"（{p}）" for p in rest)


def comment_status_label(status: CommentStatus) -> str:
    """What a comment's status means, in the reader's language."""
    return str(COMMENT_STATUS_LABELS[CommentStatus(status)])


def status_label(status: Status) -> str:
    """The status in the reader's language."""
    return str(STATUS_LABELS[Status(status)])


def format_month(year: int, month: int) -> str:
    """A month as the reader writes it: 2025年6月 / June 2025."""
    from datetime import date

    return format_skeleton("yMMMM", date(year, month, 1), locale=lang())
