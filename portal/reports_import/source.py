"""Reading an uploaded work report: bytes checked and decoded to text, or refused."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

REPORT_UPLOAD_MAX_BYTES = 2_000_000

# Stable reason codes; the web layer shows MESSAGES[reason] % error.params in the
# reader's language, the command line shows the English text.
MESSAGES = {
    "empty": _l("The file is empty: there is no report text in it."),
    "too_large": _l(
        "The file is too large: %(size)s bytes, the limit is %(limit)s bytes."
    ),
    "pdf": _l(
        "This is a PDF, not text: copy the report's text into a plain-text file "
        "saved as UTF-8 and try again."
    ),
    "not_text": _l(
        "This is not a plain-text file (perhaps a Word document or an image): "
        "save the report as plain text in UTF-8 and try again."
    ),
    "gbk": _l(
        "The file is not UTF-8 text; save it as UTF-8. It looks like GBK, the "
        "older Chinese encoding."
    ),
    "not_utf8": _l("The file is not UTF-8 text; save it as UTF-8."),
    "no_sections": _l(
        "No commitments found: the text has no numbered sections (一、二、三、…) "
        "with a year's plan, so it does not read as a government work report."
    ),
    "no_targets": _l(
        "No commitments found: the plan sections hold no targets with numbers."
    ),
}

NOTES = {
    "bom": _l("The file starts with a UTF-8 byte order mark; it was removed."),
}

# A PDF may carry a little junk before its header; readers look in the first 1 KiB.
PDF_MAGIC = b"%PDF-"
BINARY_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
CJK = re.compile(r"[\u4e00-\u9fff]")


class ReportImportError(ValueError):
    """A report that cannot be read or holds nothing to import; reason is stable."""

    def __init__(self, reason: str, **params: object) -> None:
        if reason not in MESSAGES:
            raise KeyError(reason)
        self.reason = reason
        self.params = params
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The English text, whatever the current locale (for logs and the CLI)."""
        with force_locale("en"):
            return str(MESSAGES[self.reason]) % self.params


@dataclass
class SourceText:
    """The decoded report and the notes (reason codes) a reader should see."""

    text: str
    notes: list[str] = field(default_factory=list)

    def note_messages(self) -> list[str]:
        """The notes in English, for the command line."""
        with force_locale("en"):
            return [str(NOTES[note]) for note in self.notes]


def read_report(
    source: str | Path | bytes | BinaryIO,
    *,
    max_bytes: int = REPORT_UPLOAD_MAX_BYTES,
) -> SourceText:
    """Read a path, bytes or an upload stream without loading more than the limit."""
    if isinstance(source, bytes):
        data = source
    elif isinstance(source, str | Path):
        size = Path(source).stat().st_size
        if size > max_bytes:
            raise ReportImportError("too_large", size=size, limit=max_bytes)
        data = Path(source).read_bytes()
    else:
        data = source.read(max_bytes + 1)
    return decode_report(data, max_bytes=max_bytes)


def decode_report(
    data: bytes, *, max_bytes: int = REPORT_UPLOAD_MAX_BYTES
) -> SourceText:
    """Check the bytes of a report and decode them as UTF-8; refuse anything else."""
    if len(data) > max_bytes:
        raise ReportImportError("too_large", size=len(data), limit=max_bytes)
    if PDF_MAGIC in data[:1024]:
        raise ReportImportError("pdf")
    if data.startswith(BINARY_MAGIC):
        raise ReportImportError("not_text")
    notes = []
    if data.startswith(codecs.BOM_UTF8):
        # Windows Notepad writes one; it is valid UTF-8 and carries no text.
        data = data[len(codecs.BOM_UTF8) :]
        notes.append("bom")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ReportImportError("not_utf8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ReportImportError(_legacy_encoding(data)) from None
    if CONTROL.search(text):
        raise ReportImportError("not_text")
    if not text.strip():
        raise ReportImportError("empty")
    return SourceText(text=text, notes=notes)


def _legacy_encoding(data: bytes) -> str:
    """The reason for bytes that are not UTF-8: GBK when they read as Chinese."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return "not_utf8"
    if CONTROL.search(text) or not CJK.search(text):
        return "not_utf8"
    return "gbk"
