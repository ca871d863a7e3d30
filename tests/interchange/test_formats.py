"""Reading: delimiters, BOM, quotes, XLSX cells, date forms, booleans, decimal commas, unknown columns."""

from __future__ import annotations

import datetime as dt
import decimal
from pathlib import Path

import openpyxl
import pytest

from bangkom.interchange.importer import find_cycles, run_import
from bangkom.interchange.reading import parse_bool, parse_date, parse_decimal, xlsx_cell_text
from bangkom.learning.models import LearningRecord
from bangkom.org.models import Agency, Employee

from .helpers import write
from .test_refusals import NEW_PNS, NEW_PNS2

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-05", dt.date(2024, 3, 5)),
        ("05-03-2024", dt.date(2024, 3, 5)),
        ("05/03/2024", dt.date(2024, 3, 5)),
        ("5/3/2024", dt.date(2024, 3, 5)),
        ("2024/03/05", None),
        ("31/02/2024", None),
        ("kemarin", None),
        ("", None),
    ],
)
def test_parse_date(text: str, expected: dt.date | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ya", True),
        ("YA", True),
        ("Tidak", False),
        ("true", True),
        ("FALSE", False),
        ("1", True),
        ("0", False),
        ("y", None),
    ],
)
def test_parse_bool(text: str, expected: bool | None) -> None:
    assert parse_bool(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2.5", "2.50"), ("2,5", "2.50"), ("20", "20.00"), ("1.234,5", "1234.50"), ("abc", None), ("nan", None)],
)
def test_parse_decimal(text: str, expected: str | None) -> None:
    value = parse_decimal(text)
    assert (None if value is None else str(value)) == expected


def test_find_cycles() -> None:
    graph = {"a": "b", "b": "c", "c": "a", "d": "a", "e": None, "f": "f"}
    cycles = find_cycles(graph, ["d", "e", "f"])
    assert sorted(sorted(c) for c in cycles) == [["a", "b", "c"], ["f"]]


def test_semicolon_bom_crlf_quotes_any_order_and_case(tmp_path: Path, db) -> None:
    write(
        tmp_path,
        "agencies.csv",
        " Name ;CODE;kind;Underdeveloped;region_code\r\n"
        '"Kabupaten ""Satu""; Timur";K1;kabupaten;YA;01\r\n'
        "Kota Dua;K2;KOTA;tidak;\r\n",
        bom=True,
    )
    result = run_import(tmp_path)
    assert result.ok, result.error_lines()
    k1 = Agency.objects.get(code="K1")
    assert k1.name == 'Kabupaten "Satu"; Timur'
    assert k1.underdeveloped is True
    assert k1.region_code == "01"
    assert Agency.objects.get(code="K2").kind == "kota"


def test_comma_file_and_unknown_column_warning(tmp_path: Path, db) -> None:
    write(tmp_path, "agencies.csv", "code,name,kind,catatan,extra\nK1,Satu,kota,bebas,x\n")
    result = run_import(tmp_path)
    assert result.ok
    assert result.warnings == ["agencies.csv: kolom tidak dikenal diabaikan: catatan, extra"]


def test_blank_lines_are_skipped_and_line_numbers_kept(tmp_path: Path, db) -> None:
    write(tmp_path, "agencies.csv", "code,name,kind\nK1,Satu,kota\n\n,,\nK2,,kota\n")
    result = run_import(tmp_path)
    assert result.error_lines() == ["agencies.csv:5: kolom name wajib diisi"]


def test_not_utf8_is_refused_at_line_1(tmp_path: Path, db) -> None:
    (tmp_path / "agencies.csv").write_bytes(
        "code,name,kind\nK1,Dinas Pendidikan \xe9,kota\n".encode("latin-1")
    )
    result = run_import(tmp_path)
    assert [(f, line) for f, line, _ in result.errors] == [("agencies.csv", 1)]


