"""Mentee -> mentor matching for coaching and mentoring (issue 6): optimal, capacities respected, explained.

Pure NumPy + OR-Tools, no Django (DESIGN.md: engine/ is computation on arrays and dataclasses), so the
mentoring pages, the API, the job and the national benchmark share one rule and it can be tested alone.

Model. A mentee has gap competencies (CSR `gap_ptr` / `gap_competency`, with the gap size and an optional
weight). A mentor has a "strength" in a competency when their assessed level there is >= `min_level`; mentors
with capacity <= 0 have no strengths at all (they take no mentee). A pair (mentee, mentor) is eligible when
- the mentor has a strength in at least one of the mentee's gap competencies (gaps of size <= 0 do not count);
- the hard rules hold: same location / same instansi when required; `unit_rule` "within" (same unit),
  "across" (a different unit) or "any"; the mentee's direct atasan only when `allow_direct_atasan`.

Fit of an eligible pair (bigger is better; every term is >= 0):
    coverage_weight * sum(gap_level * gap_weight over the gap competencies the mentor covers)
  + same_location_bonus  if same location and location is NOT required (a preference, not a rule)
  + same_instansi_bonus  if same instansi and instansi is NOT required
  + seniority_weight * min(max(seniority, 0), seniority_cap)
The fit of a pair is rounded to `fit_resolution` (default 0.01) and carried as integer units: OR-Tools' min
cost flow needs integer costs, and "optimal" must then mean exactly optimal for the numbers we print. The
per-term breakdown is returned unrounded (it says why a pair was proposed; it may differ from the rounded fit
by less than one unit).

Objective (decided, issue 6). With `match_first=True` (the default) the matching is lexicographic: first
the largest possible NUMBER of matched mentees, then, among those, the largest total fit. A mentee left
without mentor is worse than a somewhat weaker pairing for someone else, and coordinators asked for "everyone
who can be matched is matched". It is solved as a maximum flow of minimum cost (source -> mentee cap 1 ->
mentor cost -fit -> sink cap capacity; OR-Tools `solve_max_flow_with_min_cost`), which is the same as giving
every matched mentee an infinitely large bonus, without the big constant that would inflate costs. With
`match_first=False` only the total fit counts (a bypass arc lets the flow leave mentees out).

Candidates. Never a dense n x k matrix: an inverted index (group of the hard rules, competency) -> mentors
with that strength, sorted once, is joined with the mentees' gap lines in chunks (bounded memory), and each
chunk is aggregated per pair. `max_candidates` keeps only the K best mentors per mentee by fit (ties by
mentor index) to make big instances sparser; optimality is then over the kept pairs.

Unmatched mentees carry a reason (`REASONS`): "no_gap" (no gap competency), "no_eligible_mentor" (no pair
passes the rules), "capacity" (eligible mentors exist but their seats went to others).
`greedy_matching` (best fit first, within capacity) is the baseline the benchmark compares with, and
`check_matching` / `check_pairs` list every violated constraint of any matching.

Scale (bench/matching_bench.py, 2 vCPU): 100,000 mentees x 20,000 mentors, same instansi required, 16 million
eligible pairs: candidates 2.3 s, optimal flow 9-15 s (one flow per hard group; see bench/README.md).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

REASONS: tuple[str, ...] = ("matched", "no_gap", "no_eligible_mentor", "capacity")
MATCHED, NO_GAP, NO_ELIGIBLE_MENTOR, CAPACITY = 0, 1, 2, 3
UNIT_RULES: tuple[str, ...] = ("any", "within", "across")

_EMPTY_F = np.zeros(0, dtype=np.float64)
_CHUNK_ENTRIES = 1 << 21  # expanded (gap line x mentor) entries per join chunk: bounded, cache-friendly temporaries


@dataclass(frozen=True)
class Mentees:
    """n mentees. Gap lines in CSR: mentee i has lines gap_ptr[i]:gap_ptr[i+1].

    gap_ptr:        int64 [n+1], non-decreasing, gap_ptr[0] = 0;
    gap_competency: int32 [m], competency index >= 0 (one line per competency and mentee);
    gap_level:      int [m], size of the gap (required - assessed); lines with gap <= 0 are ignored;
    gap_weight:     float [m], priority of the line (default 1.0 each);
    location, instansi, unit: int [n] group indexes (a unit is (instansi, unit): unit numbers may restart
                    in each instansi);
    atasan:         int [n], index of the mentee's direct atasan among the mentors, -1 when not a mentor.
    """

    gap_ptr: np.ndarray
    gap_competency: np.ndarray
    gap_level: np.ndarray
    location: np.ndarray
    instansi: np.ndarray
    unit: np.ndarray
    atasan: np.ndarray
    gap_weight: np.ndarray = field(default_factory=lambda: _EMPTY_F)

    def __post_init__(self) -> None:
        n = len(self.gap_ptr) - 1
        m = len(self.gap_competency)
        if n < 0 or int(self.gap_ptr[0]) != 0 or int(self.gap_ptr[-1]) != m:
            raise ValueError("gap_ptr must start at 0 and end at the number of gap lines")
        if np.any(np.diff(self.gap_ptr) < 0):
            raise ValueError("gap_ptr must be non-decreasing")
        if len(self.gap_level) != m:
            raise ValueError("gap_level needs one entry per gap line")
        if self.gap_weight is _EMPTY_F:
            object.__setattr__(self, "gap_weight", np.ones(m, dtype=np.float64))
        if len(self.gap_weight) != m:
            raise ValueError("gap_weight needs one entry per gap line")
        for name in ("location", "instansi", "unit", "atasan"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"{name} needs one entry per mentee")

    @property
    def n(self) -> int:
        return len(self.gap_ptr) - 1


@dataclass(frozen=True)
class Mentors:
    """k mentors. Assessed levels in CSR: mentor j has lines level_ptr[j]:level_ptr[j+1].

    capacity:         int [k], how many mentees the mentor takes (0 = none);
    level_ptr:        int64 [k+1]; level_competency: int32 [l]; level: int [l], assessed level 1..5;
    location, instansi, unit: int [k] group indexes (same numbering as the mentees');
    seniority:        int [k], e.g. years of service or grade (bigger = more senior).
    """

    capacity: np.ndarray
    level_ptr: np.ndarray
    level_competency: np.ndarray
    level: np.ndarray
    location: np.ndarray
    instansi: np.ndarray
    unit: np.ndarray
    seniority: np.ndarray

    def __post_init__(self) -> None:
        k = len(self.level_ptr) - 1
        m = len(self.level_competency)
        if k < 0 or int(self.level_ptr[0]) != 0 or int(self.level_ptr[-1]) != m:
            raise ValueError("level_ptr must start at 0 and end at the number of level lines")
        if np.any(np.diff(self.level_ptr) < 0):
            raise ValueError("level_ptr must be non-decreasing")
        if len(self.level) != m:
            raise ValueError("level needs one entry per level line")
        for name in ("capacity", "location", "instansi", "unit", "seniority"):
            if len(getattr(self, name)) != k:
                raise ValueError(f"{name} needs one entry per mentor")

    @property
    def k(self) -> int:
        return len(self.level_ptr) - 1


@dataclass(frozen=True)
class MatchSettings:
    """Per-instansi matching settings. Hard rules first, then the weights of the fit (module docstring)."""

    min_level: int = 4
    require_same_location: bool = False
    require_same_instansi: bool = True
    unit_rule: Literal["any", "within", "across"] = "any"
    allow_direct_atasan: bool = True
    coverage_weight: float = 10.0
    same_location_bonus: float = 2.0
    same_instansi_bonus: float = 1.0
    seniority_weight: float = 0.2
    seniority_cap: int = 30
    max_candidates: int | None = None
    match_first: bool = True
    fit_resolution: float = 0.01

    def __post_init__(self) -> None:
        if self.unit_rule not in UNIT_RULES:
            raise ValueError(f"unit_rule must be one of {UNIT_RULES}")
        if min(self.coverage_weight, self.same_location_bonus, self.same_instansi_bonus, self.seniority_weight) < 0:
            raise ValueError("fit weights must be >= 0")
        if self.fit_resolution <= 0:
            raise ValueError("fit_resolution must be > 0")
        if self.max_candidates is not None and self.max_candidates < 1:
            raise ValueError("max_candidates must be >= 1 or None")


@dataclass(frozen=True)
class PairFeatures:
    """Features of a list of (mentee, mentor) pairs, one entry per pair (the fit breakdown).

    covered_count: int32, gap competencies of the mentee in which the mentor has a strength;
    covered_value: float, sum of gap_level * gap_weight over those;
    same_location / same_instansi / same_unit / is_atasan: bool;
    fit_coverage / fit_location / fit_instansi / fit_seniority: float, the terms of the fit;
    fit_units: int64, the fit rounded to settings.fit_resolution (what is optimised);
    eligible: bool, every hard rule holds and covered_count >= 1 and the mentor's capacity > 0.
    """

    mentee: np.ndarray
    mentor: np.ndarray
    covered_count: np.ndarray
    covered_value: np.ndarray
    same_location: np.ndarray
    same_instansi: np.ndarray
    same_unit: np.ndarray
    is_atasan: np.ndarray
    fit_coverage: np.ndarray
    fit_location: np.ndarray
    fit_instansi: np.ndarray
    fit_seniority: np.ndarray
    fit_units: np.ndarray
    eligible: np.ndarray


@dataclass(frozen=True)
class Candidates:
    """Eligible pairs, sorted by mentee then mentor (at most `max_candidates` per mentee).

    n_eligible counts eligible pairs before the `max_candidates` cut, per mentee (int64 [n]).
    """

    mentee: np.ndarray
    mentor: np.ndarray
    fit_units: np.ndarray
    n_eligible: np.ndarray

    def __len__(self) -> int:
        return len(self.mentee)


@dataclass(frozen=True)
class Matching:
    """One matching and why each pair is there.

    mentor:   int32 [n], mentor index per mentee, -1 when unmatched;
    fit:      float [n], the pair's (rounded) fit, 0 when unmatched; total_fit is their sum;
    reason:   int8 [n], index into REASONS (0 = matched);
    covered_count, fit_coverage, fit_location, fit_instansi, fit_seniority, same_location, same_instansi:
              [n] breakdown of the matched pair (0/False when unmatched);
    covered_ptr / covered_competency: CSR [n+1] / [c], the gap competencies the mentor covers;
    n_candidates: candidate pairs the method saw; method: "flow" or "greedy"; optimal: proven optimal
              (over the candidate pairs given: with `max_candidates`, over the K best per mentee).
    """

    mentor: np.ndarray
    fit: np.ndarray
    reason: np.ndarray
    covered_count: np.ndarray
    fit_coverage: np.ndarray
    fit_location: np.ndarray
    fit_instansi: np.ndarray
    fit_seniority: np.ndarray
    same_location: np.ndarray
    same_instansi: np.ndarray
    covered_ptr: np.ndarray
    covered_competency: np.ndarray
    total_fit: float
    n_candidates: int
    method: str
    optimal: bool

    @property
    def n_matched(self) -> int:
        return int(np.count_nonzero(self.mentor >= 0))

    def reason_counts(self) -> dict[str, int]:
        counts = np.bincount(self.reason.astype(np.int64), minlength=len(REASONS))
        return {name: int(c) for name, c in zip(REASONS, counts, strict=True)}


# ---------------------------------------------------------------------------------------------- helpers


def _line_owner(ptr: np.ndarray) -> np.ndarray:
    """Owner row of every CSR line."""
    return np.repeat(np.arange(len(ptr) - 1, dtype=np.int64), np.diff(ptr).astype(np.int64))


def _n_competencies(mentees: Mentees, mentors: Mentors) -> int:
    a = int(mentees.gap_competency.max()) + 1 if len(mentees.gap_competency) else 0
    b = int(mentors.level_competency.max()) + 1 if len(mentors.level_competency) else 0
    return max(a, b, 1)


def _strength_keys(mentors: Mentors, settings: MatchSettings, n_comp: int) -> np.ndarray:
    """Sorted int64 keys mentor * n_comp + competency of every strength (mentors with capacity > 0 only)."""
    owner = _line_owner(mentors.level_ptr)
    keep = (mentors.level >= settings.min_level) & (mentors.capacity[owner] > 0)
    keys = owner[keep] * n_comp + mentors.level_competency[keep].astype(np.int64)
    return np.unique(keys)


def _hard_group(location: np.ndarray, instansi: np.ndarray, settings: MatchSettings, n_loc: int) -> np.ndarray:
    g = np.zeros(len(location), dtype=np.int64)
    if settings.require_same_instansi:
        g += instansi.astype(np.int64) * n_loc
    if settings.require_same_location:
        g += location.astype(np.int64)
    return g


def _terms(
    mentees: Mentees,
    mentors: Mentors,
    settings: MatchSettings,
    pi: np.ndarray,
    pj: np.ndarray,
    covered_count: np.ndarray,
    covered_value: np.ndarray,
) -> PairFeatures:
    """Rules and fit of pairs whose coverage is known."""
    s = settings
    same_loc = mentees.location[pi] == mentors.location[pj]
    same_inst = mentees.instansi[pi] == mentors.instansi[pj]
    same_unit = same_inst & (mentees.unit[pi] == mentors.unit[pj])
    is_atasan = mentees.atasan[pi] == pj
    ok = (covered_count >= 1) & (mentors.capacity[pj] > 0)
    if s.require_same_location:
        ok &= same_loc
    if s.require_same_instansi:
        ok &= same_inst
    if s.unit_rule == "within":
        ok &= same_unit
    elif s.unit_rule == "across":
        ok &= ~same_unit
    if not s.allow_direct_atasan:
        ok &= ~is_atasan
    f_cov = s.coverage_weight * covered_value.astype(np.float64)
    f_loc = (0.0 if s.require_same_location else s.same_location_bonus) * same_loc
    f_inst = (0.0 if s.require_same_instansi else s.same_instansi_bonus) * same_inst
    sen = np.clip(mentors.seniority[pj].astype(np.float64), 0, s.seniority_cap)
    f_sen = s.seniority_weight * sen
    units = np.rint((f_cov + f_loc + f_inst + f_sen) / s.fit_resolution).astype(np.int64)
    return PairFeatures(
        mentee=pi,
        mentor=pj,
        covered_count=covered_count.astype(np.int32),
        covered_value=covered_value.astype(np.float64),
        same_location=same_loc,
        same_instansi=same_inst,
        same_unit=same_unit,
        is_atasan=is_atasan,
        fit_coverage=f_cov,
        fit_location=np.asarray(f_loc, dtype=np.float64),
        fit_instansi=np.asarray(f_inst, dtype=np.float64),
        fit_seniority=f_sen,
        fit_units=units,
        eligible=ok,
    )


def _covered_lines(
    mentees: Mentees, mentors: Mentors, settings: MatchSettings, pi: np.ndarray, pj: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For every gap line of every pair: (pair index, competency, covered?) -- vectorised, for any pairs."""
    n_comp = _n_competencies(mentees, mentors)
    strengths = _strength_keys(mentors, settings, n_comp)
    lo = mentees.gap_ptr[pi].astype(np.int64)
    cnt = (mentees.gap_ptr[pi + 1] - mentees.gap_ptr[pi]).astype(np.int64)
    pair = np.repeat(np.arange(len(pi), dtype=np.int64), cnt)
    line = np.repeat(lo - (np.cumsum(cnt) - cnt), cnt) + np.arange(int(cnt.sum()), dtype=np.int64)
    comp = mentees.gap_competency[line].astype(np.int64)
    key = pj[pair].astype(np.int64) * n_comp + comp
    if len(strengths) == 0:
        return pair, line, np.zeros(len(key), dtype=bool)
    pos = np.minimum(np.searchsorted(strengths, key), len(strengths) - 1)
    hit = (strengths[pos] == key) & (mentees.gap_level[line] > 0)
    return pair, line, hit


def pair_features(
    mentees: Mentees, mentors: Mentors, settings: MatchSettings, mentee: np.ndarray, mentor: np.ndarray
) -> PairFeatures:
    """Rules, fit and breakdown of arbitrary (mentee, mentor) pairs, computed directly (no candidate index).

    Used for the breakdown of a matching, by `check_pairs`, and by tests as the reference.
    """
    pi = np.asarray(mentee, dtype=np.int64)
    pj = np.asarray(mentor, dtype=np.int64)
    pair, line, hit = _covered_lines(mentees, mentors, settings, pi, pj)
    val = mentees.gap_level[line].astype(np.float64) * mentees.gap_weight[line]
    count = np.bincount(pair[hit], minlength=len(pi))
    value = np.bincount(pair[hit], weights=val[hit], minlength=len(pi))
    return _terms(mentees, mentors, settings, pi, pj, count, value)


# ------------------------------------------------------------------------------------------- candidates


def candidate_pairs(mentees: Mentees, mentors: Mentors, settings: MatchSettings) -> Candidates:
    """Every eligible pair (or the `max_candidates` best per mentee), via an inverted index, in chunks."""
    s = settings
    n, k = mentees.n, mentors.k
    n_comp = _n_competencies(mentees, mentors)
    n_loc = int(max(mentees.location.max(initial=0), mentors.location.max(initial=0))) + 1
    # inverted index: (hard group, competency) -> mentors with a strength there, sorted by key then mentor
    m_owner = _line_owner(mentors.level_ptr)
    keep = (mentors.level >= s.min_level) & (mentors.capacity[m_owner] > 0)
    m_owner = m_owner[keep]
    g_m = _hard_group(mentors.location, mentors.instansi, s, n_loc)
    m_key = g_m[m_owner] * n_comp + mentors.level_competency[keep].astype(np.int64)
    order = np.lexsort((m_owner, m_key))
    m_key, m_owner = m_key[order], m_owner[order]
    distinct = np.r_[True, (m_key[1:] != m_key[:-1]) | (m_owner[1:] != m_owner[:-1])][: len(m_key)]  # given twice
    m_key, m_sorted = m_key[distinct], m_owner[distinct].astype(np.int32)
    # mentee gap lines that count, with the range of matching strengths
    e_owner = _line_owner(mentees.gap_ptr)
    live = mentees.gap_level > 0
    e_owner = e_owner[live]
    g_e = _hard_group(mentees.location, mentees.instansi, s, n_loc)
    e_key = g_e[e_owner] * n_comp + mentees.gap_competency[live].astype(np.int64)
    lo = np.searchsorted(m_key, e_key, side="left")
    cnt = np.searchsorted(m_key, e_key, side="right") - lo
    e_val = mentees.gap_level[live].astype(np.float64) * mentees.gap_weight[live]
    # chunks of whole mentees, each with at most about _CHUNK_ENTRIES expanded entries
    per_mentee = np.bincount(e_owner, weights=cnt, minlength=n).astype(np.int64)
    cum = np.cumsum(per_mentee)
    bounds = [0]
    while bounds[-1] < n:
        base = int(cum[bounds[-1] - 1]) if bounds[-1] > 0 else 0
        nxt = int(np.searchsorted(cum, base + _CHUNK_ENTRIES, side="right"))
        bounds.append(max(nxt, bounds[-1] + 1) if nxt < n else n)
    line_start = np.searchsorted(e_owner, np.asarray(bounds, dtype=np.int64), side="left")
    out_i: list[np.ndarray] = []
    out_j: list[np.ndarray] = []
    out_u: list[np.ndarray] = []
    n_eligible = np.zeros(n, dtype=np.int64)
    for a, b in itertools.pairwise(line_start.tolist()):
        c = cnt[a:b]
        total = int(c.sum())
        if total == 0:
            continue
        ent = np.repeat(np.arange(a, b, dtype=np.int64), c)
        offs = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(c) - c, c)
        pj = m_sorted[lo[ent] + offs].astype(np.int64)
        pi = e_owner[ent]
        key = pi * k + pj
        o = np.argsort(key, kind="stable")
        key = key[o]
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        val = np.add.reduceat(e_val[ent[o]], starts)
        count = np.diff(np.r_[starts, total])
        pi, pj = key[starts] // k, key[starts] % k
        f = _terms(mentees, mentors, s, pi, pj, count, val)
        ok = f.eligible
        pi, pj, units = pi[ok], pj[ok], f.fit_units[ok]
        n_eligible += np.bincount(pi, minlength=n)
        if s.max_candidates is not None and len(pi):
            # pairs are sorted by (mentee, mentor): one stable sort by (mentee, -fit) ranks them within a
            # mentee, ties by mentor; the kept ones stay in (mentee, mentor) order
            span = int(units.max() - units.min()) + 1
            o = np.argsort((pi - pi[0]) * span - (units - units.min()), kind="stable")
            first = np.r_[True, pi[o][1:] != pi[o][:-1]]
            start = np.maximum.accumulate(np.where(first, np.arange(len(pi)), 0))
            keep_top = np.zeros(len(pi), dtype=bool)
            keep_top[o[(np.arange(len(pi)) - start) < s.max_candidates]] = True
            pi, pj, units = pi[keep_top], pj[keep_top], units[keep_top]
        out_i.append(pi.astype(np.int32))
        out_j.append(pj.astype(np.int32))
        out_u.append(units)
    if out_i:
        return Candidates(np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_u), n_eligible)
    z = np.zeros(0, dtype=np.int32)
    return Candidates(z, z, np.zeros(0, dtype=np.int64), n_eligible)


