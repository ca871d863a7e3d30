"""`bangkom export gaps|jpm` match, row for row, an independent computation from the imported CSV files.

The dataset is generated with a seed used nowhere else (held out), written in the CONTRACT.md formats and
imported; the reference below reads the CSV files directly (not the database) and applies CONTRACT.md with
Decimal arithmetic, so it shares no code with the engine or the loader.
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from bangkom.demodata.generator import generate, write_contract_files
from bangkom.interchange.importer import run_import

HELD_OUT_SEED = 90210


def _read(path: Path) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8-sig")
    delimiter = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    return list(csv.DictReader(text.splitlines(), delimiter=delimiter))


def _date(s: str) -> dt.date:
    if "/" in s:
        d, m, y = s.split("/")
        return dt.date(int(y), int(m), int(d))
    return dt.date.fromisoformat(s)


def _reference(folder: Path) -> tuple[list[list[str]], list[list[str]]]:
    skj: dict[tuple[str, str], dict[str, int]] = {}
    for r in _read(folder / "requirements.csv"):
        skj.setdefault((r["agency_code"], r["position_code"]), {})[r["competency_code"]] = int(
            r["required_level"]
        )
    latest: dict[tuple[str, str], tuple[dt.date, int]] = {}
    for r in _read(folder / "assessments.csv"):
        key, on = (r["nip"], r["competency_code"]), _date(r["assessed_on"])
        if key not in latest or on > latest[key][0]:
            latest[key] = (on, int(r["level"]))
    gaps, jpm = [], []
    for e in sorted(_read(folder / "employees.csv"), key=lambda e: e["nip"]):
        reqs = skj.get((e["agency_code"], e["position_code"]))
        if not reqs:
            continue
        total_req, total_ass, complete = 0, 0, True
        for code in sorted(reqs):
            req = reqs[code]
            ass = latest.get((e["nip"], code))
            total_req += req
            if ass is None:
                complete = False
                gaps.append([e["nip"], code, str(req), "", ""])
            else:
                total_ass += ass[1]
                gaps.append([e["nip"], code, str(req), str(ass[1]), str(max(0, req - ass[1]))])
        if not complete:
            jpm.append([e["nip"], e["position_code"], "", "belum_dinilai", "belum_dinilai"])
            continue
        value = (Decimal(100) * total_ass / total_req).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        mapping = "optimal" if value >= 90 else "cukup_optimal" if value >= 78 else "kurang_optimal"
        filling = (
            "memenuhi_syarat"
            if value >= 80
            else "masih_memenuhi_syarat"
            if value >= 68
            else "kurang_memenuhi_syarat"
        )
        jpm.append([e["nip"], e["position_code"], f"{value:.2f}", mapping, filling])
    return gaps, jpm


@pytest.mark.django_db
def test_exports_match_independent_computation(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_contract_files(
        generate(700, 2, seed=HELD_OUT_SEED, today=dt.date(2026, 6, 30)), data, excel_habits=True
    )
    assert run_import(data).ok
    ref_gaps, ref_jpm = _reference(data)
    assert any(row[3] == "belum_dinilai" for row in ref_jpm)  # the dataset exercises every branch
    assert {row[3] for row in ref_jpm} >= {"optimal", "cukup_optimal", "kurang_optimal"}

    call_command("export", "gaps", "--out", str(tmp_path / "gaps.csv"))
    call_command("export", "jpm", "--out", str(tmp_path / "jpm.csv"))
    with (tmp_path / "gaps.csv").open(encoding="utf-8", newline="") as f:
        got_gaps = list(csv.reader(f))
    with (tmp_path / "jpm.csv").open(encoding="utf-8", newline="") as f:
        got_jpm = list(csv.reader(f))
    assert got_gaps[0] == ["nip", "competency_code", "required_level", "assessed_level", "gap"]
    assert got_jpm[0] == ["nip", "position_code", "jpm", "category_mapping", "category_filling"]
    assert got_gaps[1:] == ref_gaps
    assert got_jpm[1:] == ref_jpm


@pytest.mark.django_db
def test_export_agency_filter_and_usage_errors(tmp_path: Path) -> None:
    data = tmp_path / "data"
    dataset = generate(120, 2, seed=HELD_OUT_SEED + 1, today=dt.date(2026, 6, 30))
    write_contract_files(dataset, data)
    assert run_import(data).ok
    agencies = [r["code"] for r in _read(data / "agencies.csv")]
    employees = _read(data / "employees.csv")
    out = tmp_path / "one.csv"
    call_command("export", "jpm", "--out", str(out), "--agency", agencies[0])
    nips = {row["nip"] for row in csv.DictReader(out.open(encoding="utf-8"))}
    own = {e["nip"] for e in employees if e["agency_code"] == agencies[0]}
    assert nips and nips <= own
    with pytest.raises(CommandError) as exc:
        call_command("export", "jpm", "--out", str(out), "--agency", "TIDAK-ADA")
    assert exc.value.returncode == 2
