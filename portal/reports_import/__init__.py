"""Drafting commitment cards from a work report's plain text (issue 6)."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from portal.reports_import.extract import Baseline, Draft, Extraction, extract
from portal.reports_import.source import (
    MESSAGES,
    NOTES,
    REPORT_UPLOAD_MAX_BYTES,
    ReportImportError,
    SourceText,
    decode_report,
    read_report,
)

__all__ = [
    "MESSAGES",
    "NOTES",
    "REPORT_UPLOAD_MAX_BYTES",
    "Baseline",
    "Draft",
    "Extraction",
    "ReportImportError",
    "SourceText",
    "decode_report",
    "draft_report",
    "extract",
    "read_report",
]


def draft_report(
    source: str | Path | bytes | BinaryIO,
    *,
    max_bytes: int = REPORT_UPLOAD_MAX_BYTES,
) -> tuple[Extraction, SourceText]:
    """Read a report and draft its commitments; ReportImportError when it cannot."""
    text = read_report(source, max_bytes=max_bytes)
    return extract(text.text), text
