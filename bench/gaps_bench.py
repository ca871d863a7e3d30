"""National competency mapping: all gaps, JPM, categories and aggregates for 4.3 million pegawai x 25.

Synthetic data generated in the run (seeded): 4,300,000 pegawai in 5,000 units (pegawai ordered by unit, as
the loader delivers them) and 7 jabatan kinds, 25 SKJ competencies each (9 national + 16 technical out of a
pool of 200), required levels by kind, assessed levels around them, 3% unassessed. Three engines compute the
same results on the same in-memory data, each in its own child process that loads the arrays saved once by
the parent (so the peak memory printed is the data plus that engine's own work, nothing else):
  bangkom  engine/gaps.py analyse() on the dense SkjArrays;
  duckdb   SQL over the same arrays registered as a table (long form, unit and kind per line), 2 threads;
  polars   lazy group-bys over the same arrays (long form), 2 threads.
Results: per-line gaps, JPM + both categories per pegawai, unit x competency, kind x competency and
per-competency aggregates (lines, assessed, below standard, gap sum, level distribution), per-unit JPM
category counts and JPM sums (mean = sum / count). The parent checks that all three agree, array by array
(SHA-256 of every result in a canonical dense int64 form). Timings exclude loading the data and turning
the results into that canonical form. Never asserts on time.

    python bench/gaps_bench.py [--employees 4300000]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

K, UNITS, KINDS, POOL, NATIONAL = 25, 5000, 7, 200, 9
REQUIRED_BY_KIND = np.array([5, 4, 4, 3, 2, 1, 2], dtype=np.int8)
AGG_FIELDS = ("lines", "assessed", "below", "gap_sum", "levels")


def make_data(n: int, seed: int = 20261125) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    unit = np.sort(rng.integers(0, UNITS, n, dtype=np.int32))
    kind = rng.integers(0, KINDS, n, dtype=np.int8)
    start = rng.integers(0, POOL - NATIONAL, n, dtype=np.int16)
    comp = np.empty((n, K), dtype=np.int16)
    comp[:, :NATIONAL] = np.arange(NATIONAL, dtype=np.int16)
    comp[:, NATIONAL:] = start[:, None] + np.arange(K - NATIONAL, dtype=np.int16)
    comp[:, NATIONAL:] %= POOL - NATIONAL
    comp[:, NATIONAL:] += NATIONAL
    req = REQUIRED_BY_KIND[kind][:, None] + rng.integers(-1, 2, (n, K), dtype=np.int8)
    np.clip(req, 1, 5, out=req)
    ass = req + rng.integers(-2, 2, (n, K), dtype=np.int8)
    np.clip(ass, 1, 5, out=ass)
    for lo in range(0, n, 1 << 20):  # 3% unassessed, drawn in chunks (no [n, K] float temporary)
        blk = ass[lo : lo + (1 << 20)]
        blk[rng.random(blk.shape, dtype=np.float32) < 0.03] = 0
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


def _digest(a: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(a, dtype=np.int64).tobytes()).hexdigest()[:16]


def _dense(groups: np.ndarray, comps: np.ndarray, values: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    out = np.zeros(shape, dtype=np.int64)
    out[groups.astype(np.int64), comps.astype(np.int64)] = values
    return out


def _summary(
    jpm_h: np.ndarray,
    mapping: np.ndarray,
    filling: np.ndarray,
    aggs: dict[str, dict[str, np.ndarray]],
    unit_cat: np.ndarray,
    unit_jpm_sum: np.ndarray,
    gap_hist: np.ndarray,
) -> dict[str, Any]:
    """Canonical digests: equal digests mean equal arrays, element by element."""
    out: dict[str, Any] = {
        "jpm_hundredths": _digest(jpm_h),
        "mapping": _digest(mapping),
        "filling": _digest(filling),
        "mapping_counts": np.bincount(mapping, minlength=4).tolist(),
        "unit_categories": _digest(unit_cat),
        "unit_jpm_sum": _digest(unit_jpm_sum),
        "gap_histogram": np.asarray(gap_hist, dtype=np.int64).tolist(),
    }
    for by, fields in aggs.items():
        for name in AGG_FIELDS:
            out[f"{by}.{name}"] = _digest(fields[name])
    return out


def run_bangkom(d: dict[str, np.ndarray]) -> tuple[float, dict[str, Any]]:
    from bangkom.engine.gaps import SkjArrays, analyse

    t0 = time.perf_counter()
    arrays = SkjArrays(d["comp"], d["req"], d["ass"], unit=d["unit"], position_kind=d["kind"])
    res = analyse(arrays, UNITS, KINDS, POOL)
    seconds = time.perf_counter() - t0
    r = res.jpm
    defined = r.jpm_hundredths >= 0
    unit_jpm_sum = np.bincount(d["unit"][defined], weights=r.jpm_hundredths[defined], minlength=UNITS)
    aggs = {
        by: {name: getattr(agg, name) for name in AGG_FIELDS}
        for by, agg in (("unit", res.by_unit), ("kind", res.by_kind), ("competency", res.by_competency))
    }
    flat_gaps = res.gaps.reshape(-1)
    gap_hist = sum(  # chunked: an intp copy of 107 million gaps would dwarf the engine's own memory
        np.bincount(flat_gaps[i : i + (1 << 22)] + 1, minlength=6) for i in range(0, len(flat_gaps), 1 << 22)
    )
    return seconds, _summary(
        r.jpm_hundredths,
        r.mapping,
        r.filling,
        aggs,
        res.unit_categories,
        unit_jpm_sum.astype(np.int64),
        gap_hist,
    )


_JPM_SQL_CASE = """
  CASE WHEN m THEN 3 WHEN h >= 9000 THEN 0 WHEN h >= 7800 THEN 1 ELSE 2 END AS mapping,
  CASE WHEN m THEN 3 WHEN h >= 8000 THEN 0 WHEN h >= 6800 THEN 1 ELSE 2 END AS filling"""
_AGG_SQL = """SELECT {g} AS grp, comp, count(*) AS lines, count(*) FILTER (ass > 0) AS assessed,
    count(*) FILTER (ass > 0 AND ass < req) AS below,
    coalesce(sum(req - ass) FILTER (ass > 0 AND ass < req), 0) AS gap_sum,
    count(*) FILTER (ass = 0) l0, count(*) FILTER (ass = 1) l1, count(*) FILTER (ass = 2) l2,
    count(*) FILTER (ass = 3) l3, count(*) FILTER (ass = 4) l4, count(*) FILTER (ass = 5) l5
    FROM {t} GROUP BY ALL"""
_LEVEL_COLS = [f"l{lv}" for lv in range(6)]


def _agg_from_columns(cols: dict[str, np.ndarray], n_groups: int) -> dict[str, np.ndarray]:
    g, c = np.asarray(cols["grp"]), np.asarray(cols["comp"])
    out = {name: _dense(g, c, np.asarray(cols[name]), (n_groups, POOL)) for name in AGG_FIELDS[:4]}
    levels = [_dense(g, c, np.asarray(cols[lv]), (n_groups, POOL)) for lv in _LEVEL_COLS]
    out["levels"] = np.stack(levels, axis=2)
    return out


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
    gap_hist = con.sql("SELECT gap, count(*) c FROM g GROUP BY gap").fetchnumpy()
    jp = con.sql(f"""
        WITH s AS (SELECT emp, any_value(unit) AS unit, sum(req)::BIGINT r, sum(ass)::BIGINT a,
                          bool_or(ass = 0) m
                   FROM lines GROUP BY emp),
             h AS (SELECT emp, unit, m, CASE WHEN m THEN -1 ELSE (a * 20000 + r) // (2 * r) END AS h FROM s)
        SELECT emp, unit, h, {_JPM_SQL_CASE} FROM h ORDER BY emp""").fetchnumpy()
    con.execute(f"CREATE TEMP TABLE au AS {_AGG_SQL.format(g='unit', t='lines')}")
    au = con.sql("SELECT * FROM au").fetchnumpy()
    ak = con.sql(_AGG_SQL.format(g="kind", t="lines")).fetchnumpy()
    sums = ", ".join(f"sum({c})::BIGINT AS {c}" for c in (*AGG_FIELDS[:4], *_LEVEL_COLS))
    ac = con.sql(f"SELECT 0 AS grp, comp, {sums} FROM au GROUP BY comp").fetchnumpy()
    con.register("jp", jp)
    uc = con.sql("SELECT unit, mapping, count(*) c FROM jp GROUP BY ALL").fetchnumpy()
    us = con.sql("SELECT unit, sum(h)::BIGINT s FROM jp WHERE h >= 0 GROUP BY unit").fetchnumpy()
    seconds = time.perf_counter() - t0
    aggs = {
        "unit": _agg_from_columns(au, UNITS),
        "kind": _agg_from_columns(ak, KINDS),
        "competency": _agg_from_columns(ac, 1),
    }
    hist = np.zeros(6, np.int64)
    hist[np.asarray(gap_hist["gap"]) + 1] = np.asarray(gap_hist["c"])
    return seconds, _summary(
        np.asarray(jp["h"]),
        np.asarray(jp["mapping"]),
        np.asarray(jp["filling"]),
        aggs,
        _dense(np.asarray(uc["unit"]), np.asarray(uc["mapping"]), np.asarray(uc["c"]), (UNITS, 4)),
        _dense(np.asarray(us["unit"]), np.zeros(len(us["unit"]), int), np.asarray(us["s"]), (UNITS, 1))[:, 0],
        hist,
    )


def run_polars(d: dict[str, np.ndarray]) -> tuple[float, dict[str, Any]]:
    import polars as pl

    df = pl.DataFrame(_long(d))
    t0 = time.perf_counter()
    lines = df.lazy()
    gap = (
        pl.when(pl.col("ass") == 0)
        .then(-1)
        .otherwise((pl.col("req").cast(pl.Int16) - pl.col("ass")).clip(lower_bound=0))
        .alias("gap")
    )
    gaps = lines.select(gap).group_by("gap").agg(pl.len().alias("c")).collect()
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

    def category(upper: int, lower: int, name: str) -> pl.Expr:
        return (
            pl.when(pl.col("m"))
            .then(3)
            .when(pl.col("h") >= upper)
            .then(0)
            .when(pl.col("h") >= lower)
            .then(1)
            .otherwise(2)
            .alias(name)
        )

    h = h.with_columns(category(9000, 7800, "mapping"), category(8000, 6800, "filling")).sort("emp").collect()
    below = (pl.col("ass") > 0) & (pl.col("ass") < pl.col("req"))

    def agg(group: str) -> pl.DataFrame:
        return (
            lines.group_by(group, "comp")
            .agg(
                pl.len().alias("lines"),
                (pl.col("ass") > 0).sum().alias("assessed"),
                below.sum().alias("below"),
                pl.when(below)
                .then(pl.col("req").cast(pl.Int64) - pl.col("ass"))
                .otherwise(0)
                .sum()
                .alias("gap_sum"),
                *[(pl.col("ass") == lv).sum().alias(f"l{lv}") for lv in range(6)],
            )
            .rename({group: "grp"})
            .collect()
        )

    au, ak = agg("unit"), agg("kind")
    cols = [*AGG_FIELDS[:4], *_LEVEL_COLS]
    ac = au.lazy().group_by("comp").agg(pl.col(c).sum() for c in cols).with_columns(grp=pl.lit(0)).collect()
    hl = h.lazy()
    uc = hl.group_by("unit", "mapping").agg(pl.len().alias("c")).collect()
    us = hl.filter(pl.col("h") >= 0).group_by("unit").agg(pl.col("h").sum().alias("s")).collect()
    seconds = time.perf_counter() - t0

    def np_cols(frame: pl.DataFrame) -> dict[str, np.ndarray]:
        return {c: frame[c].to_numpy() for c in frame.columns}

    aggs = {
        "unit": _agg_from_columns(np_cols(au), UNITS),
        "kind": _agg_from_columns(np_cols(ak), KINDS),
        "competency": _agg_from_columns(np_cols(ac), 1),
    }
    hist = np.zeros(6, np.int64)
    hist[gaps["gap"].to_numpy() + 1] = gaps["c"].to_numpy()
    return seconds, _summary(
        h["h"].to_numpy(),
        h["mapping"].to_numpy(),
        h["filling"].to_numpy(),
        aggs,
        _dense(uc["unit"].to_numpy(), uc["mapping"].to_numpy(), uc["c"].to_numpy(), (UNITS, 4)),
        _dense(us["unit"].to_numpy(), np.zeros(len(us), np.int64), us["s"].to_numpy(), (UNITS, 1))[:, 0],
        hist,
    )


RUNNERS = {"bangkom": run_bangkom, "duckdb": run_duckdb, "polars": run_polars}


def _mb(kilobytes: float) -> float:
    return kilobytes / 1024  # Linux ru_maxrss is in KiB


def child(name: str, data_dir: Path) -> None:
    os.environ.setdefault("POLARS_MAX_THREADS", "2")
    data = {key: np.load(data_dir / f"{key}.npy") for key in ("unit", "kind", "comp", "req", "ass")}
    rss_data = _mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    seconds, summary = RUNNERS[name](data)
    peak = _mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "data_mb": rss_data, "summary": summary}))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--employees", type=int, default=4_300_000)
    parser.add_argument("--engines", default=",".join(RUNNERS), help="comma-separated subset of the engines")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--data", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, Path(args.data))
        return
    env = dict(os.environ, POLARS_MAX_THREADS="2", OPENBLAS_NUM_THREADS="2", OMP_NUM_THREADS="2")
    results = {}
    with tempfile.TemporaryDirectory(prefix="gaps_bench_") as tmp:
        t0 = time.perf_counter()
        for key, array in make_data(args.employees).items():
            np.save(Path(tmp) / f"{key}.npy", array)
        generated = time.perf_counter() - t0
        for name in args.engines.split(","):
            proc = subprocess.run(  # noqa: S603 - our own script
                [sys.executable, __file__, "--child", name, "--data", tmp],
                capture_output=True,
                text=True,
                check=False,
                env=env,
            )
            if proc.returncode != 0:
                raise SystemExit(f"{name} failed:\n{proc.stderr[-3000:]}")
            results[name] = json.loads(proc.stdout.strip().splitlines()[-1])
    lines = args.employees * K
    print(f"{args.employees:,} pegawai x {K} competencies = {lines:,} SKJ lines; {os.cpu_count()} cores")
    print(f"synthetic data generated in {generated:.1f} s (not timed below); each engine in its own process")
    print(f"{'engine':<9} {'seconds':>8} {'x bangkom':>10} {'peak MB':>9} {'data MB':>8} {'own MB':>7}")
    base = results.get("bangkom", next(iter(results.values())))["seconds"]
    for name, r in results.items():
        own = r["peak_mb"] - r["data_mb"]
        print(
            f"{name:<9} {r['seconds']:>8.2f} {r['seconds'] / base:>10.2f} {r['peak_mb']:>9.0f} "
            + f"{r['data_mb']:>8.0f} {own:>7.0f}"
        )
    print("peak MB: the child's ru_maxrss (whole process: interpreter, libraries, data, work);")
    print("data MB: ru_maxrss right after loading the arrays; own MB: the difference.")
    first = next(iter(results.values()))["summary"]
    same = all(r["summary"] == first for r in results.values())
    print(f"results identical across engines ({len(first)} arrays/digests compared): {same}")
    if not same:
        for name, r in results.items():
            print(name, r["summary"])
        raise SystemExit(1)


if __name__ == "__main__":
    main()
