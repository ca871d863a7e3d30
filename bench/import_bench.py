"""Benchmark of `bangkom import` against PostgreSQL's own COPY of the same rows, and SQLite.

Usage:  .venv/bin/python bench/import_bench.py [--employees 100000] [--assessments 2500000]
        [--pg postgres://postgres@127.0.0.1:5432/postgres] [--no-sqlite]

Generates CSVs with NumPy (2 instansi, units, positions, a supervisor tree, valid NIPs and PPPK NIs),
creates fresh PostgreSQL databases with a random suffix (dropped at the end) and runs, each in a child
process with DATABASE_URL pointing at its database:
  - import: `migrate`, then run_import of the whole folder (timed: reading, validation and writing);
  - copy:   `migrate`, the small tables imported untimed, then timed
            (a) COPY of the same CSV files into plain tables with the same columns (no index, no FK), and
            (b) COPY into the real org_employee and competency_assessment tables (all indexes, constraints
                and foreign keys) of the same rows with ids resolved beforehand (untimed).
Then the same import into a fresh SQLite file. Prints figures; never asserts on time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
METHODS = np.array(["assessment_center", "uji_kompetensi", "atasan", "rekan", "diri", "lainnya"])
NATIONAL = ["M.1", "M.2", "M.3", "M.4", "M.5", "M.6", "M.7", "M.8", "SK.1"]
AGENCIES = ["KAB-BEN", "KEM-BEN"]
UNITS_PER_AGENCY = 60
POSITIONS_PER_AGENCY = 300
TECH_PER_AGENCY = 16


def _write(path: Path, header: str, lines: list[str]) -> None:
    path.write_text(header + "\n" + "\n".join(lines) + "\n", encoding="utf-8")


def generate(folder: Path, n_emp: int, n_ass: int, seed: int = 7) -> None:
    """Valid data at any size; one NIP per (birth date group, sequence), so NIPs are unique."""
    rng = np.random.default_rng(seed)
    _write(
        folder / "agencies.csv",
        "code,name,kind,region_code,underdeveloped",
        ["KAB-BEN,Kabupaten Bench,kabupaten,9999,tidak", "KEM-BEN,Kementerian Bench,kementerian,,tidak"],
    )
    units, positions, comps = [], [], []
    for ag in AGENCIES:
        units.append(f"{ag},{ag}-U0,Sekretariat,")
        units += [f"{ag},{ag}-U{u},Bidang {u},{ag}-U{(u - 1) // 5}" for u in range(1, UNITS_PER_AGENCY)]
        kinds = ["administrator", "pengawas", "pelaksana", "fungsional"]
        positions += [
            f"{ag},{ag}-J{p:04d},Jabatan {p},{kinds[p % 4]},{ag}-U{p % UNITS_PER_AGENCY},"
            f"{'ahli_muda' if p % 4 == 3 else ''}"
            for p in range(POSITIONS_PER_AGENCY)
        ]
        comps += [f"{ag}.T{t},Teknis {t} {ag},teknis,{ag}" for t in range(1, TECH_PER_AGENCY + 1)]
    _write(folder / "units.csv", "agency_code,code,name,parent_code", units)
    _write(folder / "positions.csv", "agency_code,code,name,kind,unit_code,functional_level", positions)
    _write(folder / "competencies.csv", "code,name,type,agency_code", comps)

    idx = np.arange(n_emp)
    base = np.datetime64("1965-01-01")
    birth = base + (idx // 1000) * 97 + rng.integers(0, 90, n_emp)
    birth_s = np.datetime_as_string(birth, unit="D")
    birth_year = birth.astype("datetime64[Y]").astype(int) + 1970
    tmt_year = np.minimum(birth_year + 22 + rng.integers(0, 10, n_emp), 2025)
    tmt_month = rng.integers(1, 13, n_emp)
    sex = rng.integers(1, 3, n_emp)
    seq = idx % 1000
    pppk = rng.random(n_emp) < 0.1
    half = n_emp // 2
    agency = np.where(idx < half, 0, 1)
    local = np.where(idx < half, idx, idx - half)
    start = np.where(idx < half, 0, half)
    sup = np.where(local > 0, start + (local - 1) // 8, -1)
    unit = rng.integers(0, UNITS_PER_AGENCY, n_emp)
    pos = rng.integers(0, POSITIONS_PER_AGENCY, n_emp)
    nips: list[str] = []
    for i in range(n_emp):
        b = birth_s[i].replace("-", "")
        if pppk[i]:
            nips.append(f"{b}{tmt_year[i]:04d}21{sex[i]}{seq[i]:03d}")
        else:
            nips.append(f"{b}{tmt_year[i]:04d}{tmt_month[i]:02d}{sex[i]}{seq[i]:03d}")
    emp_lines = []
    for i in range(n_emp):
        ag = AGENCIES[agency[i]]
        s = nips[sup[i]] if sup[i] >= 0 else ""
        et = "pppk" if pppk[i] else ("cpns" if i % 37 == 0 else "pns")
        emp_lines.append(
            f"{nips[i]},Pegawai {i},{ag},{ag}-U{unit[i]},{ag}-J{pos[i]:04d},{et},{s},p{i}@bench.go.id"
        )
    _write(
        folder / "employees.csv",
        "nip,name,agency_code,unit_code,position_code,employment_type,supervisor_nip,email",
        emp_lines,
    )

    # Assessments: at most 25 competencies a person, one date per (person, competency): unique keys.
    per = max(1, min(25, -(-n_ass // n_emp)))
    k = np.arange(n_ass)
    emp = k // per % n_emp
    comp_i = k % per
    days = rng.integers(0, 6 * 365, n_ass)
    dates = np.datetime_as_string(np.datetime64("2020-01-01") + days, unit="D")
    levels = rng.integers(1, 6, n_ass)
    methods = METHODS[rng.integers(0, len(METHODS), n_ass)]
    comp_names = [NATIONAL + [f"{ag}.T{t}" for t in range(1, TECH_PER_AGENCY + 1)] for ag in AGENCIES]
    ass_lines = [
        f"{nips[e]},{comp_names[agency[e]][c]},{d},{lv},{m}"
        for e, c, d, lv, m in zip(
            emp.tolist(), comp_i.tolist(), dates.tolist(), levels.tolist(), methods.tolist(), strict=True
        )
    ]
    _write(folder / "assessments.csv", "nip,competency_code,assessed_on,level,method", ass_lines)


# ---- child processes (DATABASE_URL set) ------------------------------------------------------------------


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bangkom.config.settings.local")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def child_import(folder: Path) -> dict[str, Any]:
    _setup()
    from bangkom.interchange.importer import run_import

    t0 = time.perf_counter()
    result = run_import(folder)
    seconds = time.perf_counter() - t0
    if not result.ok:
        print("\n".join(result.error_lines()[:20]), file=sys.stderr)
    return {"seconds": seconds, "ok": result.ok, "counts": result.counts}


def child_copy(folder: Path) -> dict[str, Any]:
    """COPY baselines: plain tables of the CSV columns, and the real tables with ids resolved."""
    _setup()
    import shutil

    from django.db import connection

    from bangkom.competency.models import Competency
    from bangkom.interchange.importer import run_import
    from bangkom.org.models import Agency, Position, Unit

    small = folder / "small"
    small.mkdir()
    for name in ("agencies", "units", "positions", "competencies"):
        shutil.copy(folder / f"{name}.csv", small / f"{name}.csv")
    assert run_import(small).ok
    ag = dict(Agency.objects.values_list("code", "id"))
    units = {(a, c): pk for pk, a, c in Unit.objects.values_list("id", "agency__code", "code")}
    pos = {(a, c): pk for pk, a, c in Position.objects.values_list("id", "agency__code", "code")}
    comps = dict(Competency.objects.values_list("code", "id"))
    emp_text = (folder / "employees.csv").read_bytes()
    ass_text = (folder / "assessments.csv").read_bytes()

    out: dict[str, Any] = {}
    raw: Any = None
    with connection.cursor() as cur:
        raw = connection.connection
        cur.execute(
            "CREATE TABLE plain_employees (nip varchar(18), name varchar(255), agency_code varchar(50), "
            "unit_code varchar(50), position_code varchar(50), employment_type varchar(4), "
            "supervisor_nip varchar(18), email varchar(254))"
        )
        cur.execute(
            "CREATE TABLE plain_assessments (nip varchar(18), competency_code varchar(50), assessed_on date, "
            "level smallint, method varchar(20))"
        )
    raw.commit()
    t0 = time.perf_counter()
    with raw.cursor() as c:
        with c.copy("COPY plain_employees FROM STDIN (FORMAT csv, HEADER true)") as cp:
            cp.write(emp_text)
        with c.copy("COPY plain_assessments FROM STDIN (FORMAT csv, HEADER true)") as cp:
            cp.write(ass_text)
    raw.commit()
    out["plain_seconds"] = time.perf_counter() - t0

    # Real tables: resolve ids first (untimed), supervisors included (ids assigned in file order).
    emp_rows = [line.split(",") for line in emp_text.decode().splitlines()[1:]]
    with connection.cursor() as cur:
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM org_employee")
        first_id = cur.fetchone()[0] + 1
    raw.commit()
    nip_id = {r[0]: first_id + i for i, r in enumerate(emp_rows)}
    emp_buf = "".join(
        f"{nip_id[r[0]]}\t{r[0]}\t{r[1]}\t{ag[r[2]]}\t{units[(r[2], r[3])]}\t{pos[(r[2], r[4])]}\t{r[5]}\t"
        f"{nip_id[r[6]] if r[6] else chr(92) + 'N'}\t{r[7]}\n"
        for r in emp_rows
    ).encode()
    ass_buf = "".join(
        f"{nip_id[a]}\t{comps[b]}\t{c}\t{d}\t{e}\t\n"
        for a, b, c, d, e in (line.split(",") for line in ass_text.decode().splitlines()[1:])
    ).encode()
    t0 = time.perf_counter()
    with raw.cursor() as c:
        with c.copy(
            "COPY org_employee (id, nip, name, agency_id, unit_id, position_id, employment_type, "
            "supervisor_id, email) FROM STDIN"
        ) as cp:
            cp.write(emp_buf)
        with c.copy(
            "COPY competency_assessment (employee_id, competency_id, assessed_on, level, method, note) "
            "FROM STDIN"
        ) as cp:
            cp.write(ass_buf)
    raw.commit()
    out["real_seconds"] = time.perf_counter() - t0
    return out


def _run_child(mode: str, folder: Path, url: str) -> dict[str, Any]:
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="bangkom.config.settings.local")
    proc = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, __file__, "--child", mode, str(folder)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"child {mode} failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--assessments", type=int, default=2_500_000)
    parser.add_argument(
        "--pg", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, folder = args.child
        result = child_import(Path(folder)) if mode == "import" else child_copy(Path(folder))
        print(json.dumps(result))
        return

    import psycopg

    suffix = secrets.token_hex(4)
    base = args.pg.rsplit("/", 1)[0]
    dbs = {"import": f"bangkom_bench_imp_{suffix}", "copy": f"bangkom_bench_copy_{suffix}"}
    with tempfile.TemporaryDirectory(prefix="bangkom-bench-") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        generate(folder, args.employees, args.assessments)
        print(
            f"generated {args.employees} employees, {args.assessments} assessments in "
            f"{time.perf_counter() - t0:.1f} s ({folder})"
        )
        admin = psycopg.connect(args.pg, autocommit=True)
        try:
            for db in dbs.values():
                admin.execute(f'CREATE DATABASE "{db}"')
            imp = _run_child("import", folder, f"{base}/{dbs['import']}")
            cp = _run_child("copy", folder, f"{base}/{dbs['copy']}")
        finally:
            for db in dbs.values():
                admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            admin.close()
        rows = args.employees + args.assessments
        print(f"rows: {rows} ({args.employees} employees + {args.assessments} assessments); ok={imp['ok']}")
        print(f"bangkom import (PostgreSQL, whole folder incl. validation): {imp['seconds']:.2f} s")
        print(
            f"COPY of the same CSVs into plain tables (no index/FK):      {cp['plain_seconds']:.2f} s "
            f"ratio {imp['seconds'] / cp['plain_seconds']:.2f}x"
        )
        print(
            f"COPY into the real tables (indexes, constraints, FKs):      {cp['real_seconds']:.2f} s "
            f"ratio {imp['seconds'] / cp['real_seconds']:.2f}x"
        )
        if not args.no_sqlite:
            sqlite_file = folder / "bench.sqlite3"
            sq = _run_child("import", folder, f"sqlite:///{sqlite_file}")
            print(f"bangkom import (SQLite {sqlite_file.name}): {sq['seconds']:.2f} s ok={sq['ok']}")
        print(f"date: {dt.date.today().isoformat()}")  # noqa: DTZ011


if __name__ == "__main__":
    main()
