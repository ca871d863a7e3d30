"""National competency mapping: all gaps, JPM, categories and aggregates for 4.3 million pegawai x 25.

Synthetic data generated in the run (seeded): 4,300,000 pegawai in 5,000 units (pegawai ordered by unit, as
the loader delivers them) and 7 jabatan kinds, 25 SKJ competencies each (9 national + 16 technical out of a
pool of 200), required levels by kind, assessed levels around them, 3% unassessed. Three engines compute the
same results on the same in-memory data, each in its own child process (so peak memory is its own):
  bangkom  engine/gaps.py on the dense SkjMatrix;
  duckdb   SQL over the same arrays registered as a table (long form, unit and kind per line), 2 threads;
  polars   lazy group-bys over the same arrays (long form), 2 threads.
Results: per-line gaps, JPM + both categories per pegawai, unit x competency and kind x competency aggregates
(lines, assessed, below standard, gap sum, level distribution), per-unit JPM category counts. The parent
checks that all three agree. Timings exclude data generation. Never asserts on time.

    python bench/gaps_bench.py [--employees 4300000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from typing import Any

import numpy as np

K, UNITS, KINDS, POOL, NATIONAL = 25, 5000, 7, 200, 9
REQUIRED_BY_KIND = np.array([5, 4, 4, 3, 2, 1, 2], dtype=np.int8)


def make_data(n: int, seed: int = 20261125) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    unit = np.sort(rng.integers(0, UNITS, n, dtype=np.int32))
    kind = rng.integers(0, KINDS, n, dtype=np.int8)
    start = rng.integers(0, POOL - NATIONAL, n, dtype=np.int32)
    comp = np.empty((n, K), dtype=np.int32)
    comp[:, :NATIONAL] = np.arange(NATIONAL, dtype=np.int32)
    comp[:, NATIONAL:] = NATIONAL + (start[:, None] + np.arange(K - NATIONAL, dtype=np.int32)) % (
        POOL - NATIONAL
    )
    req = np.clip(REQUIRED_BY_KIND[kind][:, None] + rng.integers(-1, 2, (n, K), dtype=np.int8), 1, 5).astype(
        np.int8
    )
    ass = np.clip(req + rng.integers(-2, 2, (n, K), dtype=np.int8), 1, 5).astype(np.int8)
    ass[rng.random((n, K), dtype=np.float32) < 0.03] = 0
    return {"unit": unit, "kind": kind, "comp": comp, "req": req, "ass": ass}


def _long(d: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    n = len(d["unit"])
    return {
        "emp": np.repeat(np.arange(n, dtype=np.int32), K),
        "unit": np.repeat(d["unit"], K),
        "kind": np.repeat(d["kind"], K),
        "comp": d["comp"].ravel(),
        "req": d["req"].ravel(),
        "ass": d["ass"].ravel(),
    }


def _summary(
    jpm_h: np.ndarray,
    mapping: np.ndarray,
    filling: np.ndarray,
    unit_below: np.ndarray,
    kind_levels: np.ndarray,
    unit_cat: np.ndarray,
    gaps_sum: int,
) -> dict[str, Any]:
    return {
        "jpm_sum": int(jpm_h[jpm_h >= 0].sum()),
        "jpm_defined": int((jpm_h >= 0).sum()),
        "mapping": np.bincount(mapping, minlength=4).tolist(),
        "filling": np.bincount(filling, minlength=4).tolist(),
        "unit_below_sum": int(unit_below.sum()),
        "unit_below_checksum": int((unit_below.ravel() * np.arange(unit_below.size) % 1_000_003).sum()),
        "kind_levels": kind_levels.sum(axis=1).tolist(),
        "unit_cat_checksum": int((unit_cat.ravel() * np.arange(unit_cat.size) % 1_000_003).sum()),
        "gaps_sum": gaps_sum,
    }


def run_bangkom(d: dict[str, np.ndarray]) -> tuple[float, dict[str, Any]]:
    from bangkom.engine.gaps import SkjMatrix, aggregate, jpm, jpm_distribution, line_gaps

    t0 = time.perf_counter()
    matrix = SkjMatrix(d["comp"], d["req"], d["ass"])
    gaps = line_gaps(matrix.required, matrix.assessed)
    res = jpm(matrix)
    by_unit = aggregate(matrix, d["unit"], UNITS, POOL)
    by_kind = aggregate(matrix, d["kind"], KINDS, POOL)
    unit_cat, _ = jpm_distribution(res, d["unit"], UNITS)
    seconds = time.perf_counter() - t0
    gsum = int(gaps[gaps > 0].sum(dtype=np.int64))
    return seconds, _summary(
        res.jpm_hundredths,
        res.mapping,
        res.filling,
        by_unit.below,
        by_kind.levels.sum(axis=1),
        unit_cat,
        gsum,
    )


_JPM_SQL_CASE = """
  CASE WHEN m THEN 3 WHEN h >= 9000 THEN 0 WHEN h >= 7800 THEN 1 ELSE 2 END AS mapping,
  CASE WHEN m THEN 3 WHEN h >= 8000 THEN 0 WHEN h >= 6800 THEN 1 ELSE 2 END AS filling"""


def run_duckdb(d: dict[str, np.ndarray]) -> tuple[float, dict[str, Any]]:
    import duckdb

    lines = _long(d)
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    con.register("lines", lines)
    t0 = time.perf_counter()
    con.execute(
        "CREATE TEMP TABLE g AS SELECT CASE WHEN ass = 0 THEN -1 ELSE greatest(req - ass, 0) END AS gap "
        "FROM lines"
    )
    gsum = con.sql("SELECT sum(gap) FROM g WHERE gap > 0").fetchall()[0][0]
    jp = con.sql(f"""
        WITH s AS (SELECT emp, any_value(unit) AS unit, sum(req)::BIGINT r, sum(ass)::BIGINT a,
                          bool_or(ass = 0) m
                   FROM lines GROUP BY emp),
             h AS (SELECT emp, unit, m, CASE WHEN m THEN -1 ELSE (a * 20000 + r) // (2 * r) END AS h FROM s)
        SELECT emp, unit, h, {_JPM_SQL_CASE} FROM h ORDER BY emp""").fetchnumpy()
    agg_sql = """SELECT {g} AS grp, comp, count(*) FILTER (ass > 0 AND ass < req) AS below,
                 sum(req - ass) FILTER (ass > 0 AND ass < req) AS gap_sum,
                 count(*) FILTER (ass = 0) l0, count(*) FILTER (ass = 1) l1, count(*) FILTER (ass = 2) l2,
                 count(*) FILTER (ass = 3) l3, count(*) FILTER (ass = 4) l4, count(*) FILTER (ass = 5) l5
                 FROM lines GROUP BY ALL"""
    au = con.sql(agg_sql.format(g="unit")).fetchnumpy()
    ak = con.sql(agg_sql.format(g="kind")).fetchnumpy()
    con.register("jp", jp)
    uc = con.sql("SELECT unit, mapping, count(*) c FROM jp GROUP BY ALL").fetchnumpy()
    seconds = time.perf_counter() - t0
    unit_below = np.zeros((UNITS, POOL), np.int64)
    unit_below[au["grp"], au["comp"]] = au["below"]
    kind_levels = np.zeros((KINDS, 6), np.int64)
    for lv in range(6):
        np.add.at(kind_levels[:, lv], ak["grp"].astype(np.int64), ak[f"l{lv}"])
    unit_cat = np.zeros((UNITS, 4), np.int64)
    unit_cat[uc["unit"], uc["mapping"]] = uc["c"]
    return seconds, _summary(
        np.asarray(jp["h"]),
        np.asarray(jp["mapping"]),
        np.asarray(jp["filling"]),
        unit_below,
        kind_levels,
        unit_cat,
        int(gsum),
    )


def run_polars(d: dict[str, np.ndarray]) -> tuple[float, dict[str, Any]]:
    import polars as pl

    df = pl.DataFrame(_long(d))
    t0 = time.perf_counter()
    lines = df.lazy()
    gaps = df.select(
        pl.when(pl.col("ass") == 0)
        .then(-1)
        .otherwise((pl.col("req").cast(pl.Int16) - pl.col("ass")).clip(lower_bound=0))
        .alias("gap")
    )
    gsum = int(gaps.filter(pl.col("gap") > 0)["gap"].sum())
    s = lines.group_by("emp").agg(
        pl.col("unit").first(),
        pl.col("req").cast(pl.Int64).sum().alias("r"),
        pl.col("ass").cast(pl.Int64).sum().alias("a"),
        (pl.col("ass") == 0).any().alias("m"),
    )
    h = s.with_columns(
        pl.when(pl.col("m"))
        .then(-1)
        .otherwise((pl.col("a") * 20000 + pl.col("r")) // (2 * pl.col("r")))
        .alias("h")
    )
    h = (
        h.with_columns(
            pl.when(pl.col("m"))
            .then(3)
            .when(pl.col("h") >= 9000)
            .then(0)
            .when(pl.col("h") >= 7800)
            .then(1)
            .otherwise(2)
            .alias("mapping"),
            pl.when(pl.col("m"))
            .then(3)
            .when(pl.col("h") >= 8000)
            .then(0)
            .when(pl.col("h") >= 6800)
            .then(1)
            .otherwise(2)
            .alias("filling"),
        )
        .sort("emp")
        .collect()
    )
    below = (pl.col("ass") > 0) & (pl.col("ass") < pl.col("req"))

    def agg(group: str) -> pl.DataFrame:
        return (
            lines.group_by(group, "comp")
            .agg(
                below.sum().alias("below"),
                pl.when(below)
                .then(pl.col("req").cast(pl.Int64) - pl.col("ass"))
                .otherwise(0)
                .sum()
                .alias("gap_sum"),
                *[(pl.col("ass") == lv).sum().alias(f"l{lv}") for lv in range(6)],
            )
            .collect()
        )

    au, ak = agg("unit"), agg("kind")
    uc = h.lazy().group_by("unit", "mapping").agg(pl.len().alias("c")).collect()
    seconds = time.perf_counter() - t0
    unit_below = np.zeros((UNITS, POOL), np.int64)
    unit_below[au["unit"].to_numpy(), au["comp"].to_numpy()] = au["below"].to_numpy()
    kind_levels = np.zeros((KINDS, 6), np.int64)
    for lv in range(6):
        np.add.at(kind_levels[:, lv], ak["kind"].to_numpy().astype(np.int64), ak[f"l{lv}"].to_numpy())
    unit_cat = np.zeros((UNITS, 4), np.int64)
    unit_cat[uc["unit"].to_numpy(), uc["mapping"].to_numpy()] = uc["c"].to_numpy()
    return seconds, _summary(
        h["h"].to_numpy(),
        h["mapping"].to_numpy(),
        h["filling"].to_numpy(),
        unit_below,
        kind_levels,
        unit_cat,
        gsum,
    )


RUNNERS = {"bangkom": run_bangkom, "duckdb": run_duckdb, "polars": run_polars}


def child(name: str, n: int) -> None:
    os.environ.setdefault("POLARS_MAX_THREADS", "2")
    data = make_data(n)
    rss_data = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    seconds, summary = RUNNERS[name](data)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "data_mb": rss_data, "summary": summary}))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--employees", type=int, default=4_300_000)
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.employees)
        return
    env = dict(os.environ, POLARS_MAX_THREADS="2")
    results = {}
    for name in RUNNERS:
        proc = subprocess.run(  # noqa: S603 - our own script
            [sys.executable, __file__, "--child", name, "--employees", str(args.employees)],
            capture_output=True,
            text=True,
            check=False,
            env=env,
        )
        if proc.returncode != 0:
            raise SystemExit(f"{name} failed:\n{proc.stderr[-3000:]}")
        results[name] = json.loads(proc.stdout.strip().splitlines()[-1])
    lines = args.employees * K
    print(f"{args.employees:,} pegawai x {K} competencies = {lines:,} SKJ lines; 2 cores")
    print(f"{'engine':<9} {'seconds':>8} {'x bangkom':>10} {'peak MB':>9} {'of which data MB':>17}")
    base = results["bangkom"]["seconds"]
    for name, r in results.items():
        print(
            f"{name:<9} {r['seconds']:>8.2f} {r['seconds'] / base:>10.2f} {r['peak_mb']:>9.0f} "
            + f"{r['data_mb']:>17.0f}"
        )
    same = all(r["summary"] == results["bangkom"]["summary"] for r in results.values())
    print(f"results identical across engines: {same}")
    if not same:
        for name, r in results.items():
            print(name, r["summary"])
        raise SystemExit(1)


if __name__ == "__main__":
    main()
