"""Catalogues are complete and current; numbers and units read naturally."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from babel.messages.pofile import read_po

from portal.cli import POT, TRANSLATIONS, extract_to
from portal.i18n import format_quantity, report_section, target_text
from portal.models import Phrasing, Unit
from tests.builders import make_commitment

PLACEHOLDER = re.compile(r"%\(\w+\)s|%%")


def _ids(path) -> dict:
    with open(path, "rb") as f:
        return {m.id: m for m in read_po(f) if m.id}


def test_messages_pot_is_up_to_date(tmp_path):
    fresh = tmp_path / "messages.pot"
    extract_to(fresh)
    assert set(_ids(fresh)) == set(_ids(POT)), (
        "translations/messages.pot is stale: run `flask --app wsgi translate update`"
    )


def test_every_string_has_a_chinese_translation():
    catalogue = _ids(TRANSLATIONS / "zh" / "LC_MESSAGES" / "messages.po")
    missing = [
        i
        for i in _ids(POT)
        if i not in catalogue
        or not all(
            catalogue[i].string
            if isinstance(catalogue[i].string, tuple)
            else [catalogue[i].string]
        )
    ]
    assert missing == []
    fuzzy = [i for i, m in catalogue.items() if m.fuzzy]
    assert fuzzy == []


def test_translations_keep_every_placeholder():
    for msgid, message in _ids(
        TRANSLATIONS / "zh" / "LC_MESSAGES" / "messages.po"
    ).items():
        source = msgid[0] if isinstance(msgid, tuple) else msgid
        strings = (
            message.string if isinstance(message.string, tuple) else (message.string,)
        )
        for string in strings:
            expected = sorted(set(PLACEHOLDER.findall(source)) - {"%(num)s"})
            assert sorted(set(PLACEHOLDER.findall(string)) - {"%(num)s"}) == expected, (
                msgid
            )


@pytest.mark.parametrize(
    ("lang", "value", "unit", "expected"),
    [
        ("zh", "2580", ("个", "school places", 1), "2580 个"),
        ("en", "2580", ("个", "school places", 1), "2,580 school places"),
        ("zh", "1.92", ("万亩", "mu", 10000), "1.92 万亩"),
        ("en", "1.92", ("万亩", "mu", 10000), "19,200 mu"),
        ("en", "289.81", ("亿元", "yuan", 100_000_000), "28.98 billion yuan"),
        ("en", "6", ("亿元", "yuan", 100_000_000), "600 million yuan"),
        ("en", "7.5", ("%", "%", 1), "7.5%"),
    ],
)
def test_quantities_follow_the_readers_language(app, lang, value, unit, expected):
    zh, en, scale = unit
    with app.test_request_context(f"/?lang={lang}"):
        quantity = format_quantity(
            Decimal(value), Unit(label_zh=zh, label_en=en, en_scale=Decimal(scale))
        )
    assert quantity == expected


@pytest.mark.parametrize(
    ("lang", "phrasing", "expected"),
    [
        ("zh", Phrasing.GROW_AT_LEAST, "增长10%以上"),
        ("en", Phrasing.GROW_AT_LEAST, "growth of at least 10%"),
        ("zh", Phrasing.ABOUT, "10%左右"),
        ("en", Phrasing.INCREASE_TO, "increase to 10%"),
    ],
)
def test_targets_read_as_the_report_phrases_them(
    app, session, lang, phrasing, expected
):
    unit = Unit(key="pct", label_zh="%", label_en="%", en_scale=Decimal(1))
    commitment = make_commitment(
        session, target_value=Decimal(10), target_unit=unit, phrasing=phrasing
    )
    with app.test_request_context(f"/?lang={lang}"):
        assert target_text(commitment) == expected


@pytest.mark.parametrize(
    ("lang", "code", "expected"),
    [("zh", "3.5", "三（五）"), ("zh", "2", "二"), ("en", "3.5", "3 (5)")],
)
def test_sections_are_numbered_as_the_report_numbers_them(app, lang, code, expected):
    with app.test_request_context(f"/?lang={lang}"):
        assert report_section(code) == expected


@pytest.mark.parametrize(
    ("lang", "expected"), [("zh", "不是有效的选择"), ("en", "Not a valid choice")]
)
def test_wtforms_own_messages_follow_the_readers_language(app, lang, expected):
    from portal.forms import FilterForm

    with app.test_request_context(f"/?lang={lang}&sort=nonsense"):
        form = FilterForm(formdata=None)
        assert expected in str(form.sort.gettext("Not a valid choice."))
    with app.app_context():  # a form built outside a request still builds
        assert FilterForm(formdata=None).sort is not None


@pytest.mark.parametrize(
    ("lang", "written", "not_written"),
    [
        ("en", "from 1,234 ratings", "from 1234 ratings"),
        ("zh", "共 1234 人评价", "1,234"),
    ],
)
def test_counts_in_sentences_follow_the_readers_language(
    client, session, shipped, lang, written, not_written
):
    """A count inside a translated sentence is written as the reader writes numbers."""
    from sqlalchemy import select

    from portal.models import Commitment, RatingSummary

    target = session.scalar(select(Commitment).where(Commitment.code == "2.1"))
    session.add(
        RatingSummary(
            commitment_id=target.id,
            count=1234,
            total=4936,
            n1=0,
            n2=0,
            n3=0,
            n4=1234,
            n5=0,
        )  # fmt: skip
    )
    session.commit()
    page = client.get(f"/c/2.1?lang={lang}").get_data(as_text=True)
    assert written in page
    assert not_written not in page
