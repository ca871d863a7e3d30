"""Tables as downloads, CSV or XLSX, the same header and rows for both."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _safe(value: Any) -> Any:
    # A text cell starting with = + - @ would run as a formula in a spreadsheet: quote it.
    return f"'{value}" if isinstance(value, str) and value and value[0] in "=+-@" else value


def _filename(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)


def table_response(
    basename: str, header: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str = "csv"
) -> HttpResponse:
    if fmt == "xlsx":
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(title=_filename(basename)[:31] or "data")
        ws.append(list(header))
        for row in rows:
            ws.append([_safe(v) for v in row])
        buf = io.BytesIO()
        wb.save(buf)
        response = HttpResponse(buf.getvalue(), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        writer = csv.writer(response)
        writer.writerow(header)
        writer.writerows([_safe(v) for v in row] for row in rows)
    response["Content-Disposition"] = (
        f'attachment; filename="{_filename(basename)}.{"xlsx" if fmt == "xlsx" else "csv"}"'
    )
    return response
