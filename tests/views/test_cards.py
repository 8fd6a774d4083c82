"""The card list at / and the commitment page at /c/<code>."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.models import Commitment, Status
from tests.builders import make_commitment, make_unit, make_update


def card_codes(response) -> list[str]:
    return re.findall(
        r'<span class="code">([^<]+)</span>', response.get_data(as_text=True)
    )


def all_codes(client, query="") -> list[str]:
    codes, page = [], 1
    while True:
        response = client.get(f"/?{query}&page={page}")
        assert response.status_code == 200
        found = card_codes(response)
        if not found or found[0] in codes:
            return codes
        codes += found
        page += 1


def test_every_commitment_is_a_card_in_chinese(client, shipped):
    codes = all_codes(client)
    assert codes == [c["code"] for c in shipped.commitments]
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="zh-Hans"' in page
    assert "2025年北关区政府工作报告" in page
    assert f"共 {len(codes)} 项承诺" in page


def test_cards_in_english_show_targets_in_english_units(client, shipped):
    page = client.get("/?lang=en&q=charging").get_data(as_text=True)
    assert '<html lang="en"' in page
    assert "Build new public charging piles" in page
    assert "40 charging piles" in page
    assert "170 charging piles" in page  # the 2024 figure


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=充电桩", "3.5.8"),
        ("q=CHARGING", "3.5.8"),
        ("q=3.5.8", "3.5.8"),
        ("area=2", "2.1"),
        ("topic=schools", None),
    ],
)
def test_search_and_filters_narrow_the_list(client, shipped, query, expected):
    codes = all_codes(client, query)
    assert codes and len(codes) < len(shipped.commitments)
    if expected:
        assert expected in codes
    if query == "area=2":
        assert all(code.startswith("2.") for code in codes)


def test_search_treats_wildcards_literally(client, shipped):
    assert card_codes(client.get("/?q=_")) == []
    with_percent = all_codes(client, "q=%25")
    assert with_percent and len(with_percent) < len(shipped.commitments)


def test_status_filter_and_sort(client, session, shipped):
    commitment = session.scalar(select(Commitment).where(Commitment.code == "3.7.5"))
    make_update(session, commitment, status=Status.DELAYED, value=Decimal(100))
    session.commit()
    assert all_codes(client, "status=delayed") == ["3.7.5"]
    assert all_codes(client, "sort=updated")[0] == "3.7.5"


@pytest.mark.parametrize(
    "query",
    [
        "page=-1",
        "page=abc",
        "page=99999",
        "sort=<script>",
        "lang=xx",
        "area=<b>",
        "status=lost",
    ],
)
def test_bad_query_parameters_are_ignored(client, shipped, query):
    response = client.get(f"/?{query}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<script>" not in page and "<b>" not in page
    assert card_codes(response)


def test_a_huge_search_is_refused_with_a_translated_message(client, shipped):
    response = client.get("/?q=" + "x" * 10_000)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "x" * 101 not in page
    assert len(page) < 20_000


@pytest.mark.parametrize("query", ["q=%00", "q=a%01b", "q=a%C2%85b"])
def test_control_characters_in_a_search_get_a_clear_400(client, shipped, query):
    response = client.get(f"/?{query}")
    assert response.status_code == 400
    assert "请删除其中不可见的控制字符" in response.get_data(as_text=True)


@pytest.mark.parametrize("code", ["%00", "%F0%9F%98%80", "a b", "3.5.8%0A"])
def test_malformed_codes_are_not_found(client, shipped, code):
    assert client.get(f"/c/{code}").status_code == 404
    assert client.get(f"/api/v1/commitments/{code}").status_code == 404


def test_search_is_escaped(client, shipped):
    page = client.get("/?q=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)" in page


def test_commitment_page_shows_target_baseline_and_quote(client, shipped):
    page = client.get("/c/3.5.8").get_data(as_text=True)
    assert "新建公共充电桩" in page
    assert "40 个" in page and "170 个" in page
    assert '<blockquote lang="zh-Hans"><p>新建公共充电桩40个。</p></blockquote>' in page
    assert "暂无官方进展" in page
    assert "未开始" in page


def test_commitment_page_shows_the_progress_timeline(client, session):
    unit = make_unit(session, label_zh="个", label_en="charging piles")
    commitment = make_commitment(session, target_value=Decimal(40), target_unit=unit)
    make_update(session, commitment, reported_on=date(2025, 3, 31), value=Decimal(8))
    make_update(
        session,
        commitment,
        reported_on=date(2025, 6, 30),
        value=Decimal(20),
        note_en="Half built.",
    )
    session.commit()
    page = client.get(f"/c/{commitment.code}?lang=en").get_data(as_text=True)
    assert "Reached 20 charging piles of 40 charging piles (50%)" in page
    assert page.index("Jun 30, 2025") < page.index("Mar 31, 2025")
    assert "Half built." in page


def test_growth_targets_never_show_a_percentage_of_progress(client, session):
    unit = make_unit(session, label_zh="%", label_en="%")
    commitment = make_commitment(session, target_value=Decimal(6), target_unit=unit)
    make_update(session, commitment, value=Decimal("5.1"))
    session.commit()
    page = client.get(f"/c/{commitment.code}?lang=en").get_data(as_text=True)
    assert "Latest reported figure: 5.1%" in page
    assert "Reached" not in page


@pytest.mark.parametrize(
    ("lang", "text"), [("zh", "找不到页面"), ("en", "Page not found")]
)
def test_unknown_code_is_a_404_in_the_readers_language(client, shipped, lang, text):
    response = client.get("/c/9.9.9", headers={"Accept-Language": lang})
    assert response.status_code == 404
    assert text in response.get_data(as_text=True)
    assert client.get("/c/" + "9" * 500).status_code == 404
