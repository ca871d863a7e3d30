"""Talent management of one instansi: 9-box of 250,000 pegawai and succession ranking for 500 key jabatan.

Synthetic data generated in the run (seeded, not timed): 250,000 pegawai with SKP ratings of hasil kerja and
perilaku kerja (di_bawah 10% / sesuai 70% / di_atas 20%; 2% not rated), a potensi score (JPM in hundredths,
normal around 75 +- 10, 3% unknown) and latest assessed levels (around 3.1): the 9 national competencies (2% not
assessed) and 8-15 of the 15 technical ones of their rumpun (20 rumpun, 309 competencies); 500 key jabatan
with an SKJ of 3-6 national + 2-6 technical competencies of one rumpun (5-12 lines, required levels 3-5) and
1,000 candidates each drawn from the pegawai of that rumpun (500,000 pairs).
Timed: engine/talent.py nine_box() for every pegawai, then succession() (top 10 per jabatan, with the gaps
each must close).

Baseline, measured in the same run: the straightforward per-pegawai Python code (a dict lookup of the
predicate matrix and box grid per pegawai; per candidate, a dict of their levels, a loop over the SKJ, sort
per jabatan), run on a sample (25,000 pegawai; 50 jabatan) and extrapolated linearly. Its results on the
sample are compared with the engine's, row by row. Never asserts on time.

    python bench/talent_bench.py [--employees 250000] [--jabatan 500] [--candidates 1000] [--top 10]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from bangkom.engine.talent import (
    BOX_GRID,
    KINERJA_BY_PREDICATE,
    PREDICATE_MATRIX,
    READINESS,
    TalentSettings,
    nine_box,
    succession,
)

NATIONAL, TECHNICAL, FAMILIES = 9, 15, 20  # 8 manajerial + 1 sosial kultural; 20 rumpun x 15 teknis


def make_data(n: int, n_jabatan: int, n_candidates: int, seed: int = 20261130) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    hasil = rng.choice(np.array([0, 1, 2], np.int8), n, p=[0.1, 0.7, 0.2])
    perilaku = rng.choice(np.array([0, 1, 2], np.int8), n, p=[0.1, 0.7, 0.2])
    hasil[rng.random(n) < 0.02] = -1
    score = np.clip(rng.normal(7500, 1000, n), 0, 10000).astype(np.int64)
    score[rng.random(n) < 0.03] = -1
    # every pegawai: the 9 national competencies (2% unassessed) + 8-15 of the 15 technical ones of their rumpun
    family = rng.integers(0, FAMILIES, n)
    has = np.zeros((n, NATIONAL + TECHNICAL), dtype=bool)
    has[:, :NATIONAL] = rng.random((n, NATIONAL)) >= 0.02
    has[:, NATIONAL:] = rng.random((n, TECHNICAL)) < rng.uniform(8 / 15, 1, n)[:, None]
    comp_table = np.concatenate(
        [
            np.broadcast_to(np.arange(NATIONAL), (n, NATIONAL)),
            NATIONAL + family[:, None] * TECHNICAL + np.arange(TECHNICAL),
        ],
        axis=1,
    )
    level_ptr = np.zeros(n + 1, np.int64)
    np.cumsum(has.sum(axis=1), out=level_ptr[1:])
    level_comp = comp_table[has].astype(np.int32)  # row-major: by pegawai, competencies ascending
    level_val = np.clip(np.rint(rng.normal(3.1, 0.9, len(level_comp))), 1, 5).astype(np.int8)
    # key jabatan: 3-6 national + 2-6 technical competencies of one rumpun; candidates from that rumpun
    jab_family = rng.integers(0, FAMILIES, n_jabatan)
    by_family = [np.flatnonzero(family == f) for f in range(FAMILIES)]
    skj_lists = [
        np.concatenate(
            [
                np.sort(rng.choice(NATIONAL, rng.integers(3, 7), replace=False)),
                NATIONAL + f * TECHNICAL + np.sort(rng.choice(TECHNICAL, rng.integers(2, 7), replace=False)),
            ]
        )
        for f in jab_family
    ]
    skj_ptr = np.zeros(n_jabatan + 1, np.int64)
    np.cumsum([len(x) for x in skj_lists], out=skj_ptr[1:])
    skj_comp = np.concatenate(skj_lists).astype(np.int32)
    skj_req = rng.integers(3, 6, skj_ptr[-1]).astype(np.int8)
    cand_lists = [rng.choice(by_family[f], min(n_candidates, len(by_family[f])), replace=False) for f in jab_family]
    cand_ptr = np.zeros(n_jabatan + 1, np.int64)
    np.cumsum([len(x) for x in cand_lists], out=cand_ptr[1:])
    return {
        "hasil": hasil,
        "perilaku": perilaku,
        "score": score,
        "level_ptr": level_ptr,
        "level_comp": level_comp,
        "level_val": level_val,
        "skj_ptr": skj_ptr,
        "skj_comp": skj_comp,
        "skj_req": skj_req,
        "cand_ptr": cand_ptr,
        "cand": np.concatenate(cand_lists).astype(np.int64),
    }


def naive_boxes(hasil: list[int], perilaku: list[int], score: list[int], s: TalentSettings) -> list[int]:
    lo, hi = round(s.potensi_menengah * 100), round(s.potensi_tinggi * 100)
    out = []
    for h, p, sc in zip(hasil, perilaku, score, strict=True):
        if h < 0 or p < 0 or sc < 0:
            out.append(0)
            continue
        kinerja = KINERJA_BY_PREDICATE[PREDICATE_MATRIX[h][p]]
        potensi = 2 if sc >= hi else 1 if sc >= lo else 0
        out.append(BOX_GRID[potensi][kinerja])
    return out


def naive_succession(
    d: dict[str, np.ndarray], box: list[int], jabatan: range, top: int, s: TalentSettings
) -> list[list[tuple[int, int, str, list[tuple[int, int, int, int]]]]]:
    """Per jabatan: [(pegawai, jpm_hundredths, readiness, [(competency, required, assessed, gap)])]."""
    lp, lc, lv = d["level_ptr"], d["level_comp"], d["level_val"]
    prio = {b: i for i, b in enumerate(s.box_priority)}
    now, later = round(s.ready_now_jpm * 100), round(s.ready_later_jpm * 100)
    result = []
    for j in jabatan:
        lo, hi = int(d["skj_ptr"][j]), int(d["skj_ptr"][j + 1])
        skj = list(zip(d["skj_comp"][lo:hi].tolist(), d["skj_req"][lo:hi].tolist(), strict=True))
        total_req = sum(r for _, r in skj)
        rows = []
        for p in d["cand"][d["cand_ptr"][j] : d["cand_ptr"][j + 1]].tolist():
            levels = dict(zip(lc[lp[p] : lp[p + 1]].tolist(), lv[lp[p] : lp[p + 1]].tolist(), strict=True))
            assessed = [levels.get(c, 0) for c, _ in skj]
            if 0 in assessed:
                jpm_h, ready = -1, "belum_dinilai"
            else:
                jpm_h = (sum(assessed) * 20000 + total_req) // (2 * total_req)
                if jpm_h >= now and box[p] in s.ready_now_boxes:
                    ready = "siap_sekarang"
                elif jpm_h >= later and box[p] in s.ready_later_boxes:
                    ready = "siap_1_2_tahun"
                else:
                    ready = "perlu_pengembangan"
            gaps = [(c, r, a, -1 if a == 0 else r - a) for (c, r), a in zip(skj, assessed, strict=True) if a < r]
            rows.append((READINESS.index(ready), prio[box[p]], -jpm_h, p, ready, gaps))
        rows.sort(key=lambda row: row[:4])
        result.append([(row[3], -row[2], row[4], row[5]) for row in rows[:top]])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=250_000)
    parser.add_argument("--jabatan", type=int, default=500)
    parser.add_argument("--candidates", type=int, default=1000)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--sample-employees", type=int, default=25_000)
    parser.add_argument("--sample-jabatan", type=int, default=50)
    args = parser.parse_args()
    s = TalentSettings()
    t0 = time.perf_counter()
    d = make_data(args.employees, args.jabatan, args.candidates)
    generated = time.perf_counter() - t0

    t0 = time.perf_counter()
    boxes = nine_box(d["hasil"], d["perilaku"], d["score"], s)
    t_box = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = succession(
        d["skj_ptr"], d["skj_comp"], d["skj_req"], d["cand_ptr"], d["cand"],
        d["level_ptr"], d["level_comp"], d["level_val"], boxes.box, top_n=args.top, settings=s,
    )  # fmt: skip
    t_succ = time.perf_counter() - t0

    m = min(args.sample_employees, args.employees)
    t0 = time.perf_counter()
    naive_box = naive_boxes(d["hasil"][:m].tolist(), d["perilaku"][:m].tolist(), d["score"][:m].tolist(), s)
    t_naive_box = (time.perf_counter() - t0) * args.employees / m
    box_list = boxes.box.tolist()
    js = range(min(args.sample_jabatan, args.jabatan))
    t0 = time.perf_counter()
    naive = naive_succession(d, box_list, js, args.top, s)
    t_naive_succ = (time.perf_counter() - t0) * args.jabatan / len(js)

    same_box = naive_box == box_list[:m]
    engine_rows = [
        [
            (c.pegawai, c.jpm_hundredths, c.readiness, [(g.competency, g.required, g.assessed, g.gap) for g in c.gaps])
            for c in res.candidates(j)
        ]
        for j in js
    ]
    same_succ = engine_rows == naive
    pairs = int(d["cand_ptr"][-1])
    lines = int(sum((d["skj_ptr"][1:] - d["skj_ptr"][:-1]) * np.diff(d["cand_ptr"])))
    print(
        f"{args.employees:,} pegawai ({int(d['level_ptr'][-1]):,} assessed levels); {args.jabatan} key jabatan x "
        f"{args.candidates:,} candidates = {pairs:,} pairs, {lines:,} SKJ lines; top {args.top}; {os.cpu_count()} cores"
    )
    print(f"synthetic data generated in {generated:.1f} s (not timed)")
    print(f"{'step':<34} {'bangkom s':>10} {'naive s':>10} {'x faster':>9}")
    for name, t, base in (
        ("9-box, all pegawai", t_box, t_naive_box),
        ("succession ranking + gaps", t_succ, t_naive_succ),
        ("total", t_box + t_succ, t_naive_box + t_naive_succ),
    ):
        print(f"{name:<34} {t:>10.3f} {base:>10.2f} {base / t:>9.1f}")
    print(
        f"naive: Python loop on {m:,} pegawai and {len(js)} jabatan, extrapolated linearly; "
        f"results equal on the sample: 9-box {same_box}, succession {same_succ}"
    )
    counts = np.bincount(boxes.box, minlength=10)
    print("pegawai per box 0..9:", ", ".join(f"{b}: {c:,}" for b, c in enumerate(counts.tolist())))
    ready = np.bincount(res.readiness, minlength=len(READINESS))
    print(
        "top candidates by readiness:", ", ".join(f"{r} {c:,}" for r, c in zip(READINESS, ready.tolist(), strict=True))
    )
    if not (same_box and same_succ):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