def test_nul_character_refuses_the_file_at_its_line(tmp_path: Path, db) -> None:
    # No PostgreSQL text column holds NUL: the import crashed with a traceback instead of reporting a line.
    write(tmp_path, "agencies.csv", "code,name,kind\nK1,Satu,kota\nK2,Du\x00a,kota\n")
    result = run_import(tmp_path)
    assert [(f, line) for f, line, _ in result.errors] == [("agencies.csv", 3)]
    assert "NUL" in result.error_lines()[0]


def test_learning_records_dates_booleans_and_decimal_comma(org, tmp_path: Path) -> None:
    nip = org.staf1.nip
    write(
        tmp_path,
        "learning_records.csv",
        "nip;title;form;provider;start_date;end_date;jp;certificate_no;status\n"
        f"{nip};Satu;3;LAN;2025-06-01;2025-06-02;2,5;C1;\n"
        f"{nip};Dua;14;LAN;01-07-2025;03-07-2025;4;;SUBMITTED\n"
        f"{nip};Tiga;16;LAN;01/08/2025;01/08/2025;1.25;;rejected\n",
    )
    result = run_import(tmp_path)
    assert result.ok, result.error_lines()
    recs = {r.title: r for r in LearningRecord.objects.filter(employee=org.staf1)}
    assert recs["Satu"].jp == decimal.Decimal("2.5") and recs["Satu"].status == "verified"
    assert recs["Dua"].start_date == dt.date(2025, 7, 1) and recs["Dua"].status == "submitted"
    assert recs["Tiga"].end_date == dt.date(2025, 8, 1) and recs["Tiga"].jp == decimal.Decimal("1.25")


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    wb.create_sheet("Lain").append(["diabaikan"])
    wb.save(path)
    return path


def test_xlsx_numbers_and_dates(org, tmp_path: Path) -> None:
    _xlsx(
        tmp_path / "employees.xlsx",
        [
            ["NIP", "name", "agency_code", "unit_code", "position_code", "employment_type", "supervisor_nip"],
            [NEW_PNS, "Angka", "A", "A-U0", "A-J1", "pns", org.kepala.nip],
            [NEW_PNS2, "Teks", "A", "A-U1", "A-J2", "pns", None],
        ],
    )
    _xlsx(
        tmp_path / "assessments.xlsx",
        [
            ["nip", "competency_code", "assessed_on", "level", "method"],
            [NEW_PNS, "M.1", dt.datetime(2024, 5, 6), 3, "atasan"],  # noqa: DTZ001 - Excel dates are naive
            [NEW_PNS, "M.2", "07/05/2024", 4.0, "diri"],
        ],
    )
    result = run_import(tmp_path)
    assert result.ok, result.error_lines()
    e = Employee.objects.get(nip=NEW_PNS)
    assert e.supervisor_id == org.kepala.pk
    assert sorted(e.assessments.values_list("assessed_on", "level")) == [
        (dt.date(2024, 5, 6), 3),
        (dt.date(2024, 5, 7), 4),
    ]


def test_xlsx_cell_text() -> None:
    """An integer cell (possible when another tool wrote the file) keeps every digit; a float does not."""
    assert xlsx_cell_text(199005172015031007) == "199005172015031007"
    assert xlsx_cell_text(4.0) == "4"
    assert xlsx_cell_text(2.5) == "2.5"
    assert xlsx_cell_text(1.99005172015031e17) == "1.99005172015031e+17"
    assert xlsx_cell_text(dt.datetime(2024, 5, 6, 0, 0)) == "2024-05-06"  # noqa: DTZ001
    assert xlsx_cell_text(None) == ""


def test_xlsx_float_nip_is_refused_with_clear_message(org, tmp_path: Path) -> None:
    _xlsx(
        tmp_path / "employees.xlsx",
        [
            ["nip", "name", "agency_code", "unit_code", "position_code", "employment_type"],
            [float(NEW_PNS), "Pecahan", "A", "A-U0", "A-J1", "pns"],
        ],
    )
    result = run_import(tmp_path)
    assert not result.ok
    [(f, line, message)] = result.errors
    assert (f, line) == ("employees.xlsx", 2)
    assert "angka pecahan" in message
