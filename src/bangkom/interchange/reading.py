"""Reading CSV and XLSX tables into (line number, list of cell strings), and parsing cell values.

Everything downstream works on plain strings so that CSV and XLSX share one validation path; XLSX cells
are turned into the strings a person would have typed (numbers without ".0", dates as ISO).
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bangkom.interchange import messages as msg

# Values of boolean cells (CONTRACT.md), lower-cased.
BOOLEANS = {"ya": True, "tidak": False, "true": True, "false": False, "1": True, "0": False}
_TWO_PLACES = decimal.Decimal("0.01")


class TableError(Exception):
    """The file as a whole cannot be read; reported at line 1 of that file."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class Table:
    """A header (normalised names) and an iterator of (line, cells); cells may be shorter than the header."""

    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    errors: list[tuple[int, str]] = field(default_factory=list)


def normalise_header(names: list[str]) -> list[str]:
    return [(n or "").strip().lstrip("\ufeff").strip().lower() for n in names]


def _detect_delimiter(first_line: str) -> str:
    """Semicolon when the header has more semicolons than commas outside quotes (Indonesian Excel)."""
    semis = commas = 0
    quoted = False
    for ch in first_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted:
            if ch == ";":
                semis += 1
            elif ch == ",":
                commas += 1
    return ";" if semis > commas else ","


def read_csv(path: Path) -> Table:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableError(msg.not_utf8()) from exc
    nul = text.find("\x00")
    if nul >= 0:  # no database text column holds it; a CSV with one is broken (or a binary file renamed)
        raise TableError(msg.nul_character(), line=text.count("\n", 0, nul) + 1)
    first_nl = text.find("\n")
    first = text if first_nl < 0 else text[:first_nl]
    if not first.strip():
        raise TableError(msg.empty_file())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_detect_delimiter(first), strict=False)
    try:
        header = normalise_header(next(reader))
    except (StopIteration, csv.Error) as exc:
        raise TableError(msg.empty_file()) from exc
    table = Table(header=header, rows=iter(()))

    def rows() -> Iterator[tuple[int, list[str]]]:
        # line_num is the physical line where the record ended; a record starts after the previous one.
        prev = reader.line_num
        try:
            for cells in reader:
                start = prev + 1
                prev = reader.line_num
                if cells and any(cells):
                    yield start, cells
        except csv.Error as exc:
            table.errors.append((prev + 1, msg.bad_csv(str(exc))))

    table.rows = rows()
    return table


def xlsx_cell_text(value: object) -> str:
    """The string a person would have typed for an XLSX cell value."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # Whole numbers below 2**53 are exact; larger floats (an 18-digit NIP typed as a number) are not,
        # so they keep their float spelling and fail validation loudly instead of changing digits.
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return str(value)


def read_xlsx(path: Path) -> Table:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise TableError(msg.unreadable_xlsx(str(exc))) from exc
    ws = wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    header_row = next(it, None)
    if header_row is None or not any(v is not None and str(v).strip() for v in header_row):
        wb.close()
        raise TableError(msg.empty_file())
    header = normalise_header([xlsx_cell_text(v) for v in header_row])

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for line, values in enumerate(it, start=2):
                cells = [xlsx_cell_text(v) for v in values]
                if any(cells):
                    yield line, cells
        finally:
            wb.close()

    return Table(header=header, rows=rows())


def read_table(path: Path) -> Table:
    if path.suffix.lower() == ".xlsx":
        return read_xlsx(path)
    return read_csv(path)


def parse_date(value: str) -> dt.date | None:
    """YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY; None when it is none of them or not a real date."""
    for sep in ("-", "/"):
        parts = value.split(sep)
        if len(parts) != 3:
            continue
        a, b, c = parts
        try:
            if len(a) == 4 and sep == "-" and len(c) <= 2:
                return dt.date(int(a), int(b), int(c))
            if len(c) == 4 and len(a) <= 2:
                return dt.date(int(c), int(b), int(a))
        except ValueError:
            return None
    return None


def parse_bool(value: str) -> bool | None:
    return BOOLEANS.get(value.lower())


def parse_decimal(value: str) -> decimal.Decimal | None:
    """A number with a dot or (Indonesian Excel) a comma as decimal separator, rounded to 2 places."""
    text = value.replace(" ", "")
    if "," in text:
        if "." in text:  # 1.234,5: dots group thousands
            text = text.replace(".", "")
        text = text.replace(",", ".")
    try:
        number = decimal.Decimal(text)
    except decimal.InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return number.quantize(_TWO_PLACES, rounding=decimal.ROUND_HALF_UP)
