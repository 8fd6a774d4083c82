"""English titles for drafts: known terms only, measured on the Beiguan report."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portal.models.commitment import Phrasing
from portal.reports_import import extract
from portal.reports_import.english import (
    TERMS_FILE,
    Glossary,
    english_title,
    read_terms,
    shared_words,
)
from tests.builders import make_area, make_commitment, make_report, make_topic

from .conftest import BEIGUAN_TEXT, MEASURED, QINGXI_TEXT
from .test_extract import pair


@pytest.fixture(scope="module")
def glossary(shipped):
    """Areas, topics, units and common terms; none of the shipped titles."""
    return Glossary.from_report_data(shipped, titles=False)


def draft(indicator, phrasing="reach", value=40, unit="个", quote=""):
    return {
        "indicator": indicator,
        "phrasing": phrasing,
        "value": value,
        "unit": unit,
        "quote": quote,
    }


@pytest.mark.parametrize(
    ("fields", "title"),
    [
        (
            draft("公共充电桩", quote="新建公共充电桩40个。"),
            "Build new public charging piles",
        ),
        (draft("城市绿地", quote="新增城市绿地8000平方米。"), "More urban green space"),
        (draft("学位", quote="新增学位2580个。"), "More school places"),
        (draft("婴幼儿托位数", "increase_to"), "Infant childcare places"),
        (draft("生产总值", "grow_by", 6, "%"), "GDP growth"),
        (
            draft("固定资产投资", "grow_at_least", 10, "%"),
            "Growth in fixed-asset investment",
        ),
        (
            draft("居民消费价格涨幅", "about", 2, "%"),
            "About 2% rise in consumer prices",
        ),
        (
            draft("技术合同成交额", "at_least", 3.5, "亿元"),
            "Value of technology contracts",
        ),
        (
            draft("地区生产总值", "about", 6.5, "%", "地区生产总值增长6.5%左右；"),
            "GDP growth of about 6.5%",
        ),
        (
            draft("固定资产投资", "about", 8, "%", "固定资产投资增长8%左右；"),
            "Growth of about 8% in fixed-asset investment",
        ),
        (
            draft("城镇调查失业率", "about", 5.5, "%"),
            "Surveyed urban unemployment rate: about 5.5%",
        ),
        (
            draft("高标准农田", "complete", None, None),
            "Complete high-standard farmland",
        ),
        (draft("农村公路", "start", None, None), "Start work on rural roads"),
        (
            draft("高标准农田", quote="新建和改造提升高标准农田1.92万亩，"),
            "Build new and upgrade high-standard farmland",
        ),
        # A verb in the quote is left out when the phrasing says what happens.
        (
            draft("公共充电桩", "complete", None, None, "新建公共充电桩。"),
            "Complete public charging piles",
        ),
    ],
)
def test_known_terms_give_a_plain_title(glossary, fields, title):
    assert english_title(fields, glossary) == title


def test_the_project_topics_and_units_are_terms_too(glossary):
    # 托育 is a shipped topic ("Childcare"), 养老服务 one too ("Elderly care").
    assert english_title(draft("托育", "advance", None, None), glossary) == "Childcare"
    about = draft("高标准农田", "about", Decimal("1.92"), "万亩")
    assert english_title(about, glossary) == "High-standard farmland: about 19,200 mu"


@pytest.mark.parametrize(
    "indicator",
    [
        "公共充电站",  # 站 is not a known term
        "白壁镇卫生院",  # a place name: never guessed
        "曙光北校",  # a school's name
        "“两重”“两新”项目",  # a slogan
        "企业争取“科技贷”",  # a verb inside the phrase
        "和企业",  # "and" with nothing before it
    ],
)
def test_anything_unknown_gives_no_title(glossary, indicator):
    assert english_title(draft(indicator), glossary) is None


def test_only_function_characters_are_left_out(glossary):
    assert english_title(draft("城市的绿地"), glossary) == "Urban green space"
    assert english_title(draft("城市之绿地"), glossary) is None


def test_a_shared_unit_label_is_read_from_the_indicator(glossary):
    assert glossary.unit_en("个", "public charging piles") == "charging piles"
    assert glossary.unit_en("个", "more school places") == "school places"
    assert glossary.unit_en("个", "key projects") == "projects"
    assert glossary.unit_en("个", "public toilets") == ""
    assert glossary.unit_en("万亩", "anything") == "mu"
    assert glossary.unit_en("吨") is None


def test_reviewed_titles_are_reused_for_the_same_words(shipped):
    with_titles = Glossary.from_report_data(shipped)
    charging = draft("公共充电桩", quote="新建公共充电桩40个。")
    assert english_title(charging, with_titles) == "Build new public charging piles"
    jobs = draft("城镇新增就业", value=7750, unit="人")
    assert english_title(jobs, with_titles) == "New urban jobs"
    places = draft("婴幼儿托位数", "increase_to")
    assert (
        english_title(places, with_titles) == "Childcare places for babies and toddlers"
    )


def test_the_terms_file_says_who_wrote_it_and_has_no_duplicates():
    terms = read_terms()
    assert "Written for this project" in TERMS_FILE.read_text(encoding="utf-8")
    assert len(terms) >= 60
    assert len({t.zh for t in terms}) == len(terms)
    assert all(t.en.strip() for t in terms)


def test_glossary_from_the_database(app, session):
    report = make_report(session)
    area = make_area(session, report, name_zh="民生", name_en="People's livelihood")
    topic = make_topic(session, name_zh="体育设施", name_en="Sports facilities")
    make_commitment(
        session,
        report=report,
        area=area,
        topic=topic,
        title_zh="新增口袋公园",
        title_en="More pocket parks",
    )
    glossary = Glossary.from_session(session)
    assert english_title(draft("体育设施"), glossary) == "Sports facilities"
    assert english_title(draft("城市体育设施"), glossary) == "Urban sports facilities"
    assert english_title(draft("口袋公园", quote="新增口袋公园3个。"), glossary) == (
        "More pocket parks"
    )
    assert glossary.unit_en("个") == "things"


def test_measured_on_the_beiguan_drafts(shipped, glossary):
    drafts = extract(BEIGUAN_TEXT.read_text(encoding="utf-8")).drafts
    pairs, _ = pair(drafts, shipped)
    shipped_en = {str(c["code"]): c["title"]["en"] for c in shipped.commitments}
    titled = {
        code: title
        for code, d in pairs.items()
        if (title := english_title(d, glossary)) is not None
    }
    related = [code for code in titled if shared_words(titled[code], shipped_en[code])]
    # Half or more of the shipped title's content words are in the draft's title.
    close = [
        code
        for code in titled
        if 2 * len(shared_words(titled[code], shipped_en[code]))
        >= len(shared_words(shipped_en[code], shipped_en[code]))
    ]
    far = [
        (code, titled[code], shipped_en[code])
        for code in sorted(set(titled) - set(close))
    ]
    # Named projects (most unquantified items) get no English by design: a
    # person writes their names. Coverage is asserted on the quantified drafts.
    quantified = [code for code, d in pairs.items() if d.value is not None]
    titled_quantified = [code for code in quantified if code in titled]
    summary = (
        f"English titles, glossary without the shipped titles: {len(titled)}/"
        f"{len(pairs)} matched drafts titled ({len(titled) / len(pairs):.0%}), "
        f"{len(titled_quantified)}/{len(quantified)} of the quantified ones; of "
        f"those {len(related)} share a content word with the shipped title and "
        f"{len(close)} half its content words; below half: {far}"
    )
    print(summary)
    MEASURED.append(summary)
    assert len(titled_quantified) >= 0.65 * len(quantified), summary
    assert len(related) >= 0.95 * len(titled), summary
    assert len(close) >= 0.85 * len(titled), summary


def test_measured_on_an_unseen_report(shipped):
    """Coverage only: the second report has no English to compare with."""
    glossary = Glossary.from_report_data(shipped)
    drafts = extract(QINGXI_TEXT.read_text(encoding="utf-8")).drafts
    titles = [(d.indicator, english_title(d, glossary)) for d in drafts]
    titled = [pair for pair in titles if pair[1]]
    summary = (
        f"English titles on the Qingxi report (Beiguan glossary): {len(titled)}/"
        f"{len(drafts)} drafts titled; untitled "
        f"{[zh for zh, en in titles if en is None]}"
    )
    print(summary)
    MEASURED.append(summary)
    assert len(titled) >= 0.5 * len(drafts), summary


def test_phrasings_open_the_title_as_the_shipped_titles_do(glossary):
    openings = {
        Phrasing.GROW_BY: "Growth in",
        Phrasing.GROW_AT_LEAST: "Growth in",
        Phrasing.COMPLETE: "Complete",
        Phrasing.START: "Start work on",
    }
    for phrasing, opening in openings.items():
        title = english_title(draft("工业投资", phrasing.value, 10, "%"), glossary)
        assert title is not None and title.startswith(opening), (phrasing, title)
