"""Reading and checking a report's commitments data file (YAML)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from portal.models.commitment import Phrasing

PAGE_MARKER = re.compile(r"^\s*-\s*\d+\s*-\s*$", re.MULTILINE)
WHITESPACE = re.compile(r"\s+")
CODE = re.compile(r"^(2|3\.[1-9])\.[1-9]\d*$")
LANGS = ("zh", "en")


def clean_report_text(text: str) -> str:
    """The report text as quotes are compared with it: no page markers, no spaces."""
    return WHITESPACE.sub("", PAGE_MARKER.sub("", text))


def number_as_written(value: Decimal | int | float) -> str:
    """A number the way the report writes it: 40, 1.92, 289.81 (no trailing zeros)."""
    text = format(Decimal(str(value)).normalize(), "f")
    return text


@dataclass
class ReportData:
    """The parsed contents of a data file; plain mappings as in the YAML."""

    path: Path
    report: dict[str, Any]
    units: dict[str, dict[str, Any]]
    areas: list[dict[str, Any]]
    topics: list[dict[str, Any]]
    commitments: list[dict[str, Any]]
    errors: list[str] = field(default_factory=list)

    @property
    def source_path(self) -> Path:
        return self.path.parent / self.report["source_file"]


def load(path: str | Path) -> ReportData:
    """Parse a data file; problems are listed in .errors, not raised."""
    path = Path(path)
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    data = ReportData(
        path=path,
        report=raw.get("report", {}),
        units=raw.get("units", {}),
        areas=raw.get("areas", []),
        topics=raw.get("topics", []),
        commitments=raw.get("commitments", []),
    )
    data.errors = list(_check(data))
    return data


def _bilingual_errors(where: str, value: Any) -> list[str]:
    if not isinstance(value, dict):
        return [f"{where}: needs zh and en"]
    return [
        f"{where}: {lang} is empty"
        for lang in LANGS
        if not str(value.get(lang) or "").strip()
    ]


def _check(data: ReportData) -> list[str]:
    """Every rule the data file must keep; each problem as one readable line."""
    errors: list[str] = []
    for key in ("district", "title"):
        errors += _bilingual_errors(f"report.{key}", data.report.get(key))
    for key, unit in data.units.items():
        errors += _bilingual_errors(f"unit {key}", unit)
    area_codes = [a.get("code") for a in data.areas]
    topic_keys = [t.get("key") for t in data.topics]
    for label, keys in (("area", area_codes), ("topic", topic_keys)):
        if len(keys) != len(set(keys)):
            errors.append(f"duplicate {label} keys")
    for area in data.areas:
        errors += _bilingual_errors(f"area {area.get('code')}", area.get("name"))
    for topic in data.topics:
        errors += _bilingual_errors(f"topic {topic.get('key')}", topic.get("name"))

    try:
        full_text = data.source_path.read_text(encoding="utf-8")
    except OSError as exc:
        return errors + [f"report text cannot be read: {exc}"]
    text = clean_report_text(full_text)
    review_end = text.find(clean_report_text("二、2025 年工作总体要求和主要目标"))
    review = text[:review_end] if review_end > 0 else ""
    plan = text[review_end:] if review_end > 0 else text

    seen: set[str] = set()
    for item in data.commitments:
        code = str(item.get("code"))
        where = f"commitment {code}"
        if code in seen:
            errors.append(f"{where}: duplicate code")
        seen.add(code)
        if not CODE.match(code):
            errors.append(f"{where}: code does not follow section.sub-section.order")
        elif not code.startswith(f"{item.get('area')}."):
            errors.append(f"{where}: code does not belong to area {item.get('area')}")
        if item.get("area") not in area_codes:
            errors.append(f"{where}: unknown area {item.get('area')}")
        if item.get("topic") not in topic_keys:
            errors.append(f"{where}: unknown topic {item.get('topic')}")
        errors += _bilingual_errors(f"{where} title", item.get("title"))
        errors += _bilingual_errors(f"{where} summary", item.get("summary"))
        errors += _quote_errors(where, item.get("quote"), plan, "report's plan")
        errors += _target_errors(where, item.get("target") or {}, data.units, item)
        baseline = item.get("baseline")
        if baseline:
            errors += _quote_errors(
                f"{where} baseline", baseline.get("quote"), review, "2024 review"
            )
            errors += _value_errors(f"{where} baseline", baseline, data.units)
    return errors


def _quote_errors(where: str, quote: Any, text: str, part: str) -> list[str]:
    if not isinstance(quote, str) or not quote:
        return [f"{where}: quote is missing"]
    if WHITESPACE.search(quote):
        return [f"{where}: quote contains whitespace"]
    if quote not in text:
        return [f"{where}: quote not found verbatim in the {part}"]
    return []


def _value_errors(where: str, block: dict, units: dict) -> list[str]:
    value, unit = block.get("value"), block.get("unit")
    if not isinstance(value, int | float) or isinstance(value, bool):
        return [f"{where}: value must be a number"]
    errors = []
    if unit not in units:
        errors.append(f"{where}: unknown unit {unit}")
    if number_as_written(value) not in str(block.get("quote") or ""):
        errors.append(f"{where}: {number_as_written(value)} is not in its quote")
    return errors


def _target_errors(where: str, target: dict, units: dict, item: dict) -> list[str]:
    try:
        phrasing = Phrasing(target.get("phrasing"))
    except ValueError:
        return [f"{where}: unknown phrasing {target.get('phrasing')}"]
    if target.get("value") is None:
        if phrasing.is_quantified:
            return [f"{where}: a {phrasing} target needs a value"]
        return []
    return _value_errors(
        f"{where} target", {**target, "quote": item.get("quote")}, units
    )