# ---------------------------------------------------------------------------------------------- solvers


def _result(
    mentees: Mentees,
    mentors: Mentors,
    settings: MatchSettings,
    assigned: np.ndarray,
    cands: Candidates,
    method: str,
    optimal: bool,
) -> Matching:
    n = mentees.n
    has_gap = np.bincount(_line_owner(mentees.gap_ptr)[mentees.gap_level > 0], minlength=n) > 0
    reason = np.where(assigned >= 0, MATCHED, np.where(~has_gap, NO_GAP, NO_ELIGIBLE_MENTOR)).astype(np.int8)
    reason[(assigned < 0) & has_gap & (cands.n_eligible > 0)] = CAPACITY
    mi = np.flatnonzero(assigned >= 0)
    f = pair_features(mentees, mentors, settings, mi, assigned[mi])

    def per_mentee(values: np.ndarray, dtype: type) -> np.ndarray:
        out: np.ndarray = np.zeros(n, dtype=dtype)
        out[mi] = values
        return out

    fit = per_mentee(f.fit_units * settings.fit_resolution, np.float64)
    pair, line, hit = _covered_lines(mentees, mentors, settings, mi, assigned[mi])
    cov_count = np.bincount(mi[pair[hit]], minlength=n) if len(mi) else np.zeros(n, dtype=np.int64)
    covered_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(cov_count, out=covered_ptr[1:])
    # lines come grouped by pair in mentee order (mi is sorted), so they are already in CSR order
    covered_comp = mentees.gap_competency[line[hit]].astype(np.int32)
    return Matching(
        mentor=assigned.astype(np.int32),
        fit=fit,
        reason=reason,
        covered_count=per_mentee(f.covered_count, np.int32),
        fit_coverage=per_mentee(f.fit_coverage, np.float64),
        fit_location=per_mentee(f.fit_location, np.float64),
        fit_instansi=per_mentee(f.fit_instansi, np.float64),
        fit_seniority=per_mentee(f.fit_seniority, np.float64),
        same_location=per_mentee(f.same_location, bool),
        same_instansi=per_mentee(f.same_instansi, bool),
        covered_ptr=covered_ptr,
        covered_competency=covered_comp,
        total_fit=float(int(f.fit_units.sum()) * settings.fit_resolution),
        n_candidates=len(cands),
        method=method,
        optimal=optimal,
    )


