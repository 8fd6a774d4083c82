"""CSV downloads that spreadsheets open safely (no formulas) and in Chinese."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from numbers import Number

from flask import Response

# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0", "＝", "＋", "－", "＠")


def neutralise(value) -> object:
    """Numbers stay numbers; text that a spreadsheet would run gets a leading '."""
    if value is None:
        return ""
    if isinstance(value, Number) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence]
) -> Response:
    """A UTF-8 (with BOM, for Excel) CSV attachment, every field quoted."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
