"""CSV downloads that spreadsheets open safely (no formulas) and in Chinese.

Every file is UTF-8 with a byte-order mark (so Excel reads Chinese), every field
quoted, lines ending in CRLF (RFC 4180), and any text cell a spreadsheet would
run as a formula gets a leading ' (SECURITY.md IN-08).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from numbers import Number
from urllib.parse import quote

from flask import Response, stream_with_context

BOM = "\ufeff"

# A spreadsheet runs a cell starting with one of these as a formula (or, for
# the control characters, may hide what follows them).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0", "＝", "＋", "－", "＠")

# Text sent to the client in pieces of about this many characters.
CHUNK_CHARS = 64 * 1024


def _invisible(char: str) -> bool:
    """Spaces (ASCII, ideographic, no-break...) and zero-width format marks."""
    return char.isspace() or unicodedata.category(char) == "Cf"


def neutralise(value) -> object:
    """Numbers stay numbers; text that a spreadsheet would run gets a leading '.

    The test is made on the first character and again on the first visible one,
    so "\\t=1", " =1" and "\\u3000＝1" are caught as well as "=1".
    """
    if value is None:
        return ""
    if isinstance(value, Number) and not isinstance(value, bool):
        return value
    text = str(value)
    first_visible = next((c for c in text if not _invisible(c)), "")
    if text.startswith(FORMULA_STARTS) or first_visible.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def number(value: Decimal | float | int | None) -> int | float | None:
    """A stored decimal as a plain number cell: 40, not 40.0000."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def csv_text(header: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    """The file as pieces of text: the BOM and header first, then the rows.

    Rows are read one at a time and pieces stay small, so a million rows never
    sit in memory together.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
        if buffer.tell() >= CHUNK_CHARS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _as_download(response: Response, filename: str) -> Response:
    """Mark a response as a CSV file to save, named as RFC 6266 asks (IN-09)."""
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    names = {"filename": filename}
    if not filename.isascii():
        # As werkzeug.utils.send_file does: an ASCII fallback, and the real name
        # percent-encoded in filename* (RFC 5987).
        fallback = unicodedata.normalize("NFKD", filename)
        names = {
            "filename": fallback.encode("ascii", "ignore").decode("ascii"),
            "filename*": "UTF-8''" + quote(filename, safe="!#$&+^`|~"),
        }
    response.headers.set("Content-Disposition", "attachment", **names)
    return response


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence]
) -> Response:
    """A small CSV attachment, built whole before it is sent (errors become a 500)."""
    return _as_download(Response("".join(csv_text(header, rows))), filename)


def csv_stream(
    filename: str, header: Sequence[str], rows: Iterable[Sequence]
) -> Response:
    """A CSV attachment of any size, written while it is sent.

    `rows` is consumed lazily, inside the request's contexts pushed again. Flask
    has already torn the view's contexts down by then (closing the view's
    database session), so a generator over a query must open its session when
    it starts, not take one the view opened.
    """
    response = Response(stream_with_context(csv_text(header, rows)))
    return _as_download(response, filename)
