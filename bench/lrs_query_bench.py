"""xAPI statement queries (GET /xapi/statements) on a store of tens of millions of statements, in PostgreSQL.

Usage:  .venv/bin/python bench/lrs_query_bench.py [--statements 10000000] [--keys 20] [--keep]
        .venv/bin/python bench/lrs_query_bench.py --statements 1000000          # quick

What it does, in one run:
  - drops and recreates the database bangkom_lrs_query_bench, migrates it, creates an instansi and a client
    key (lrs.services.client_create);
  - fills it inside PostgreSQL (generate_series, no Python per row, two connections in parallel) with
    statements as the LRS stores them: stored increasing over one year at millisecond precision, 200,000
    agents (half mbox, half account) of skewed activity, 10 verbs of skewed frequency, 5,000 module
    activities (skewed) in 50 courses (parent) and 5 programmes (grouping), a registration on half, ~400
    bytes of compact JSON each, ~2.7% StatementRef statements and 0.3% voiding statements (their targets
    voided); the lookup rows with the keys engine.xapi.agent_key / lookup give (actor direct, authority not
    direct; object direct, parent and grouping not direct). The lrs_* secondary indexes, unique and foreign
    key constraints are dropped for the load and rebuilt from their own definitions afterwards, then VACUUM
    ANALYZE; prints load and index times and table + index sizes;
  - times the real code path in-process (django.setup() on that database): lrs.statements.select + render
    (format exact) + the JSON answer, for each query shape over --keys keys: p50/p95/max ms;
  - the baseline in the same run: the same filters done naively on the statement table alone (JSON of the
    payload, ORDER BY stored DESC LIMIT 101), a few repetitions under a statement_timeout;
  - EXPLAIN (ANALYZE, BUFFERS) summary of the slowest query of the slowest shapes.
Prints figures; never asserts on time. Drops the database at the end unless --keep.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _pgdb import drop_db, recreate_db

DB_NAME = "bangkom_lrs_query_bench"
TABLES = ("lrs_statement", "lrs_statementagent", "lrs_statementactivity")
SITE = "https://lms.example.go.id/xapi"
ACCOUNT_HOME = "https://sso.example.go.id"
N_AGENTS = 200_000
N_MODULES = 5_000
N_COURSES = 50
N_PROGRAMMES = 5
START = dt.datetime(2025, 11, 30, tzinfo=dt.UTC)
REF_EVERY = 37  # every 37th statement is a StatementRef (2.7%)
VOID_EVERY = 331  # every 331st voids the one before it (0.3%)
# Verbs and their cumulative share (skewed: "experienced" 40%, "commented" 0.3%).
VERBS = [
    ("http://adlnet.gov/expapi/verbs/experienced", 0.40),
    ("http://adlnet.gov/expapi/verbs/attempted", 0.60),
    ("http://adlnet.gov/expapi/verbs/answered", 0.75),
    ("http://adlnet.gov/expapi/verbs/completed", 0.85),
    ("http://adlnet.gov/expapi/verbs/passed", 0.91),
    ("http://adlnet.gov/expapi/verbs/failed", 0.95),
    ("http://adlnet.gov/expapi/verbs/progressed", 0.975),
    ("http://adlnet.gov/expapi/verbs/launched", 0.99),
    ("http://adlnet.gov/expapi/verbs/terminated", 0.997),
    ("http://adlnet.gov/expapi/verbs/commented", 1.0),
]
VOIDED = "http://adlnet.gov/expapi/verbs/voided"


# -- the fill -----------------------------------------------------------------------------------------------

# Per statement g: agent a (skewed: power 2.5 of a uniform, agent 0 the heaviest), verb v, module m (skewed),
# registration flag. Seeded per chunk so that a run is reproducible.
_GEN = """
INSERT INTO qb_gen (g, a, v, m, reg)
SELECT g, floor({agents} * power(random(), 2.5))::int,
       width_bucket(random(), %(cum)s::float8[])::smallint,
       floor({modules} * power(random(), 2))::int, random() < 0.5
FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) AS g
"""

# Shared expressions: uuid(text) makes a version-4-shaped UUID from a md5 digest.
_FUNCS = """
CREATE OR REPLACE FUNCTION pg_temp.qb_uuid(t text) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
  SELECT (substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-8' || substr(h, 18, 3)
          || '-' || substr(h, 21, 12))::uuid FROM (SELECT md5(t) AS h) AS d $$;
CREATE OR REPLACE FUNCTION pg_temp.qb_akey(a int) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN a % 2 = 0 THEN 'mbox:mailto:learner' || a || '@example.go.id'
              ELSE 'account:{home}|' || (199001012020121000 + a) END $$;
CREATE OR REPLACE FUNCTION pg_temp.qb_actor(a int) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN a % 2 = 0
    THEN '{{"objectType":"Agent","name":"Pegawai ' || a || '","mbox":"mailto:learner' || a || '@example.go.id"}}'
    ELSE '{{"objectType":"Agent","name":"Pegawai ' || a || '","account":{{"homePage":"{home}","name":"'
         || (199001012020121000 + a) || '"}}}}' END $$;
"""

# The columns of statement g as the LRS stores them (stored at millisecond precision, increasing).
_ROW = """
SELECT g.g, g.a, g.m, mod(g.m, {courses}) AS c, mod(mod(g.m, {courses}), {programmes}) AS p,
       CASE WHEN mod(g.g, {void_every}) = 0 THEN {n_verbs} ELSE g.v END AS v,
       CASE WHEN mod(g.g, {void_every}) = 0 THEN g.g - 1
            WHEN mod(g.g, {ref_every}) = 0 THEN greatest(1, g.g - 1 - mod(g.g, 97)) END AS target,
       date_trunc('milliseconds', %(start)s::timestamptz + (g.g - 1) * %(step)s::interval) AS stored,
       CASE WHEN g.reg THEN pg_temp.qb_uuid('reg' || g.a || '/' || mod(g.m, {courses})) END AS reg
FROM qb_gen AS g WHERE g.g BETWEEN %(lo)s AND %(hi)s
"""

_INSERT_STATEMENTS = """
INSERT INTO lrs_statement (id, agency_id, client_id, statement_id, stored, "timestamp", verb, registration,
                           ref_target, voided, is_voiding, payload, attachment_hashes)