def _solve_flow(
    pi: np.ndarray, pj: np.ndarray, units: np.ndarray, capacity: np.ndarray, match_first: bool
) -> np.ndarray:
    """One min-cost flow on local indexes (mentees 0..a-1 in pi, mentors 0..b-1 in pj): which pairs are used."""
    from ortools.graph.python import min_cost_flow

    a, b = int(pi.max()) + 1, len(capacity)
    # nodes: 0 source, 1..a mentees, a+1..a+b mentors, a+b+1 sink; arcs: source->mentee, pairs, mentor->sink
    src, sink = 0, a + b + 1
    caps = np.minimum(capacity.astype(np.int64), np.iinfo(np.int32).max)
    tails = np.concatenate([np.zeros(a, np.int64), pi + 1, np.arange(a + 1, a + b + 1, dtype=np.int64)])
    heads = np.concatenate([np.arange(1, a + 1, dtype=np.int64), pj + a + 1, np.full(b, sink, np.int64)])
    capac = np.concatenate([np.ones(a + len(pi), np.int64), caps])
    costs = np.concatenate([np.zeros(a, np.int64), -units, np.zeros(b, np.int64)])
    if not match_first:  # bypass: the flow may leave any mentee out at no cost
        tails, heads, capac, costs = np.r_[tails, src], np.r_[heads, sink], np.r_[capac, a], np.r_[costs, 0]
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capac, costs)
    flow.set_node_supply(src, a)
    flow.set_node_supply(sink, -a)
    status = flow.solve_max_flow_with_min_cost() if match_first else flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min cost flow failed: status {status}")
    return np.asarray(flow.flows(np.arange(a, a + len(pi), dtype=np.int64))) > 0


