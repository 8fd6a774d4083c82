"""What every template can use: the reader's language, text size and formatters."""

from __future__ import annotations

import json
from typing import NamedTuple
from urllib.parse import urlencode

from flask import Flask, current_app, g, request, url_for
from flask_babel import (
    format_date,
    format_datetime,
    format_timedelta,
    to_user_timezone,
)
from jinja2 import pass_context
from sqlalchemy.exc import SQLAlchemyError

from portal import i18n
from portal.db import as_utc, utcnow
from portal.extensions import db
from portal.forms import SCORE_LABELS, VERDICT_REASON_LABELS
from portal.models import Report
from portal.services import settings
from portal.services.commitments import current_report, progress_percent
from portal.services.moderation import MODERATION_MODE, mode_or_default
from portal.staff_forms import REJECT_REASON_LABELS
from portal.titles import display_title
from portal.views.pages import ELDER_COOKIE


def _here_without_lang() -> str:
    """This page's path and query, less ?lang=, to come back to after a switch."""
    if request.method != "GET":
        # A page sent back from a form: return to the page the form was on.
        code = (request.view_args or {}).get("code")
        return url_for("cards.detail", code=code) if code else "/"
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    here = request.path + (f"?{urlencode(args)}" if args else "")
    return here if len(here) <= 1000 else request.path


class SiteFacts(NamedTuple):
    """What every page says about the site as a whole."""

    report: Report | None
    demo_data: bool
    # Whether a moderator reads every comment before it appears.
    premoderated: bool


def _site_facts() -> SiteFacts:
    """The current report, whether demo data is loaded and how comments are
    moderated, once per request (the two settings in one query).

    A page about a database failure must still render: then none is known.
    """
    if "site_facts" not in g:
        try:
            session = db.session
            stored = settings.get_many(session, settings.DEMO_DATA, MODERATION_MODE)
            g.site_facts = SiteFacts(
                current_report(session),
                stored.get(settings.DEMO_DATA) == "1",
                mode_or_default(stored.get(MODERATION_MODE)) == "pre",
            )
        except SQLAlchemyError:
            db.session.rollback()
            g.site_facts = SiteFacts(None, False, True)
    return g.site_facts


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
        "site": _site_facts().report,
        "demo_data": _site_facts().demo_data,
        "premoderated": _site_facts().premoderated,
        "lang_in_url": request.args.get("lang") == lang,
        "now": utcnow(),
    }


def _keep_lang_in_links(endpoint: str, values: dict) -> None:
    """A reader who came by a ?lang= link stays in that language on every link."""
    if endpoint == "static" or "lang" in values or not request:
        return
    chosen = request.args.get("lang")
    if chosen in current_app.config["LANGUAGES"]:
        values["lang"] = chosen
    # An earlier year's cards link to that year's pages.
    if (
        endpoint in ("cards.index", "cards.detail")
        and "year" not in values
        and (year := request.args.get("year", type=int))
    ):
        values["year"] = year


def _numbers_in_readers_style(ngettext):
    """Jinja's ngettext, its %(num)s written as the reader writes numbers
    (1,234 in English, 1234 in Chinese) rather than as a bare integer."""

    @pass_context
    def formatted(context, singular, plural, num, **variables):
        variables.setdefault("num", i18n.format_number(num))
        return ngettext(context, singular, plural, num, **variables)

    return formatted


def register(app: Flask) -> None:
    """Install the context processor, link defaults and the template helpers
    (after Flask-Babel, whose ngettext they wrap)."""
    app.context_processor(_context)
    app.url_defaults(_keep_lang_in_links)
    app.jinja_env.globals["ngettext"] = _numbers_in_readers_style(
        app.jinja_env.globals["ngettext"]
    )
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
        local_day=lambda moment: to_user_timezone(as_utc(moment)).date().isoformat(),
        format_average=i18n.format_average,
        format_month=i18n.format_month,
        score_label=lambda score: str(SCORE_LABELS[score]),
        language_names=i18n.WRITTEN_IN,
        comment_status=i18n.comment_status_label,
        reject_reason=lambda comment: str(
            REJECT_REASON_LABELS.get(comment.reject_reason, "")
        ),
        screening_explanation=i18n.screening_explanation,
        audit_action=lambda action: str(i18n.AUDIT_ACTIONS.get(action, action)),
        verdict_reason=lambda reason: str(VERDICT_REASON_LABELS[reason]),
        tone_label=lambda tone: str(i18n.TONE_LABELS[tone]),
        display_title=display_title,
        format_share=i18n.format_share,
        json_pairs=lambda text: sorted(json.loads(text or "{}").items()),
        screening_label=lambda label: str(i18n.SCREENING_LABELS.get(label, label)),
        format_datetime=format_datetime,
        format_timedelta=format_timedelta,
        as_utc=as_utc,
        html_langs=i18n.HTML_LANG,
    )