SELECT r.g, %(agency)s, %(client)s, pg_temp.qb_uuid('st' || r.g), r.stored, r.stored - interval '2 seconds',
       (%(verbs)s::text[])[r.v + 1], r.reg, CASE WHEN r.target IS NOT NULL THEN pg_temp.qb_uuid('st' || r.target) END,
       mod(r.g + 1, {void_every}) = 0, r.v = {n_verbs},
       '{{"id":"' || pg_temp.qb_uuid('st' || r.g) || '","actor":' || pg_temp.qb_actor(r.a)
       || ',"verb":{{"id":"' || (%(verbs)s::text[])[r.v + 1] || '","display":{{"en-US":"'
       || regexp_replace((%(verbs)s::text[])[r.v + 1], '.*/', '') || '"}}}},"object":'
       || CASE WHEN r.target IS NOT NULL
               THEN '{{"objectType":"StatementRef","id":"' || pg_temp.qb_uuid('st' || r.target) || '"}}'
               ELSE '{{"objectType":"Activity","id":"{site}/modul/' || r.m
                    || '","definition":{{"name":{{"id-ID":"Modul ' || r.m
                    || '"}},"type":"http://adlnet.gov/expapi/activities/module"}}}}' END
       || CASE WHEN r.v < 6 AND r.target IS NULL
               THEN ',"result":{{"score":{{"scaled":' || round(mod(r.g * 7919, 101) / 100.0, 2)
                    || '}},"success":' || (r.v <> 5) || ',"completion":true,"duration":"PT' || (mod(r.g, 50) + 1)
                    || 'M"}}' ELSE '' END
       || ',"context":{{' || CASE WHEN r.reg IS NOT NULL THEN '"registration":"' || r.reg || '",' ELSE '' END
       || '"contextActivities":{{"parent":[{{"objectType":"Activity","id":"{site}/kursus/' || r.c
       || '"}}],"grouping":[{{"objectType":"Activity","id":"{site}/program/' || r.p
       || '"}}]}},"platform":"LMS Bangkom","language":"id-ID"}}'
       || ',"timestamp":"' || to_char((r.stored - interval '2 seconds') AT TIME ZONE 'UTC',
                                      'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
       || '","stored":"' || to_char(r.stored AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
       || '","authority":' || %(authority)s::text || ',"version":"1.0.0"}}',
       ''
FROM ({row}) AS r
"""

_INSERT_AGENTS = """
INSERT INTO lrs_statementagent (statement_id, agency_id, agent, direct, stored)
SELECT r.g, %(agency)s, k.agent, k.direct, r.stored
FROM ({row}) AS r, LATERAL (VALUES (pg_temp.qb_akey(r.a), true), (%(authority_key)s, false)) AS k(agent, direct)
"""

_INSERT_ACTIVITIES = """
INSERT INTO lrs_statementactivity (statement_id, agency_id, activity, direct, stored)
SELECT r.g, %(agency)s, k.activity, k.direct, r.stored
FROM ({row}) AS r, LATERAL (VALUES ('{site}/modul/' || r.m, true), ('{site}/kursus/' || r.c, false),
                                   ('{site}/program/' || r.p, false)) AS k(activity, direct)
WHERE k.direct IS false OR r.target IS NULL
"""


def _sql(template: str) -> str:
    row = _ROW.format(
        courses=N_COURSES, programmes=N_PROGRAMMES, void_every=VOID_EVERY, ref_every=REF_EVERY, n_verbs=len(VERBS)
    )
    return template.format(row=row, void_every=VOID_EVERY, n_verbs=len(VERBS), site=SITE)


@dataclass
class Setup:
    url: str
    agency: int
    client: int
    client_key: str
    authority: str


def _schema(conn: Any) -> tuple[list[tuple[str, str, str]], list[str]]:
    """(table, constraint name, definition) of the unique and foreign-key constraints of the lrs statement
    tables, and the CREATE INDEX of every other index on them except the primary keys."""
    constraints = [
        (t, n, d)
        for t, n, d in conn.execute(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "WHERE c.conrelid::regclass::text = ANY(%s) AND c.contype IN ('u', 'f') ORDER BY c.contype DESC",
            [list(TABLES)],
        ).fetchall()
    ]
    indexes = [
        d
        for (d,) in conn.execute(
            "SELECT i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) ORDER BY i.indexname",
            [list(TABLES)],
        ).fetchall()
    ]
    return constraints, indexes


def fill(setup: Setup, n: int, workers: int) -> dict[str, float]:
    import psycopg

    times: dict[str, float] = {}
    with psycopg.connect(setup.url, autocommit=True) as conn:
        constraints, indexes = _schema(conn)
        for table, name, _ in constraints:
            conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for definition in indexes:
            name = re.search(r"INDEX (\S+) ON", definition)
            assert name is not None
            conn.execute(f"DROP INDEX {name.group(1)}")
        conn.execute("CREATE UNLOGGED TABLE qb_gen (g bigint, a int, v smallint, m int, reg boolean)")

    step = dt.timedelta(days=365) / n
    verbs = [v for v, _ in VERBS] + [VOIDED]
    cum = [c for _, c in VERBS[:-1]]
    chunk = 250_000
    ranges = [(lo, min(n, lo + chunk - 1)) for lo in range(1, n + 1, chunk)]
    base = {
        "agency": setup.agency,
        "client": setup.client,
        "start": START,
        "step": step,
        "verbs": verbs,
        "cum": cum,
        "authority": setup.authority,
        "authority_key": f"account:urn:bangkom:xapi-client|{setup.client_key}",
    }
    funcs = _FUNCS.format(home=ACCOUNT_HOME)
    gen = _GEN.format(agents=N_AGENTS, modules=N_MODULES)
    inserts = [_sql(_INSERT_STATEMENTS), _sql(_INSERT_AGENTS), _sql(_INSERT_ACTIVITIES)]

    def run(work: list[tuple[int, int]], seed: int) -> None:
        with psycopg.connect(setup.url, autocommit=True) as conn:
            conn.execute("SET synchronous_commit = off")
            conn.execute(funcs)
            for lo, hi in work:
                with conn.transaction():
                    conn.execute("SELECT setseed(%s)", [((lo * 7 + seed) % 1000) / 1000])
                    conn.execute(gen, {**base, "lo": lo, "hi": hi})
                    for sql in inserts:
                        conn.execute(sql, {**base, "lo": lo, "hi": hi})

    t0 = time.monotonic()
    threads = [threading.Thread(target=run, args=(ranges[w::workers], w)) for w in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    times["load"] = time.monotonic() - t0

    t0 = time.monotonic()
    with psycopg.connect(setup.url, autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '1GB'")
        conn.execute("SELECT setval(pg_get_serial_sequence('lrs_statement', 'id'), %s)", [n])
        for definition in indexes:
            conn.execute(definition)
        times["indexes"] = time.monotonic() - t0
        t0 = time.monotonic()
        for table, name, definition in constraints:
            conn.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        times["constraints"] = time.monotonic() - t0
        t0 = time.monotonic()
        for table in TABLES:
            conn.execute(f"VACUUM (ANALYZE) {table}")
        times["vacuum analyze"] = time.monotonic() - t0
    return times


def print_sizes(url: str) -> None:
    import psycopg

    with psycopg.connect(url) as conn:
        total_t = total_i = 0
        for table in TABLES:
            rows, heap, idx = conn.execute(
                "SELECT c.reltuples::bigint, pg_table_size(c.oid), pg_indexes_size(c.oid) FROM pg_class c "
                "WHERE c.relname = %s",
                [table],
            ).fetchone() or (0, 0, 0)
            total_t, total_i = total_t + heap, total_i + idx
            print(f"  {table:24} {rows:>12,} rows  table {heap / 2**30:6.2f} GB  indexes {idx / 2**30:6.2f} GB")
            for name, size in conn.execute(
                "SELECT i.relname, pg_relation_size(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                "JOIN pg_class t ON t.oid = x.indrelid WHERE t.relname = %s ORDER BY i.relname",
                [table],
            ).fetchall():
                print(f"      {name:40} {size / 2**20:9,.0f} MB")
        print(f"  total: tables {total_t / 2**30:.2f} GB, indexes {total_i / 2**30:.2f} GB")


# -- the queries --------------------------------------------------------------------------------------------


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _agent_key(a: int) -> str:
    return f"mbox:mailto:learner{a}@example.go.id" if a % 2 == 0 else f"account:{ACCOUNT_HOME}|{199001012020121000 + a}"


def _mbox(a: int) -> tuple[str, str]:
    """The naive filter on the payload's actor: (JSON key, value)."""
    return ("mbox", f"mailto:learner{a}@example.go.id") if a % 2 == 0 else ("account", "")


@dataclass
class Keys:
    light: list[int]
    median: list[int]
    heavy: list[int]
    modules: list[int]
    courses: list[int]
    registrations: list[str]
    last: dt.datetime
    counts: dict[int, int]


def pick_keys(url: str, k: int, rng: random.Random) -> Keys:
    import psycopg

    with psycopg.connect(url) as conn:
        if conn.execute("SELECT to_regclass('qb_gen')").fetchone() != (None,):
            # Statements per agent (actor), kept for --reuse; the generator table goes.
            conn.execute("CREATE TABLE qb_counts AS SELECT a, count(*) AS n FROM qb_gen GROUP BY a")
            conn.execute("DROP TABLE qb_gen")
            conn.commit()
        counts = dict(conn.execute("SELECT a, n FROM qb_counts").fetchall())
        modules = list(range(N_MODULES))
        regs = [
            str(r)
            for (r,) in conn.execute(
                "SELECT registration FROM lrs_statement TABLESAMPLE SYSTEM (1) "
                "WHERE registration IS NOT NULL LIMIT 2000"
            ).fetchall()
        ]
        last = conn.execute("SELECT max(stored) FROM lrs_statement").fetchone()
    by_count = sorted(counts, key=lambda a: counts[a])
    light = by_count[: max(k, len(by_count) // 100)]  # the 1% least active
    mid = len(by_count) // 2
    median = by_count[max(0, mid - 200) : mid + 200]
    return Keys(
        light=rng.sample(light, min(k, len(light))),
        median=rng.sample(median, min(k, len(median))),
        heavy=by_count[-k:],
        modules=rng.sample(modules, min(k, len(modules))),
        courses=rng.sample(range(N_COURSES), min(k, N_COURSES)),
        registrations=rng.sample(regs, min(k, len(regs))),
        last=last[0] if last else START,
        counts=counts,
    )


@dataclass
class Shape:
    name: str
    queries: list[dict[str, Any]]
    pages: int = 1


def shapes(keys: Keys, k: int, rng: random.Random) -> list[Shape]:
    common = [v for v, _ in VERBS[:3]]
    rare = [v for v, _ in VERBS[-2:]]

    def cycle(values: list[Any]) -> list[Any]:
        return [values[i % len(values)] for i in range(k)]

    year = 365 * 24 * 3600
    return [
        Shape("agent, light (1% least active)", [{"agent": _agent_key(a)} for a in keys.light]),
        Shape("agent, median", [{"agent": _agent_key(a)} for a in keys.median]),
        Shape("agent, heaviest 20", [{"agent": _agent_key(a)} for a in keys.heavy]),
        Shape("verb, common (top 3)", [{"verb": v} for v in cycle(common)]),
        Shape("verb, rare (0.3-0.7%)", [{"verb": v} for v in cycle(rare)]),
        Shape("activity (module, object)", [{"activity": f"{SITE}/modul/{m}"} for m in keys.modules]),
        Shape(
            "activity + related_activities (course)",
            [{"activity": f"{SITE}/kursus/{c}", "related_activities": True} for c in keys.courses],
        ),
        Shape("registration", [{"registration": r} for r in keys.registrations]),
        Shape("since last hour", [{"since": keys.last - dt.timedelta(hours=1, seconds=i)} for i in range(k)]),
        Shape("since last day", [{"since": keys.last - dt.timedelta(days=1, seconds=i)} for i in range(k)]),
        Shape(
            "until (random moment)",
            [{"until": START + dt.timedelta(seconds=rng.randrange(3600, year))} for _ in range(k)],
        ),
        Shape(
            "agent (median) + verb (common)",
            [{"agent": _agent_key(a), "verb": v} for a, v in zip(keys.median, cycle(common), strict=False)],
        ),
        Shape(
            "agent (heavy) + verb (rare)",
            [{"agent": _agent_key(a), "verb": v} for a, v in zip(keys.heavy, cycle(rare), strict=False)],
        ),
        Shape(
            "verb (common) + activity (module)",
            [{"verb": v, "activity": f"{SITE}/modul/{m}"} for v, m in zip(cycle(common), keys.modules, strict=False)],
        ),
        Shape("ascending, agent (heavy)", [{"agent": _agent_key(a), "ascending": True} for a in keys.heavy]),
        Shape("ascending, verb (common)", [{"verb": v, "ascending": True} for v in cycle(common)]),
        Shape("more: 5th page, agent (heavy)", [{"agent": _agent_key(a)} for a in keys.heavy], pages=5),
        Shape("more: 5th page, verb (common)", [{"verb": v} for v in cycle(common)], pages=5),
        Shape(
            "more: 5th page, course + related",
            [{"activity": f"{SITE}/kursus/{c}", "related_activities": True} for c in keys.courses],
            pages=5,
        ),
    ]


@dataclass
class Result:
    name: str
    times: list[float]
    rows: int
    slowest_sql: list[str]


def time_shape(agency: int, shape: Shape) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bangkom.lrs import statements as st

    times: list[float] = []
    rows = 0
    slowest: tuple[float, list[str]] = (-1.0, [])
    for params in shape.queries:
        query = st.Query(**params)
        for page in range(shape.pages):
            with CaptureQueriesContext(connection) as captured:
                t0 = time.perf_counter()
                found, more = st.select(agency, query)
                body = st.dumps({"statements": st.render(found, "exact", agency, []), "more": "x" if more else ""})
                elapsed = (time.perf_counter() - t0) * 1000
            if page == shape.pages - 1:
                times.append(elapsed)
                rows += len(found)
                if elapsed > slowest[0]:
                    slowest = (elapsed, [q["sql"] for q in captured.captured_queries])
            if not more or not found:
                break
            query.after = (found[-1].stored, found[-1].pk)
        assert body
    return Result(shape.name, times, rows, slowest[1])


def explain(url: str, sqls: list[str]) -> None:
    import psycopg

    with psycopg.connect(url) as conn:
        for sql in sqls:
            plan = conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql).fetchall()
            print("      " + sql[:160].replace("\n", " ") + ("..." if len(sql) > 160 else ""))
            for (line,) in plan:
                stripped = line.strip()
                if "->" in line or stripped.startswith(("Limit", "Sort", "Execution", "Planning Time", "Result")):
                    if "Buffers" in stripped or "Worker" in stripped:
                        continue
                    print("        " + line[:150])


def naive(url: str, agency: int, keys: Keys, reps: int, timeout_s: int) -> list[tuple[str, list[float | None]]]:
    """The same filters on the statement table alone, reading the payload's JSON."""
    import psycopg

    light_mbox = next(a for a in keys.light if a % 2 == 0)
    heavy_mbox = next(a for a in keys.heavy[::-1] if a % 2 == 0)
    base = "SELECT id, stored, payload FROM lrs_statement WHERE agency_id = %s AND NOT voided AND "
    tail = " ORDER BY stored DESC, id DESC LIMIT 101"
    cases: list[tuple[str, str, Any]] = [
        ("agent, light (mbox in payload)", "payload::jsonb -> 'actor' ->> 'mbox' = %s", _mbox(light_mbox)[1]),
        ("agent, heaviest (mbox in payload)", "payload::jsonb -> 'actor' ->> 'mbox' = %s", _mbox(heavy_mbox)[1]),
        ("verb, common", "payload::jsonb -> 'verb' ->> 'id' = %s", VERBS[0][0]),
        ("verb, rare", "payload::jsonb -> 'verb' ->> 'id' = %s", VERBS[-1][0]),
        ("activity (module)", "payload::jsonb -> 'object' ->> 'id' = %s", f"{SITE}/modul/{keys.modules[0]}"),
        (
            "activity + related (course)",
            "payload::jsonb -> 'context' -> 'contextActivities' -> 'parent' @> %s::jsonb",
            f'[{{"id": "{SITE}/kursus/{keys.courses[0]}"}}]',
        ),
        ("registration", "payload::jsonb -> 'context' ->> 'registration' = %s", keys.registrations[0]),
    ]
    out: list[tuple[str, list[float | None]]] = []
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"SET statement_timeout = '{timeout_s}s'")
        for name, cond, value in cases:
            times: list[float | None] = []
            for _ in range(reps):
                t0 = time.perf_counter()
                try:
                    conn.execute(base + cond + tail, [agency, value]).fetchall()
                    times.append((time.perf_counter() - t0) * 1000)
                except psycopg.errors.QueryCanceled:
                    times.append(None)
            out.append((name, times))
            print(f"  naive {name:40} " + "  ".join("timeout" if t is None else f"{t:,.0f} ms" for t in times))
    return out


# -- main ---------------------------------------------------------------------------------------------------


def _wait_for_other_benches() -> None:
    while True:
        found = subprocess.run(["pgrep", "-f", "lrs_ingest_bench"], capture_output=True, text=True, check=False)  # noqa: S607
        if not found.stdout.strip():
            return
        print("lrs_ingest_bench is running; waiting 30 s", flush=True)
        time.sleep(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--statements", type=int, default=10_000_000)
    parser.add_argument("--keys", type=int, default=20, help="keys (queries) per query shape")
    parser.add_argument("--workers", type=int, default=2, help="connections filling in parallel")
    parser.add_argument("--naive-reps", type=int, default=2)
    parser.add_argument("--naive-timeout", type=int, default=60, help="statement_timeout of the baseline, s")
    parser.add_argument("--explain", type=int, default=4, help="EXPLAIN ANALYZE the N slowest shapes")
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--keep", action="store_true", help="keep the database and print its URL")
    parser.add_argument("--reuse", action="store_true", help="query a database kept by --keep (no fill)")
    args = parser.parse_args()
    rng = random.Random(7)

    _wait_for_other_benches()
    url = args.pg.rsplit("/", 1)[0] + "/" + DB_NAME
    work = Path(tempfile.mkdtemp(prefix="bangkom-lrs-query-bench-"))
    os.environ.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "bangkom.config.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "BANGKOM_VAR_DIR": str(work),
        }
    )
    if not args.reuse:
        recreate_db(args.pg, DB_NAME)
    # With --reuse, applies the migrations added since (new indexes) to the kept database.
    bangkom = Path(sys.executable).parent / "bangkom"
    subprocess.run([str(bangkom), "migrate", "--no-input"], check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    import django

    django.setup()
    import json

    from django.db import connections

    from bangkom.lrs.models import Client
    from bangkom.lrs.services import client_create
    from bangkom.lrs.statements import authority_of
    from bangkom.org.models import Agency

    if args.reuse:
        client = Client.objects.get(name="LMS query bench")
    else:
        agency = Agency.objects.create(code="LRS-QUERY-BENCH", name="Instansi Uji Kueri LRS", kind="lembaga")
        client, _secret = client_create(actor=None, agency=agency, name="LMS query bench")
    connections.close_all()
    setup = Setup(url, client.agency_id, client.pk, client.key, json.dumps(authority_of(client), separators=(",", ":")))
    try:
        if not args.reuse:
            t0 = time.monotonic()
            times = fill(setup, args.statements, args.workers)
            print(
                f"filled {args.statements:,} statements in {time.monotonic() - t0:.0f} s: "
                + ", ".join(f"{k} {v:.0f} s" for k, v in times.items())
            )
            print_sizes(url)
        keys = pick_keys(url, args.keys, rng)
        heavy = keys.counts[keys.heavy[-1]] if keys.counts else 0
        print(
            f"agents with statements {len(keys.counts):,}; heaviest {heavy:,} statements; median agents "
            f"{statistics.median(keys.counts[a] for a in keys.median) if keys.counts else 0:,.0f}"
        )
        results = []
        print(f"\nbangkom: lrs.statements.select + render (exact) + JSON, {args.keys} keys per shape, warm")
        print(f"  {'shape':42} {'p50':>9} {'p95':>9} {'max':>9} {'rows':>7}")
        for shape in shapes(keys, args.keys, rng):
            time_shape(client.agency_id, Shape(shape.name, shape.queries[:2], shape.pages))  # warm-up
            result = time_shape(client.agency_id, shape)
            results.append(result)
            print(
                f"  {result.name:42} {_pct(result.times, 0.5):7.1f}ms {_pct(result.times, 0.95):7.1f}ms "
                f"{max(result.times):7.1f}ms {result.rows / len(result.times):7.0f}",
                flush=True,
            )
        connections.close_all()
        print(
            "\nbaseline: the same filters on lrs_statement alone (payload JSON), "
            f"statement_timeout {args.naive_timeout} s"
        )
        naive(url, client.agency_id, keys, args.naive_reps, args.naive_timeout)
        print("\nEXPLAIN (ANALYZE, BUFFERS) of the slowest query of the slowest shapes:")
        for result in sorted(results, key=lambda r: -_pct(r.times, 0.95))[: args.explain]:
            print(f"  {result.name} (p95 {_pct(result.times, 0.95):.1f} ms)")
            explain(url, result.slowest_sql)
    finally:
        connections.close_all()
        if args.keep:
            print(f"kept: {url}")
        else:
            drop_db(args.pg, DB_NAME)


if __name__ == "__main__":
    main()
