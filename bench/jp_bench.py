"""Yearly JP ledger and unit compliance of one instansi of 250,000 pegawai, end to end from PostgreSQL.

Measured in one run, on a throw-away PostgreSQL database seeded with COPY into the real tables after `migrate`
(check constraints enforced; the records' indexes rebuilt after the load and foreign keys checked once in bulk
instead of row by row), then VACUUM ANALYZEd:
  bangkom: learning.ledger.load_year_ledger (pegawai and per-pegawai record sums packed by the database,
  ledger, 70-20-10 mix and forecast by engine/hours) plus engine.hours.unit_compliance for every unit kerja;
  baseline: one SQL GROUP BY computing only the verified totals of the year per pegawai, fetched to Python.
Each is run once to warm the cache, then --repeat times interleaved; medians and their ratio are printed with
the target (under 5 s and within 3x of the GROUP BY). Outside the timing, the ledger totals are checked
against the GROUP BY for every pegawai. Prints figures; never asserts on time.

    python bench/jp_bench.py [--employees 250000] [--records 2500000] [--units 300] [--repeat 5]
                             [--pg postgres://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time
import uuid
from collections.abc import Iterator
from typing import Any

import numpy as np

YEAR = 2026
TODAY = dt.date(2026, 9, 30)
TARGET_SECONDS = 5.0
TARGET_RATIO = 3.0
# SIASN forms 1-25, weighted as agencies report them: e-learning, seminars, workshops and technical
# guidance dominate; secondment and civil servant exchange are rare.
FORM_WEIGHTS = np.array(
    [1, 3, 8, 8, 2, 1, 6, 7, 9, 1, 3, 1, 3, 3, 3, 12, 4, 0.2, 0.5, 0.5, 0.1, 5, 3, 4, 2], dtype=np.float64
)
JP_CHOICES = np.array([100, 200, 300, 400, 600, 800, 1000, 1600, 2400, 3200, 4000, 4500, 7200], dtype=np.int64)
JP_WEIGHTS = np.array([6, 14, 8, 12, 6, 14, 6, 10, 8, 6, 5, 3, 2], dtype=np.float64)
TITLES = [
    "Pelatihan Teknis Pengelolaan Keuangan",
    "Bimtek Penyusunan SKP",
    "Seminar Reformasi Birokrasi",
    "Workshop Analisis Jabatan",
    "E-Learning Literasi Digital",
    "Sosialisasi Manajemen Risiko",
    "Kursus Bahasa Inggris",
    "Coaching Kinerja",
    "Mentoring Pegawai Baru",
    "Belajar Mandiri Kebijakan Publik",
    "Pelatihan Kepemimpinan Pengawas",
    "Pelatihan Jarak Jauh Pengadaan Barang/Jasa",
]
PROVIDERS = ["BPSDM Provinsi", "LAN RI", "Pusdiklat Kementerian", "BKN", "Internal", "Universitas Negeri"]


def _create_db(admin_url: str) -> tuple[str, str]:
    import psycopg

    name = f"bangkom_bench_jp_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    base = admin_url.rsplit("/", 1)[0]
    return name, f"{base}/{name}"


def _drop_db(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _dates(days: np.ndarray) -> list[str]:
    return np.datetime_as_string(np.datetime64("1970-01-01") + days.astype("timedelta64[D]"), unit="D").tolist()


def seed(n_emp: int, n_rec: int, n_units: int, seed_value: int = 2026) -> int:
    """One instansi, its unit tree, positions, pegawai and learning records, COPYed into the real tables.

    Returns the instansi's id. Ids are assigned here (fresh database) and the sequences moved past them.
    """
    from django.db import connection, transaction

    from bangkom.org.models import Agency

    rng = np.random.default_rng(seed_value)
    agency = Agency.objects.create(code="KEM-JP", name="Kementerian Bench JP", kind="kementerian")
    # Unit kerja: a sekretariat and a few eselon I units, the rest below them; sizes vary a lot.
    unit_ids = np.arange(1, n_units + 1)
    parent = np.where(unit_ids == 1, 0, np.where(unit_ids <= 11, 1, rng.integers(2, 12, n_units)))
    unit_buf = "".join(
        f"{u}\t{agency.pk}\tU{u:04d}\tUnit Kerja {u}\t{p if p else chr(92) + 'N'}\n"
        for u, p in zip(unit_ids.tolist(), parent.tolist(), strict=True)
    )
    # Jabatan: a few per unit, each in one unit kerja.
    pos_unit = np.repeat(unit_ids, 4)
    kinds = ["administrator", "pengawas", "pelaksana", "fungsional"]
    pos_buf = "".join(
        f"{p + 1}\t{agency.pk}\tJ{p + 1:05d}\tJabatan {p + 1}\t{kinds[p % 4]}\t{u}\t"
        f"{'ahli_muda' if p % 4 == 3 else ''}\n"
        for p, u in enumerate(pos_unit.tolist())
    )
    # Pegawai: unit sizes log-normal (a few large units, many small), position within the unit,
    # 84% PNS, 4% CPNS, 12% PPPK, a supervisor tree of span 8.
    weights = rng.lognormal(0, 1, n_units)
    emp_unit = rng.choice(unit_ids, size=n_emp, p=weights / weights.sum())
    emp_pos = (emp_unit - 1) * 4 + rng.integers(1, 5, n_emp)
    etype = rng.choice(np.array(["pns", "cpns", "pppk"]), size=n_emp, p=[0.84, 0.04, 0.12])
    emp_ids = np.arange(1, n_emp + 1)
    sup = (emp_ids - 2) // 8 + 1
    emp_buf = "".join(
        f"{i}\t{199001012015011000 + i}\tPegawai {i}\t{agency.pk}\t{u}\t{p}\t{t}\t"
        f"{s if i > 1 else chr(92) + 'N'}\t\n"
        for i, u, p, t, s in zip(
            emp_ids.tolist(), emp_unit.tolist(), emp_pos.tolist(), etype.tolist(), sup.tolist(), strict=True
        )
    )
    # Learning records, ending over 2025-2026; most last a day to a week, some up to four months (so some
    # start in the previous year). Past activities mostly verified, some submitted, rejected or still planned;
    # those ending after today are planned. JP: usual certificate values, a fifth with hundredths.
    rec_emp = np.sort(rng.integers(1, n_emp + 1, n_rec))
    first = (dt.date(2025, 1, 1) - dt.date(1970, 1, 1)).days
    last = (dt.date(2026, 12, 31) - dt.date(1970, 1, 1)).days
    end = rng.integers(first, last + 1, n_rec)
    long = rng.random(n_rec) < 0.05
    duration = np.where(long, rng.integers(20, 120, n_rec), rng.integers(0, 7, n_rec))
    start = end - duration
    status = rng.choice(
        np.array(["verified", "submitted", "rejected", "planned"]), size=n_rec, p=[0.86, 0.07, 0.03, 0.04]
    )
    status[end > (TODAY - dt.date(1970, 1, 1)).days] = "planned"
    form = rng.choice(np.arange(1, 26), size=n_rec, p=FORM_WEIGHTS / FORM_WEIGHTS.sum())
    jp = rng.choice(JP_CHOICES, size=n_rec, p=JP_WEIGHTS / JP_WEIGHTS.sum())
    odd = rng.random(n_rec) < 0.2
    jp = np.where(odd, jp + rng.integers(1, 100, n_rec), jp)
    title = rng.integers(0, len(TITLES), n_rec)
    provider = rng.integers(0, len(PROVIDERS), n_rec)

    def record_chunks(size: int = 250_000) -> Iterator[bytes]:
        """COPY text in slices, so that the server parses one while Python formats the next."""
        for lo in range(0, n_rec, size):
            sl = slice(lo, lo + size)
            yield "".join(
                f"{e}\t{TITLES[t]} {k}\t{s}\t{d}\t{f}\t{PROVIDERS[p]}\t{j // 100}.{j % 100:02d}\tSERT/{k}\t{st}\n"
                for k, e, t, s, d, f, p, j, st in zip(
                    range(lo, lo + size),
                    rec_emp[sl].tolist(),
                    title[sl].tolist(),
                    _dates(start[sl]),
                    _dates(end[sl]),
                    form[sl].tolist(),
                    provider[sl].tolist(),
                    jp[sl].tolist(),
                    status[sl].tolist(),
                    strict=False,
                )
            ).encode()

    with transaction.atomic(), connection.cursor() as django_cursor:
        cur: Any = django_cursor.cursor  # psycopg's own cursor, for COPY
        # One transaction. Foreign keys are not checked row by row (replica role: their triggers do not fire;
        # the ids are consistent by construction and checked below), and the records' indexes are dropped and
        # rebuilt in bulk: 60 s -> about 20 s for the default size. Check constraints stay on.
        cur.execute("SET LOCAL session_replication_role = replica")
        cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'learning_learningrecord'::regclass AND contype = 'u'"
        )
        constraints = cur.fetchall()
        cur.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = 'learning_learningrecord'::regclass AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
        )
        indexes = cur.fetchall()
        for con, _ in constraints:
            cur.execute(f"ALTER TABLE learning_learningrecord DROP CONSTRAINT {con}")
        for index, _ in indexes:
            cur.execute(f"DROP INDEX {index}")
        for table, columns, chunks in (
            ("org_unit", "id, agency_id, code, name, parent_id", [unit_buf.encode()]),
            ("org_position", "id, agency_id, code, name, kind, unit_id, functional_level", [pos_buf.encode()]),
            (
                "org_employee",
                "id, nip, name, agency_id, unit_id, position_id, employment_type, supervisor_id, email",
                [emp_buf.encode()],
            ),
            (
                "learning_learningrecord",
                "employee_id, title, start_date, end_date, form_id, provider, jp, certificate_no, status",
                record_chunks(),
            ),
        ):
            with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as cp:
                for chunk in chunks:
                    cp.write(chunk)
        for _, definition in indexes:
            cur.execute(definition)
        for con, definition in constraints:
            cur.execute(f"ALTER TABLE learning_learningrecord ADD CONSTRAINT {con} {definition}")
        for table in ("org_unit", "org_position", "org_employee"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        cur.execute(
            "SELECT (SELECT count(*) FROM learning_learningrecord r LEFT JOIN org_employee e "
            "ON e.id = r.employee_id WHERE e.id IS NULL) + (SELECT count(*) FROM learning_learningrecord r "
            "LEFT JOIN learning_developmentform f ON f.id = r.form_id WHERE f.id IS NULL) + (SELECT count(*) "
            "FROM org_employee e LEFT JOIN org_position p ON p.id = e.position_id "
            "LEFT JOIN org_unit u ON u.id = e.unit_id WHERE p.id IS NULL OR u.id IS NULL)"
        )
        orphans = cur.fetchone()[0]
        if orphans:
            raise SystemExit(f"seed: {orphans} rows without their foreign key")
    with connection.cursor() as cur:
        # Fresh statistics and visibility map, as autovacuum gives a live database (and so that autovacuum does
        # not start on these tables in the middle of the timed runs).
        cur.execute("VACUUM (ANALYZE)")
    return int(agency.pk)


def run_bangkom(agency: Any, year: int, today: dt.date) -> tuple[Any, Any]:
    """What a compliance report does: the ledger of the whole instansi, then the counts per unit kerja."""
    from bangkom.engine.hours import unit_compliance
    from bangkom.learning.ledger import load_year_ledger

    ledger = load_year_ledger(agency, year, today)
    units, index = np.unique(ledger.unit_ids, return_inverse=True)
    return ledger, unit_compliance(index, len(units), ledger.ledger, ledger.forecast, ledger.mix)


BASELINE_SQL = """
    SELECT r.employee_id, SUM(r.jp) FROM learning_learningrecord r JOIN org_employee e ON e.id = r.employee_id
    WHERE e.agency_id = %s AND r.status = 'verified' AND r.end_date BETWEEN %s AND %s
    GROUP BY r.employee_id"""


def run_sql(agency_id: int, year: int) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(BASELINE_SQL, [agency_id, dt.date(year, 1, 1), dt.date(year, 12, 31)])
        return cur.fetchall()


def disagreements(ledger: Any, rows: list[tuple[Any, ...]]) -> int:
    """Pegawai whose ledger total differs from the GROUP BY (absent from it means 0)."""
    expected = np.zeros(len(ledger.employee_ids), dtype=np.int64)
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    at = np.searchsorted(ledger.employee_ids, ids)
    if len(ids) and (at.max() >= len(ledger.employee_ids) or (ledger.employee_ids[at] != ids).any()):
        return -1
    expected[at] = [int(r[1] * 100) for r in rows]
    return int((expected != ledger.ledger.total).sum())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--employees", type=int, default=250_000)
    parser.add_argument("--records", type=int, default=2_500_000)
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--pg", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    args = parser.parse_args()

    name, url = _create_db(args.pg)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bangkom.config.settings.local"
    try:
        import django

        django.setup()
        from django.core.management import call_command

        from bangkom.learning.models import LearningRecord
        from bangkom.org.models import Agency

        call_command("migrate", verbosity=0)
        t0 = time.perf_counter()
        agency_id = seed(args.employees, args.records, args.units)
        t_seed = time.perf_counter() - t0
        agency = Agency.objects.get(pk=agency_id)
        in_year = LearningRecord.objects.filter(end_date__year=YEAR).count()
        print(
            f"data: 1 instansi, {args.units} unit kerja, {args.employees} pegawai, {args.records} learning "
            f"records ({in_year} ending in {YEAR}); seeded (COPY, index rebuild, VACUUM ANALYZE) in {t_seed:.1f} s"
        )

        run_bangkom(agency, YEAR, TODAY)  # warm the cache (and the first query's planning)
        run_sql(agency_id, YEAR)
        ours, base = [], []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            ledger, units = run_bangkom(agency, YEAR, TODAY)
            ours.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            rows = run_sql(agency_id, YEAR)
            base.append(time.perf_counter() - t0)

        bad = disagreements(ledger, rows)
        short = int(units.short.sum())
        print(
            f"ledger {YEAR} as of {TODAY}: {len(ledger.employee_ids)} pegawai, {len(units.total)} units, "
            f"{short} below the minimum now, {int(units.forecast_short.sum())} forecast below at year end, "
            f"{int(units.over_maximum.sum())} PPPK above the maximum"
        )
        print(
            f"check: totals of all {len(ledger.employee_ids)} pegawai against the GROUP BY "
            f"({len(rows)} with verified records): "
            + ("all equal" if bad == 0 else f"{bad} DISAGREE" if bad > 0 else "unknown pegawai in GROUP BY")
        )
        t_ours, t_sql = statistics.median(ours), statistics.median(base)
        ratio = t_ours / t_sql
        print(
            f"bangkom ledger + mix + forecast + unit compliance, end to end: median {t_ours:.2f} s "
            f"(runs {', '.join(f'{t:.2f}' for t in ours)})"
        )
        print(
            f"single SQL GROUP BY (verified totals only): median {t_sql:.2f} s "
            f"(runs {', '.join(f'{t:.2f}' for t in base)})"
        )
        met = t_ours < TARGET_SECONDS and ratio <= TARGET_RATIO
        print(
            f"ratio bangkom/SQL {ratio:.2f}x; target under {TARGET_SECONDS:.0f} s and within "
            f"{TARGET_RATIO:.0f}x: {'met' if met else 'NOT met'}"
        )
        print(f"date: {dt.date.today().isoformat()}")  # noqa: DTZ011
    finally:
        from django.db import connections

        connections.close_all()
        _drop_db(args.pg, name)


if __name__ == "__main__":
    main()
