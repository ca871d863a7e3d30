"""Mentee -> mentor matching (engine/matching.py) on a realistic synthetic national instance.

Measured in one run on the same instance: building the candidate pairs (inverted index), the optimal min-cost
flow (OR-Tools) with its total fit and number matched, and the greedy baseline (best fit first) with its time,
fit and number matched; both matchings are checked against every constraint (`check_matching`). Optionally
also the sparser variant that keeps only the K best mentors per mentee. Prints figures; never asserts on time.

    python bench/matching_bench.py [--mentees 100000] [--mentors 20000] [--competencies 300] [--seed 1]
                                   [--max-candidates 20] [--workers 2]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from bangkom.engine.matching import (
    Candidates,
    MatchSettings,
    Mentees,
    Mentors,
    candidate_pairs,
    check_matching,
    greedy_matching,
    match,
)


def generate(
    n: int, k: int, n_comp: int, n_inst: int, n_loc: int, seed: int
) -> tuple[Mentees, Mentors, dict[str, float]]:
    """Instansi of log-normal sizes, each with its own locations and ~30 units; Zipf-like competency popularity.

    Mentees: 2-5 gap competencies (gap 1-3, weight 1-3). Mentors: 6-15 assessed competencies of which 3-8
    at level 4-5 (strengths, with min_level 4), the rest at level 2-3; capacity 1-5; seniority 0-35 years.
    A tenth of the mentees have their direct atasan among the mentors (same instansi and unit).
    """
    rng = np.random.default_rng(seed)
    size = rng.lognormal(0, 1.0, n_inst)
    size /= size.sum()
    # locations: each belongs to one instansi, at least one each, the rest spread by size
    loc_inst = np.r_[np.arange(n_inst), rng.choice(n_inst, n_loc - n_inst, p=size)]
    loc_of = [np.flatnonzero(loc_inst == g) for g in range(n_inst)]
    units_per_inst = 30
    pop = 1.0 / np.arange(1, n_comp + 1) ** 0.7
    pop /= pop.sum()

    def people(count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        inst = rng.choice(n_inst, count, p=size)
        pick = rng.random(count)
        loc = np.array([loc_of[g][int(p * len(loc_of[g]))] for g, p in zip(inst, pick, strict=True)])
        unit = inst * units_per_inst + rng.integers(0, units_per_inst, count)
        return inst, loc, unit

    def lines(count: int, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        per = rng.integers(lo, hi + 1, count)
        ptr = np.r_[0, np.cumsum(per)].astype(np.int64)
        comp = np.concatenate([rng.choice(n_comp, int(c), replace=False, p=pop) for c in per]).astype(np.int32)
        return ptr, comp

    m_inst, m_loc, m_unit = people(k)
    l_ptr, l_comp = lines(k, 6, 15)
    strong = rng.integers(3, 9, k)
    pos = np.arange(len(l_comp)) - np.repeat(l_ptr[:-1], np.diff(l_ptr))
    is_strength = pos < np.repeat(strong, np.diff(l_ptr))
    level = np.where(is_strength, rng.integers(4, 6, len(l_comp)), rng.integers(2, 4, len(l_comp)))
    mentors = Mentors(
        capacity=rng.integers(1, 6, k),
        level_ptr=l_ptr,
        level_competency=l_comp,
        level=level.astype(np.int8),
        location=m_loc,
        instansi=m_inst,
        unit=m_unit,
        seniority=rng.integers(0, 36, k),
    )
    e_inst, e_loc, e_unit = people(n)
    g_ptr, g_comp = lines(n, 2, 5)
    atasan = np.full(n, -1, dtype=np.int64)
    order = np.lexsort((np.arange(k), m_unit))
    su = m_unit[order]
    has = rng.random(n) < 0.1
    lo, hi = np.searchsorted(su, e_unit, "left"), np.searchsorted(su, e_unit, "right")
    ok = has & (hi > lo)
    atasan[ok] = order[lo[ok] + (rng.random(int(ok.sum())) * (hi[ok] - lo[ok])).astype(np.int64)]
    mentees = Mentees(
        gap_ptr=g_ptr,
        gap_competency=g_comp,
        gap_level=rng.integers(1, 4, len(g_comp)).astype(np.int8),
        gap_weight=rng.integers(1, 4, len(g_comp)).astype(np.float64),
        location=e_loc,
        instansi=e_inst,
        unit=e_unit,
        atasan=atasan,
    )
    stats = {"strengths": float(is_strength.sum()), "seats": float(mentors.capacity.sum())}
    return mentees, mentors, stats


def run(label: str, mentees: Mentees, mentors: Mentors, s: MatchSettings, workers: int) -> None:
    t0 = time.perf_counter()
    cands: Candidates = candidate_pairs(mentees, mentors, s)
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    flow = match(mentees, mentors, s, candidates=cands)
    t_flow = time.perf_counter() - t0
    t_par, par = 0.0, flow
    if workers > 1:
        t0 = time.perf_counter()
        par = match(mentees, mentors, s, candidates=cands, workers=workers)
        t_par = time.perf_counter() - t0
    t0 = time.perf_counter()
    greedy = greedy_matching(mentees, mentors, s, candidates=cands)
    t_greedy = time.perf_counter() - t0
    t0 = time.perf_counter()
    flow_problems = check_matching(flow, mentees, mentors, s)
    greedy_problems = check_matching(greedy, mentees, mentors, s)
    par_problems = check_matching(par, mentees, mentors, s)
    t_check = time.perf_counter() - t0
    print(f"\n{label}")
    print(f"  candidate pairs        {len(cands):>12,}   build {t_build:6.2f} s")
    print("  | method | time | total fit | matched | check_matching |")
    print("  |---|---|---|---|---|")
    print(
        f"  | min-cost flow (optimal) | {t_flow:.2f} s (+ build {t_build:.2f} s = {t_flow + t_build:.2f} s) "
        f"| {flow.total_fit:,.2f} | {flow.n_matched:,} | {len(flow_problems)} problems |"
    )
    if workers > 1:
        print(
            f"  | min-cost flow, {workers} processes | {t_par:.2f} s (+ build {t_build:.2f} s = "
            f"{t_par + t_build:.2f} s) | {par.total_fit:,.2f} | {par.n_matched:,} | {len(par_problems)} problems |"
        )
    print(
        f"  | greedy baseline | {t_greedy:.2f} s (+ build {t_build:.2f} s = {t_greedy + t_build:.2f} s) "
        f"| {greedy.total_fit:,.2f} | {greedy.n_matched:,} | {len(greedy_problems)} problems |"
    )
    gain = 100 * (flow.total_fit / greedy.total_fit - 1) if greedy.total_fit else float("nan")
    print(
        f"  flow vs greedy: {flow.n_matched - greedy.n_matched:+,} matched, fit {gain:+.2f}%; "
        f"checks took {t_check:.2f} s"
    )
    print(f"  unmatched reasons (flow):   {flow.reason_counts()}")
    print(f"  unmatched reasons (greedy): {greedy.reason_counts()}")
    print(f"  target optimal under 30 s (build + flow): {'met' if t_build + t_flow < 30 else 'NOT met'}")
    for p in (flow_problems + greedy_problems + par_problems)[:5]:
        print("  PROBLEM:", p)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mentees", type=int, default=100_000)
    ap.add_argument("--mentors", type=int, default=20_000)
    ap.add_argument("--competencies", type=int, default=300)
    ap.add_argument("--instansi", type=int, default=50)
    ap.add_argument("--locations", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-candidates", type=int, default=20, help="also run with the K best mentors per mentee")
    ap.add_argument("--workers", type=int, default=2, help="also run the flow in this many processes (1: not)")
    a = ap.parse_args()
    t0 = time.perf_counter()
    mentees, mentors, stats = generate(a.mentees, a.mentors, a.competencies, a.instansi, a.locations, a.seed)
    print(
        f"instance: {a.mentees:,} mentees ({len(mentees.gap_competency):,} gap lines), {a.mentors:,} mentors "
        f"({int(stats['strengths']):,} strengths, {int(stats['seats']):,} seats), {a.competencies} competencies, "
        f"{a.instansi} instansi, {a.locations} locations; generated in {time.perf_counter() - t0:.1f} s"
    )
    base = MatchSettings(
        min_level=4,
        require_same_instansi=True,
        require_same_location=False,
        unit_rule="any",
        allow_direct_atasan=False,
    )
    title = "same instansi required, location preferred, not the direct atasan; every eligible pair"
    run(title, mentees, mentors, base, a.workers)
    if a.max_candidates:
        k_best = MatchSettings(**{**base.__dict__, "max_candidates": a.max_candidates})
        run(f"same rules, only the {a.max_candidates} best mentors per mentee", mentees, mentors, k_best, a.workers)
    strict = MatchSettings(**{**base.__dict__, "require_same_location": True, "unit_rule": "across"})
    run("same location required, mentor from another unit (across-unit)", mentees, mentors, strict, a.workers)


if __name__ == "__main__":
    main()
