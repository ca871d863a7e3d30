"""The generated world must be valid for the import and look like real ASN data (no database needed)."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from collections import Counter
from pathlib import Path

import pytest

from bangkom.demodata.generator import (
    COLUMNS,
    FUNCTIONAL_LEVEL,
    KIND_LEVEL,
    KINDS,
    NATIONAL_COMPETENCIES,
    Dataset,
    generate,
    write_contract_files,
)
from bangkom.engine.nip import check_nip_for_employment

TODAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def ds() -> Dataset:
    # Five instansi: one of each kind, so every jabatan kind appears.
    return generate(2500, 5, seed=7, today=TODAY)


def test_nips_valid_unique_and_match_employment_type(ds: Dataset) -> None:
    rows = list(ds.rows("employees"))
    nips = [r["nip"] for r in rows]
    assert len(set(nips)) == len(nips) == 2500
    for r in rows:
        info = check_nip_for_employment(r["nip"], r["employment_type"])
        age = info.appointed_year - info.birth_date.year
        assert 1966 <= info.birth_date.year <= 2001
        if r["employment_type"] != "pppk":
            assert 19 <= age <= 35, r
        if r["employment_type"] == "cpns":
            assert TODAY.year - 1 <= info.appointed_year <= TODAY.year
            assert (info.appointed_year, info.appointed_month) <= (TODAY.year, TODAY.month)


def test_supervisor_chains_acyclic_same_instansi_and_follow_the_unit_tree(ds: Dataset) -> None:
    emps = {r["nip"]: r for r in ds.rows("employees")}
    parent_unit = {(u["agency_code"], u["code"]): u["parent_code"] for u in ds.rows("units")}
    kinds = {(p["agency_code"], p["code"]): p["kind"] for p in ds.rows("positions")}
    heads = 0
    for nip, r in emps.items():
        seen = {nip}
        cur = r
        depth = 0
        while cur["supervisor_nip"]:
            boss = emps[cur["supervisor_nip"]]
            assert boss["agency_code"] == r["agency_code"]
            # The boss sits in the same unit (head of a seksi) or in its parent unit.
            assert boss["unit_code"] in {
                cur["unit_code"],
                parent_unit[(cur["agency_code"], cur["unit_code"])],
            }
            assert boss["nip"] not in seen, "cycle"
            seen.add(boss["nip"])
            cur = boss
            depth += 1
        assert depth <= 3
        if not r["supervisor_nip"]:
            heads += 1
            assert kinds[(r["agency_code"], r["position_code"])] in {"jpt_pratama", "jpt_madya", "jpt_utama"}
    assert heads == 5  # exactly one head per instansi
    assert (ds.supervisor < len(emps)).all()


def test_every_position_has_skj_with_national_and_own_technical_competencies(ds: Dataset) -> None:
    tech_agency = {c["code"]: c["agency_code"] for c in ds.rows("competencies")}
    skj: dict[tuple[str, str], dict[str, int]] = {}
    for r in ds.rows("requirements"):
        skj.setdefault((r["agency_code"], r["position_code"]), {})[r["competency_code"]] = int(r["required_level"])
    positions = list(ds.rows("positions"))
    assert len(skj) == len(positions)
    exact = total = 0
    for p in positions:
        levels = skj[(p["agency_code"], p["code"])]
        assert set(NATIONAL_COMPETENCIES) <= set(levels)
        tech = [c for c in levels if c not in NATIONAL_COMPETENCIES]
        assert 2 <= len(tech) <= 4
        assert all(tech_agency[c] == p["agency_code"] for c in tech)
        default = FUNCTIONAL_LEVEL[p["functional_level"]] if p["kind"] == "fungsional" else KIND_LEVEL[p["kind"]]
        for c in NATIONAL_COMPETENCIES:
            assert abs(levels[c] - default) <= 1 + (p["functional_level"] == "ahli_muda")
            assert 1 <= levels[c] <= 5
            exact += levels[c] == default
            total += 1
    assert exact / total > 0.6  # occasional variation only


def test_determinism() -> None:
    a = generate(300, 2, seed=11, today=TODAY)
    b = generate(300, 2, seed=11, today=TODAY)
    c = generate(300, 2, seed=12, today=TODAY)
    for kind in KINDS:
        assert list(a.rows(kind)) == list(b.rows(kind)), kind
    assert list(a.rows("employees")) != list(c.rows("employees"))
    assert list(a.rows("assessments")) != list(c.rows("assessments"))


def test_plausible_distributions(ds: Dataset) -> None:
    emps = list(ds.rows("employees"))
    types = Counter(r["employment_type"] for r in emps)
    assert 0.15 <= types["pppk"] / len(emps) <= 0.25
    assert 0.02 <= types["cpns"] / len(emps) <= 0.09
    women = sum(check_nip_for_employment(r["nip"], r["employment_type"]).sex == 2 for r in emps)
    assert 0.4 <= women / len(emps) <= 0.6
    assert 0.25 <= sum(bool(r["email"]) for r in emps) / len(emps) <= 0.42
    assert len({r["name"] for r in emps}) > 500
    positions = list(ds.rows("positions"))
    assert {p["kind"] for p in positions} == set(KIND_LEVEL) | {"fungsional"}
    assert {p["functional_level"] for p in positions if p["kind"] == "fungsional"} >= {
        "ahli_pertama",
        "ahli_muda",
        "ahli_madya",
        "terampil",
        "mahir",
    }
    agencies = list(ds.rows("agencies"))
    assert {a["kind"] for a in agencies} == {"kabupaten", "kota", "provinsi", "kementerian", "lembaga"}
    assert any(a["underdeveloped"] == "ya" for a in agencies)
    units = list(ds.rows("units"))
    assert sum(1 for u in units if not u["parent_code"]) == 5


def test_assessments_around_requirement_in_last_four_years(ds: Dataset) -> None:
    rows = list(ds.rows("assessments"))
    per_emp = Counter(r["nip"] for r in rows)
    assert 0.78 <= len(per_emp) / 2500 <= 0.92
    keys = {(r["nip"], r["competency_code"], r["assessed_on"]) for r in rows}
    assert len(keys) == len(rows)  # the import key is unique
    dates = [dt.date.fromisoformat(r["assessed_on"]) for r in rows]
    assert min(dates) >= TODAY - dt.timedelta(days=4 * 366)
    assert max(dates) < TODAY
    assert {r["method"] for r in rows} == {
        "assessment_center",
        "uji_kompetensi",
        "atasan",
        "rekan",
        "diri",
        "lainnya",
    }
    assert Counter(r["level"] for r in rows).keys() <= {"1", "2", "3", "4", "5"}
    # Later assessments of the same competency are on average not lower than earlier ones.
    by_key: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for r in rows:
        by_key.setdefault((r["nip"], r["competency_code"]), []).append((r["assessed_on"], int(r["level"])))
    ups = downs = 0
    for seq in by_key.values():
        seq.sort()
        ups += sum(b[1] > a[1] for a, b in itertools.pairwise(seq))
        downs += sum(b[1] < a[1] for a, b in itertools.pairwise(seq))
    assert ups > 2 * downs


def test_learning_records_and_performance_are_plausible(ds: Dataset) -> None:
    rows = list(ds.rows("learning_records"))
    per_emp_year = Counter((r["nip"], r["start_date"][:4]) for r in rows)
    assert max(per_emp_year.values()) <= 12
    assert {int(r["start_date"][:4]) for r in rows} == {TODAY.year - 1, TODAY.year}
    forms = Counter(int(r["form"]) for r in rows)
    assert set(forms) <= set(range(1, 26))
    assert forms.most_common(1)[0][0] in {16, 8, 9, 14, 22}
    spanning = 0
    for r in rows:
        start, end = dt.date.fromisoformat(r["start_date"]), dt.date.fromisoformat(r["end_date"])
        assert start <= end <= TODAY
        spanning += start.year != end.year
        jp = float(r["jp"])
        form = int(r["form"])
        if end < TODAY:  # records still running today end today
            assert jp <= 9 * ((end - start).days + 1), r
        if form in {14, 15}:
            assert jp == 2
        if form in {1, 2}:
            assert 40 <= jp <= 100
        if form == 8:
            assert 8 <= jp <= 24
    assert spanning > 0
    assert any("." in r["jp"] for r in rows)
    statuses = Counter(r["status"] for r in rows)
    assert statuses["verified"] / len(rows) > 0.7
    assert statuses["submitted"] and statuses["rejected"] and statuses[""]
    assert sum(bool(r["certificate_no"]) for r in rows) / len(rows) > 0.7
    perf = list(ds.rows("performance"))
    assert {int(r["year"]) for r in perf} == {TODAY.year - 2, TODAY.year - 1}
    hasil = Counter(r["hasil_kerja"] for r in perf)
    assert 0.10 <= hasil["di_atas"] / len(perf) <= 0.20
    assert 0.04 <= hasil["di_bawah"] / len(perf) <= 0.10


def test_assessment_cap_per_employee() -> None:
    capped = generate(200, 1, seed=3, today=TODAY, max_assessments_per_employee=4)
    per_emp = Counter(r["nip"] for r in capped.rows("assessments"))
    assert per_emp and max(per_emp.values()) == 4


def test_too_few_employees_refused() -> None:
    with pytest.raises(ValueError, match="at least"):
        generate(5, 2, seed=1, today=TODAY)


def test_write_contract_files_excel_habits(tmp_path: Path) -> None:
    d = generate(120, 2, seed=5, today=TODAY)
    paths = write_contract_files(d, tmp_path, excel_habits=True)
    assert set(paths) == set(KINDS)
    for kind, path in paths.items():
        text = path.read_text(encoding="utf-8-sig")
        header = text.splitlines()[0]
        excel = kind in {"requirements", "learning_records", "assessments"}
        assert header == (";" if excel else ",").join(COLUMNS[kind])
        with path.open(encoding="utf-8-sig", newline="") as f:
            n = sum(1 for _ in csv.reader(f))
        assert n == d.count(kind) + 1
    first = paths["learning_records"].read_text(encoding="utf-8-sig").splitlines()[1].split(";")
    assert len(first[4]) == 10 and first[4][2] == "/" and first[4][5] == "/"
    assert "," not in first[6]  # decimal JP keeps the dot
    emp_line = paths["employees"].read_text().splitlines()[1]
    assert emp_line.count(",") >= 7


@pytest.mark.parametrize("today", [dt.date(2025, 1, 2), dt.date(2030, 12, 31)])
def test_valid_on_other_reference_dates(today: dt.date) -> None:
    """Early January (tiny current-year window) and years later (oldest PPPK near 60) stay valid."""
    d = generate(400, 2, seed=9, today=today)
    for r in d.rows("employees"):
        check_nip_for_employment(r["nip"], r["employment_type"])
    records = list(d.rows("learning_records"))
    assert len({(r["nip"], r["title"], r["start_date"]) for r in records}) == len(records)
    assert all(r["end_date"] <= today.isoformat() for r in records)


def test_write_contract_files_habits_chosen_per_kind(tmp_path: Path) -> None:
    """Semicolons and DD/MM/YYYY can be chosen apart, for files that only have one of the two habits."""
    d = generate(80, 1, seed=5, today=TODAY)
    paths = write_contract_files(
        d, tmp_path, semicolon_kinds=("employees", "performance"), dmy_dates_kinds=("assessments",)
    )
    for kind, path in paths.items():
        header = path.read_text(encoding="utf-8-sig").splitlines()[0]
        sep = ";" if kind in {"employees", "performance"} else ","
        assert header == sep.join(COLUMNS[kind]), kind
    assessed_on = paths["assessments"].read_text().splitlines()[1].split(",")[2]
    assert dt.datetime.strptime(assessed_on, "%d/%m/%Y").date() < TODAY  # noqa: DTZ007 - a plain date
    start = paths["learning_records"].read_text().splitlines()[1].split(",")
    assert any(dt.date.fromisoformat(c) for c in start if len(c) == 10 and c[4] == "-")
    with pytest.raises(ValueError, match="unknown kinds"):
        write_contract_files(d, tmp_path, semicolon_kinds=("pegawai",))


def test_scale_many_instansi_stays_valid_and_unique() -> None:
    """A larger world (as benchmarks use): unique NIPs, valid for their type, one head per instansi."""
    d = generate(30_000, 12, seed=21, today=TODAY, max_assessments_per_employee=1)
    rows = list(d.rows("employees"))
    assert len({r["nip"] for r in rows}) == 30_000
    for r in rows[::7]:
        check_nip_for_employment(r["nip"], r["employment_type"])
    assert int((d.supervisor < 0).sum()) == 12
    assert len({r["code"] for r in d.rows("agencies")}) == 12
    by_agency = Counter(d.employee_agency)
    assert min(by_agency.values()) >= 2400