def match(
    mentees: Mentees,
    mentors: Mentors,
    settings: MatchSettings,
    *,
    candidates: Candidates | None = None,
    workers: int = 1,
) -> Matching:
    """Optimal matching by min-cost flow (OR-Tools): most mentees matched first (`match_first`), then most fit.

    With a hard rule (same instansi / location) the pairs never cross groups, so each group is its own
    independent flow: solved one after the other they take about two thirds of the time of one big flow
    (measured at 100,000 x 20,000), and the union of optimal group matchings is optimal.
    `workers` > 1 solves the groups in that many processes (spawned; OR-Tools holds the GIL, so threads would
    not help); keep 1 inside a daemonic worker process (Celery prefork), which may not have children.
    `candidates` lets a caller reuse `candidate_pairs` (the benchmark times the two steps apart).
    """
    cands = candidate_pairs(mentees, mentors, settings) if candidates is None else candidates
    n, k = mentees.n, mentors.k
    assigned = np.full(n, -1, dtype=np.int64)
    if len(cands) == 0:
        return _result(mentees, mentors, settings, assigned, cands, "flow", True)
    if np.any(np.diff(cands.mentee) < 0):  # caller's candidates out of order: sort them by mentee
        o = np.argsort(cands.mentee, kind="stable")
        cands = Candidates(cands.mentee[o], cands.mentor[o], cands.fit_units[o], cands.n_eligible)
    pi_all = cands.mentee.astype(np.int64)
    pj_all = cands.mentor.astype(np.int64)
    n_loc = int(max(mentees.location.max(initial=0), mentors.location.max(initial=0))) + 1
    g_e = _hard_group(mentees.location, mentees.instansi, settings, n_loc)
    g_m = _hard_group(mentors.location, mentors.instansi, settings, n_loc)
    if np.any(g_e[pi_all] != g_m[pj_all]):  # candidates given by the caller that cross groups: one flow
        g_e, g_m = np.zeros(n, np.int64), np.zeros(k, np.int64)
    # candidates are sorted by mentee: pair range of each mentee
    ptr = np.searchsorted(pi_all, np.arange(n + 1, dtype=np.int64))
    active = np.flatnonzero(np.diff(ptr) > 0)
    by_group = active[np.argsort(g_e[active], kind="stable")]
    g_sorted = g_e[by_group]
    cuts = np.flatnonzero(np.r_[True, g_sorted[1:] != g_sorted[:-1], True])
    m_order = np.argsort(g_m, kind="stable")
    m_sorted_g = g_m[m_order]
    m_local = np.empty(k, dtype=np.int64)
    tasks: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, bool]] = []
    pair_index: list[np.ndarray] = []
    for lo, hi in itertools.pairwise(cuts.tolist()):
        group_mentees = by_group[lo:hi]
        g = g_sorted[lo]
        m_lo = int(np.searchsorted(m_sorted_g, g, side="left"))
        m_hi = int(np.searchsorted(m_sorted_g, g, side="right"))
        group_mentors = m_order[m_lo:m_hi]
        m_local[group_mentors] = np.arange(len(group_mentors))
        cnt = ptr[group_mentees + 1] - ptr[group_mentees]
        idx = np.repeat(ptr[group_mentees] - (np.cumsum(cnt) - cnt), cnt) + np.arange(int(cnt.sum()))
        local_i = np.repeat(np.arange(len(group_mentees), dtype=np.int64), cnt)
        tasks.append(
            (local_i, m_local[pj_all[idx]], cands.fit_units[idx], mentors.capacity[group_mentors], settings.match_first)
        )
        pair_index.append(idx)
    if workers > 1 and len(tasks) > 1:
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        # biggest groups first, so that the workers finish together
        order = sorted(range(len(tasks)), key=lambda t: -len(tasks[t][0]))
        with ProcessPoolExecutor(min(workers, len(tasks)), mp_context=get_context("spawn")) as pool:
            futures = {t: pool.submit(_solve_flow, *tasks[t]) for t in order}
            results = [futures[t].result() for t in range(len(tasks))]
    else:
        results = [_solve_flow(*task) for task in tasks]
    for idx, used in zip(pair_index, results, strict=True):
        assigned[pi_all[idx[used]]] = pj_all[idx[used]]
    return _result(mentees, mentors, settings, assigned, cands, "flow", True)


