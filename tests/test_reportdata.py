"""The shipped commitments data keeps its rules, and the checker catches breaches."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml

from portal import reportdata
from portal.models import Phrasing

SHARED_REPORT = Path(__file__).resolve().parents[2] / "shared" / "report"


def test_shipped_data_has_no_errors(shipped_data):
    assert shipped_data.errors == []


def test_codes_are_unique_and_follow_the_report_numbering(shipped_data):
    codes = [c["code"] for c in shipped_data.commitments]
    assert len(codes) == len(set(codes))
    for area in {c["area"] for c in shipped_data.commitments}:
        orders = [
            int(code.rsplit(".", 1)[1])
            for code in codes
            if code.rsplit(".", 1)[0] == area
        ]
        assert orders == list(range(1, len(orders) + 1)), area


def test_every_area_of_the_report_has_cards(shipped_data):
    areas = {c["area"] for c in shipped_data.commitments}
    assert areas == {"2", *(f"3.{n}" for n in range(1, 9))}


def test_both_languages_are_filled_everywhere(shipped_data):
    for item in shipped_data.commitments:
        for key in ("title", "summary"):
            assert item[key]["zh"].strip() and item[key]["en"].strip(), item["code"]
        # English text must not be Chinese copied across.
        assert not re.search(r"[\u4e00-\u9fff]", item["title"]["en"]), item["code"]


def test_every_quote_is_verbatim_in_the_report(shipped_data):
    text = reportdata.clean_report_text(shipped_data.source_path.read_text("utf-8"))
    for item in shipped_data.commitments:
        assert item["quote"] in text, item["code"]
        if item.get("baseline"):
            assert item["baseline"]["quote"] in text, item["code"]


def test_every_target_number_is_in_its_quote(shipped_data):
    quantified = [
        c for c in shipped_data.commitments if c["target"]["value"] is not None
    ]
    assert len(quantified) >= 50
    for item in quantified:
        number = reportdata.number_as_written(item["target"]["value"])
        assert number in item["quote"], item["code"]


def test_every_main_target_of_section_two_is_a_card(shipped_data):
    section_two = [c for c in shipped_data.commitments if c["area"] == "2"]
    values = {c["target"]["value"] for c in section_two}
    # 生产总值6%、规上工业7.5%、固定资产投资7.5%、社零7%、一般公共预算收入5%、CPI 2%左右
    assert {6, 7.5, 7, 5, 2} <= values


@pytest.mark.parametrize(
    ("quote", "value"),
    [
        ("新建公共充电桩40个。", 40),
        ("新增城市绿地8000平方米。", 8000),
        ("1.92万亩", 1.92),
    ],
)
def test_known_targets_are_present(shipped_data, quote, value):
    matches = [c for c in shipped_data.commitments if quote in c["quote"]]
    assert [c["target"]["value"] for c in matches] == [value]


def test_shipped_report_text_is_the_shared_one(shipped_data):
    shared = SHARED_REPORT / shipped_data.report["source_file"]
    if not shared.exists():
        pytest.skip("no shared/ folder beside this checkout")
    assert shared.read_bytes() == shipped_data.source_path.read_bytes()


def _broken(shipped_data, tmp_path, change) -> list[str]:
    raw = yaml.safe_load(shipped_data.path.read_text("utf-8"))
    raw = copy.deepcopy(raw)
    change(raw)
    (tmp_path / shipped_data.report["source_file"]).write_bytes(
        shipped_data.source_path.read_bytes()
    )
    path = tmp_path / "data.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")
    return reportdata.load(path).errors


def _set(path: str, value):
    def change(raw):
        target = raw["commitments"][0]
        *parents, last = path.split(".")
        for key in parents:
            target = target[key]
        target[last] = value

    return change


def _duplicate_first(raw):
    raw["commitments"].append(copy.deepcopy(raw["commitments"][0]))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_duplicate_first, "duplicate code"),
        (_set("title.en", ""), "title: en is empty"),
        (_set("summary.zh", " "), "summary: zh is empty"),
        (_set("quote", "这句话不在报告里。"), "not found verbatim"),
        (_set("quote", "生产总值 增长"), "contains whitespace"),
        (_set("target.value", 99.5), "99.5 is not in its quote"),
        (_set("target.phrasing", "soon"), "unknown phrasing"),
        (_set("target.unit", "furlongs"), "unknown unit"),
        (_set("area", "9.9"), "unknown area"),
        (_set("code", "7.1"), "code does not follow"),
    ],
)
def test_checker_reports_broken_data(shipped_data, tmp_path, change, message):
    errors = _broken(shipped_data, tmp_path, change)
    assert any(message in error for error in errors), errors


def test_quantified_phrasing_needs_a_value(shipped_data, tmp_path):
    def change(raw):
        raw["commitments"][0]["target"] = {
            "value": None,
            "unit": None,
            "phrasing": "reach",
        }

    errors = _broken(shipped_data, tmp_path, change)
    assert any("needs a value" in e for e in errors)
    assert not Phrasing.COMPLETE.is_quantified


def test_clean_report_text_drops_page_markers_and_spaces():
    text = "理，创成全国\n\n\n\n- 4 -\n\n理，创成 1 个。"
    assert reportdata.clean_report_text(text) == "理，创成全国理，创成1个。"
