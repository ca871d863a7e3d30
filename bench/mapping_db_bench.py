"""Gap + JPM for one instansi of 250,000 pegawai, end to end from PostgreSQL, and the profile page latency.

Measured in one run, on a throw-away PostgreSQL database filled through the real import:
  bangkom: bulk load (competency.loading.load_mapping) + engine (line gaps, JPM, categories), end to end;
  baseline: one SQL statement computing the same per-pegawai sums in PostgreSQL (DISTINCT ON for the latest
  assessment, join to the SKJ, GROUP BY), fetched to Python; both results are checked to agree.
  profile page: GET /pegawai/<id>/ for random pegawai as the instansi's admin, p50/p95 in ms, next to the
  login page (no data) in the same run.
Prints figures; never asserts on time.

    python bench/mapping_db_bench.py [--employees 250000] [--pg postgres://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path


def _create_db(admin_url: str) -> tuple[str, str]:
    import psycopg

    name = f"bangkom_bench_map_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    base = admin_url.rsplit("/", 1)[0]
    return name, f"{base}/{name}"


def _drop_db(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, round(q * (len(values) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--employees", type=int, default=250_000)
    parser.add_argument(
        "--pg", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    name, url = _create_db(args.pg)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bangkom.config.settings.local"
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    try:
        import django

        django.setup()
        import numpy as np
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        from bangkom.accounts.models import Role, RoleAssignment, User
        from bangkom.competency.loading import load_mapping
        from bangkom.demodata.generator import generate, write_contract_files
        from bangkom.engine.gaps import jpm_by_employee, line_gaps
        from bangkom.interchange.importer import run_import
        from bangkom.org.models import Agency, Employee

        call_command("migrate", verbosity=0)
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            write_contract_files(
                generate(args.employees, 1, seed=4242, today=dt.date(2026, 6, 30)), Path(tmp)
            )
            t_gen = time.perf_counter() - t0
            t0 = time.perf_counter()
            result = run_import(Path(tmp))
            t_import = time.perf_counter() - t0
        if not result.ok:
            sys.exit("import refused:\n" + "\n".join(result.error_lines()[:20]))
        agency = Agency.objects.get()
        with connection.cursor() as cur:
            cur.execute("ANALYZE")  # fresh statistics, as autovacuum would give a live database
        n_ass = result.counts.get("assessments", {}).get("created", 0)
        print(
            f"data: {args.employees} pegawai, {n_ass} assessments "
            + f"(generated {t_gen:.1f} s, imported {t_import:.1f} s)"
        )

        # bangkom: bulk load + engine, end to end.
        t0 = time.perf_counter()
        data = load_mapping(agency_ids=[agency.pk])
        t_load = time.perf_counter() - t0
        t1 = time.perf_counter()
        gaps = line_gaps(data.line_required, data.line_assessed)
        jpm = jpm_by_employee(data.line_employee, data.line_required, data.line_assessed, data.n_employees)
        t_engine = time.perf_counter() - t1
        t_ours = time.perf_counter() - t0

        # Baseline: the same sums in one SQL statement.
        sql = """
            WITH latest AS (
              SELECT DISTINCT ON (a.employee_id, a.competency_id) a.employee_id, a.competency_id, a.level
              FROM competency_assessment a JOIN org_employee e ON e.id = a.employee_id
              WHERE e.agency_id = %s
              ORDER BY a.employee_id, a.competency_id, a.assessed_on DESC)
            SELECT e.id, sum(r.required_level), coalesce(sum(l.level), 0), count(*) - count(l.level)
            FROM org_employee e
            JOIN competency_requirement r ON r.position_id = e.position_id
            LEFT JOIN latest l ON l.employee_id = e.id AND l.competency_id = r.competency_id
            WHERE e.agency_id = %s GROUP BY e.id"""
        t0 = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute(sql, [agency.pk, agency.pk])
            rows = cur.fetchall()
        t_sql = time.perf_counter() - t0

        # Agreement: per pegawai sums of required/assessed and unassessed counts.
        index = {int(e): i for i, e in enumerate(data.employee_ids)}
        req = np.bincount(data.line_employee, weights=data.line_required, minlength=data.n_employees)
        ass = np.bincount(data.line_employee, weights=data.line_assessed, minlength=data.n_employees)
        miss = np.bincount(data.line_employee, weights=data.line_assessed == 0, minlength=data.n_employees)
        mismatches = sum(
            1 for e, r, a, m in rows if (req[index[e]], ass[index[e]], miss[index[e]]) != (r, a, m)
        )
        print(
            f"lines: {len(data.line_employee)}; gaps computed: {int((gaps >= 0).sum())}; "
            f"pegawai with JPM: {int((jpm.jpm_hundredths >= 0).sum())}; disagreements with SQL: {mismatches}"
        )
        print(f"bangkom gap+JPM end to end: {t_ours:.2f} s (load {t_load:.2f} s + engine {t_engine:.3f} s)")
        print(
            f"single SQL GROUP BY (same sums, no categories): {t_sql:.2f} s; "
            + f"ratio bangkom/SQL {t_ours / t_sql:.2f}"
        )

        # Profile page latency.
        admin = User.objects.create(username="bench-admin")
        RoleAssignment.objects.create(user=admin, role=Role.ADMIN_INSTANSI, agency=agency)
        client = Client()
        client.force_login(admin)
        ids = list(Employee.objects.values_list("id", flat=True)[:50000])
        rng = random.Random(1)
        page_ms, login_ms = [], []
        for _ in range(args.requests):
            pk = rng.choice(ids)
            t0 = time.perf_counter()
            resp = client.get(f"/pegawai/{pk}/")
            page_ms.append((time.perf_counter() - t0) * 1000)
            assert resp.status_code == 200
            t0 = time.perf_counter()
            Client().get("/masuk/")
            login_ms.append((time.perf_counter() - t0) * 1000)
        print(
            f"profile page /pegawai/<id>/ ({args.requests} requests): "
            + f"p50 {statistics.median(page_ms):.1f} ms, "
            f"p95 {_pct(page_ms, 0.95):.1f} ms; login page p50 {statistics.median(login_ms):.1f} ms, "
            f"p95 {_pct(login_ms, 0.95):.1f} ms"
        )
        print(f"date: {dt.date.today().isoformat()}")  # noqa: DTZ011
    finally:
        from django.db import connections

        connections.close_all()
        _drop_db(args.pg, name)


if __name__ == "__main__":
    main()