def greedy_matching(
    mentees: Mentees, mentors: Mentors, settings: MatchSettings, *, candidates: Candidates | None = None
) -> Matching:
    """Baseline: take pairs best fit first (ties by mentee, mentor) while the mentee is free and seats remain."""
    cands = candidate_pairs(mentees, mentors, settings) if candidates is None else candidates
    order = np.lexsort((cands.mentor, cands.mentee, -cands.fit_units))
    seats = mentors.capacity.astype(np.int64).tolist()
    assigned = [-1] * mentees.n
    for i, j in zip(cands.mentee[order].tolist(), cands.mentor[order].tolist(), strict=True):
        if assigned[i] < 0 and seats[j] > 0:
            assigned[i] = j
            seats[j] -= 1
    return _result(mentees, mentors, settings, np.asarray(assigned, dtype=np.int64), cands, "greedy", False)


# ------------------------------------------------------------------------------------------------ checks


def check_pairs(
    mentee: np.ndarray, mentor: np.ndarray, mentees: Mentees, mentors: Mentors, settings: MatchSettings
) -> list[str]:
    """Violations of a list of (mentee, mentor) pairs: range, duplicate mentee or pair, capacity, eligibility."""
    pi = np.asarray(mentee, dtype=np.int64)
    pj = np.asarray(mentor, dtype=np.int64)
    problems: list[str] = []
    if len(pi) != len(pj):
        return ["mentee and mentor lists differ in length"]
    bad = (pi < 0) | (pi >= mentees.n) | (pj < 0) | (pj >= mentors.k)
    for t in np.flatnonzero(bad)[:20]:
        problems.append(f"pair {t}: index out of range ({pi[t]}, {pj[t]})")
    pi, pj = pi[~bad], pj[~bad]
    counts = np.bincount(pi, minlength=mentees.n)
    for i in np.flatnonzero(counts > 1)[:20]:
        problems.append(f"duplicate: mentee {i} has {counts[i]} mentors")
    load = np.bincount(pj, minlength=mentors.k)
    for j in np.flatnonzero(load > mentors.capacity)[:20]:
        problems.append(f"capacity: mentor {j} has {load[j]} mentees > capacity {mentors.capacity[j]}")
    f = pair_features(mentees, mentors, settings, pi, pj)
    for t in np.flatnonzero(~f.eligible)[:20]:
        why = []
        if f.covered_count[t] < 1:
            why.append(f"no strength >= {settings.min_level} in a gap competency")
        if mentors.capacity[pj[t]] <= 0:
            why.append("mentor capacity 0")
        if settings.require_same_location and not f.same_location[t]:
            why.append("different location")
        if settings.require_same_instansi and not f.same_instansi[t]:
            why.append("different instansi")
        if settings.unit_rule == "within" and not f.same_unit[t]:
            why.append("different unit")
        if settings.unit_rule == "across" and f.same_unit[t]:
            why.append("same unit")
        if not settings.allow_direct_atasan and f.is_atasan[t]:
            why.append("direct atasan")
        problems.append(f"eligibility: mentee {pi[t]} - mentor {pj[t]}: {', '.join(why)}")
    return problems


def check_matching(matching: Matching, mentees: Mentees, mentors: Mentors, settings: MatchSettings) -> list[str]:
    """Every violated constraint of a matching (empty list = valid), plus consistency of fit and reasons."""
    if len(matching.mentor) != mentees.n:
        return [f"matching has {len(matching.mentor)} entries for {mentees.n} mentees"]
    mi = np.flatnonzero(matching.mentor >= 0)
    problems = check_pairs(mi, matching.mentor[mi], mentees, mentors, settings)
    if problems:
        return problems
    f = pair_features(mentees, mentors, settings, mi, matching.mentor[mi])
    fit = np.zeros(mentees.n)
    fit[mi] = f.fit_units * settings.fit_resolution
    if not np.allclose(fit, matching.fit):
        problems.append("fit: per-mentee fit differs from the fit of the pair")
    if not np.isclose(float(fit.sum()), matching.total_fit):
        problems.append("fit: total_fit differs from the sum of the fits")
    if np.any((matching.reason == MATCHED) != (matching.mentor >= 0)):
        problems.append("reason: matched mentees and reason 'matched' disagree")
    return problems
