"""`bangkom export jp|siasn-kursus` match an independent computation from the imported CSV files.

Held-out generated dataset; the reference reads learning_records.csv and employees.csv directly and applies
CONTRACT.md with Decimal: verified (or empty status) records counted in the year of their end date, PNS/CPNS
minimum 20, PPPK maximum 24, numbers without trailing zeros.
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from bangkom.demodata.generator import generate, write_contract_files
from bangkom.interchange.importer import run_import

from .test_export_mapping import _date, _read

HELD_OUT_SEED = 31337


def _fmt(value: Decimal) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def _reference(folder: Path, year: int) -> tuple[list[list[str]], list[list[str]]]:
    totals: dict[str, Decimal] = {}
    siasn = []
    for r in _read(folder / "learning_records.csv"):
        if (r.get("status") or "verified") != "verified":
            continue
        end = _date(r["end_date"])
        if end.year != year:
            continue
        jp = Decimal(r["jp"].replace(",", "."))
        totals[r["nip"]] = totals.get(r["nip"], Decimal(0)) + jp
        start = _date(r["start_date"])
        siasn.append(
            [
                r["nip"],
                r["form"],
                r["title"],
                r["provider"],
                _fmt(jp),
                r.get("certificate_no") or "",
                start.isoformat(),
                end.isoformat(),
                str(end.year),
            ]
        )
    rows = []
    for e in sorted(_read(folder / "employees.csv"), key=lambda e: e["nip"]):
        total = totals.get(e["nip"], Decimal(0))
        if e["employment_type"] == "pppk":
            lo, hi = Decimal(0), Decimal(24)
        else:
            lo, hi = Decimal(20), None
        status = "kurang" if total < lo else "melebihi" if hi is not None and total > hi else "memenuhi"
        rows.append(
            [
                e["nip"],
                e["employment_type"],
                _fmt(total),
                _fmt(lo),
                _fmt(hi) if hi is not None else "",
                status,
                _fmt(max(Decimal(0), lo - total)),
            ]
        )
    siasn.sort(key=lambda r: (r[0], int(r[1]), r[6], r[2]))
    return rows, siasn


@pytest.mark.django_db
@pytest.mark.parametrize("year", [2025, 2026])
def test_jp_and_siasn_exports_match_reference(tmp_path: Path, year: int) -> None:
    data = tmp_path / "data"
    write_contract_files(generate(500, 2, seed=HELD_OUT_SEED, today=dt.date(2026, 6, 30)), data, excel_habits=True)
    assert run_import(data).ok
    ref_jp, ref_siasn = _reference(data, year)
    records = _read(data / "learning_records.csv")
    assert any(_date(r["start_date"]).year < _date(r["end_date"]).year for r in records)  # spans the new year
    assert any(row[2].count(".") for row in ref_jp)  # decimals
    assert any(row[5] == "melebihi" for row in ref_jp) or any(row[1] == "pppk" for row in ref_jp)

    call_command("export", "jp", "--out", str(tmp_path / "jp.csv"), "--year", str(year))
    call_command("export", "siasn-kursus", "--out", str(tmp_path / "siasn.csv"), "--year", str(year))
    got_jp = list(csv.reader((tmp_path / "jp.csv").open(encoding="utf-8", newline="")))
    got_siasn = list(csv.reader((tmp_path / "siasn.csv").open(encoding="utf-8", newline="")))
    assert got_jp[0] == ["nip", "employment_type", "jp_total", "jp_minimum", "jp_maximum", "status", "shortfall"]
    assert got_jp[1:] == ref_jp
    assert got_siasn[0][:3] == ["nip", "jenisDiklatId", "namaKursus"]
    assert got_siasn[1:] == ref_siasn
