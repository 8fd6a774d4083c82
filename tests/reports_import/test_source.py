"""Bad input: each refused file gets a clear message and produces nothing."""

from __future__ import annotations

import codecs
import io
import json

import pytest

from portal.reports_import import (
    MESSAGES,
    ReportImportError,
    decode_report,
    draft_report,
    read_report,
)
from portal.reports_import.commands import report

from .conftest import QINGXI_TEXT, make_cli

QINGXI = QINGXI_TEXT.read_text(encoding="utf-8")
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b" \r\n\n\t\n", "empty"),
        (codecs.BOM_UTF8 + b"\n", "empty"),
        (QINGXI.encode("gbk"), "gbk"),
        (QINGXI.encode("utf-16"), "not_utf8"),
        (b"\x80\x81\xff" * 10, "not_utf8"),
        (PDF, "pdf"),
        (b"PK\x03\x04\x14\x00\x06\x00word/document.xml", "not_text"),
        ("报告\x00\x01正文".encode(), "not_text"),
        ("一段没有章节编号的文字，增长6%。".encode(), "no_sections"),
        (
            QINGXI.translate(str.maketrans("", "", "0123456789")).encode(),
            "no_targets",
        ),
    ],
    ids=[
        "empty", "blank", "bom-only", "gbk", "utf16", "binary", "pdf", "docx",
        "control-chars", "no-sections", "no-numbers",
    ],
)  # fmt: skip
def test_bad_input_is_refused_with_a_reason(data, reason):
    with pytest.raises(ReportImportError) as refused:
        draft_report(data)
    assert refused.value.reason == reason
    assert refused.value.message == str(refused.value)
    assert refused.value.message.isascii() or reason == "no_sections"


def test_gbk_is_named_and_the_fix_given():
    with pytest.raises(ReportImportError) as refused:
        decode_report(QINGXI.encode("gbk"))
    assert refused.value.message.startswith(
        "The file is not UTF-8 text; save it as UTF-8."
    )
    assert "GBK" in refused.value.message


def test_a_pdf_renamed_to_txt_is_recognised(tmp_path):
    renamed = tmp_path / "report.txt"
    renamed.write_bytes(PDF)
    with pytest.raises(ReportImportError, match="This is a PDF, not text"):
        read_report(renamed)


def test_a_50_mb_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    big = tmp_path / "report.txt"
    with big.open("wb") as file:
        file.truncate(50_000_000)
    monkeypatch.setattr(
        type(big), "read_bytes", lambda self: pytest.fail("the file was read")
    )
    with pytest.raises(ReportImportError) as refused:
        read_report(big)
    assert refused.value.reason == "too_large"
    assert refused.value.params == {"size": 50_000_000, "limit": 2_000_000}
    assert "too large" in refused.value.message


def test_an_upload_stream_is_read_only_up_to_the_limit():
    stream = io.BytesIO(b"x" * 5_000)
    with pytest.raises(ReportImportError) as refused:
        read_report(stream, max_bytes=1_000)
    assert refused.value.reason == "too_large"
    assert stream.tell() == 1_001


def test_a_byte_order_mark_is_removed_and_noted():
    source = decode_report(codecs.BOM_UTF8 + QINGXI.encode())
    assert source.text == QINGXI
    assert source.notes == ["bom"]
    assert source.note_messages() == [
        "The file starts with a UTF-8 byte order mark; it was removed."
    ]


def test_every_reason_has_a_translatable_message():
    for reason, message in MESSAGES.items():
        params = {"size": 1, "limit": 1} if reason == "too_large" else {}
        assert ReportImportError(reason, **params).message == str(message) % params
        assert type(message).__name__ == "LazyString"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PDF, "Error (pdf): This is a PDF, not text"),
        (b"", "Error (empty): The file is empty"),
        (QINGXI.encode("gbk"), "Error (gbk): The file is not UTF-8 text"),
    ],
)
def test_the_command_fails_with_the_message_and_prints_nothing(
    cli, tmp_path, data, expected
):
    path = tmp_path / "report.txt"
    path.write_bytes(data)
    result = cli.invoke(report, ["extract", str(path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(expected)


def test_the_command_honours_the_size_setting():
    cli = make_cli(REPORT_UPLOAD_MAX_BYTES=1_000)
    result = cli.invoke(report, ["extract", str(QINGXI_TEXT)])
    assert result.exit_code == 1
    assert "too large" in result.stderr and "1000 bytes" in result.stderr


def test_the_command_notes_a_byte_order_mark_and_carries_on(cli, tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes(codecs.BOM_UTF8 + QINGXI.encode())
    result = cli.invoke(report, ["extract", str(path)])
    assert result.exit_code == 0
    assert result.stderr.startswith("Note: The file starts with a UTF-8 byte order")
    assert json.loads(result.stdout)["year"] == 2026
