"""What every template can use: the reader's language, text size and formatters."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, request
from flask_babel import format_date

from portal import i18n
from portal.services.commitments import progress_percent
from portal.views.pages import ELDER_COOKIE


def _here_without_lang() -> str:
    """This page's path and query, less ?lang=, to come back to after a switch."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    here = request.path + (f"?{urlencode(args)}" if args else "")
    return here if len(here) <= 1000 else request.path


def _context() -> dict:
    lang = i18n.lang()
    other = "en" if lang == "zh" else "zh"
    return {
        "lang": lang,
        "html_lang": i18n.HTML_LANG[lang],
        "other_lang": other,
        "other_lang_name": i18n.LANGUAGE_NAMES[other],
        "other_html_lang": i18n.HTML_LANG[other],
        "elder": request.cookies.get(ELDER_COOKIE) == "1",
        "here": _here_without_lang(),
        "lang_in_url": request.args.get("lang") == lang,
    }


def register(app: Flask) -> None:
    """Install the context processor and the template helpers."""
    app.context_processor(_context)
    app.jinja_env.globals.update(
        localized=i18n.localized,
        target_text=i18n.target_text,
        baseline_text=i18n.baseline_text,
        status_label=i18n.status_label,
        report_section=i18n.report_section,
        format_number=i18n.format_number,
        format_quantity=i18n.format_quantity,
        progress_percent=progress_percent,
        format_date=format_date,
    )
