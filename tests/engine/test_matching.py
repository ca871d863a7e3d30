"""Mentor matching (engine/matching.py): hard rules, capacities, exact optimum against brute force, reasons."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bangkom.engine import matching as M  # noqa: N812


def _mentees(gaps, location=None, instansi=None, unit=None, atasan=None, weights=None):
    """gaps: one list of (competency, gap level) per mentee."""
    n = len(gaps)
    ptr = np.r_[0, np.cumsum([len(g) for g in gaps])].astype(np.int64)
    comp = np.array([c for g in gaps for c, _ in g], dtype=np.int32)
    lvl = np.array([v for g in gaps for _, v in g], dtype=np.int64)
    return M.Mentees(
        gap_ptr=ptr,
        gap_competency=comp,
        gap_level=lvl,
        location=np.asarray(location if location is not None else [0] * n),
        instansi=np.asarray(instansi if instansi is not None else [0] * n),
        unit=np.asarray(unit if unit is not None else [0] * n),
        atasan=np.asarray(atasan if atasan is not None else [-1] * n),
        gap_weight=np.ones(len(comp)) if weights is None else np.asarray(weights, dtype=float),
    )


def _mentors(levels, capacity=None, location=None, instansi=None, unit=None, seniority=None):
    """levels: one list of (competency, assessed level) per mentor."""
    k = len(levels)
    ptr = np.r_[0, np.cumsum([len(g) for g in levels])].astype(np.int64)
    return M.Mentors(
        capacity=np.asarray(capacity if capacity is not None else [1] * k),
        level_ptr=ptr,
        level_competency=np.array([c for g in levels for c, _ in g], dtype=np.int32),
        level=np.array([v for g in levels for _, v in g], dtype=np.int64),
        location=np.asarray(location if location is not None else [0] * k),
        instansi=np.asarray(instansi if instansi is not None else [0] * k),
        unit=np.asarray(unit if unit is not None else [0] * k),
        seniority=np.asarray(seniority if seniority is not None else [0] * k),
    )


# -------------------------------------------------------------------------------- plain reference rules


def _ref_fit(me: M.Mentees, mo: M.Mentors, s: M.MatchSettings, i: int, j: int) -> int | None:
    """Fit units of (i, j) written out plainly, None when the pair is not eligible."""
    if mo.capacity[j] <= 0:
        return None
    strengths = {
        int(mo.level_competency[t]) for t in range(mo.level_ptr[j], mo.level_ptr[j + 1]) if mo.level[t] >= s.min_level
    }
    value, covered = 0.0, 0
    for t in range(me.gap_ptr[i], me.gap_ptr[i + 1]):
        if me.gap_level[t] > 0 and int(me.gap_competency[t]) in strengths:
            covered += 1
            value += float(me.gap_level[t]) * float(me.gap_weight[t])
    same_loc = me.location[i] == mo.location[j]
    same_inst = me.instansi[i] == mo.instansi[j]
    same_unit = same_inst and me.unit[i] == mo.unit[j]
    if covered == 0 or (s.require_same_location and not same_loc) or (s.require_same_instansi and not same_inst):
        return None
    if (s.unit_rule == "within" and not same_unit) or (s.unit_rule == "across" and same_unit):
        return None
    if not s.allow_direct_atasan and me.atasan[i] == j:
        return None
    fit = s.coverage_weight * value + s.seniority_weight * min(max(int(mo.seniority[j]), 0), s.seniority_cap)
    if same_loc and not s.require_same_location:
        fit += s.same_location_bonus
    if same_inst and not s.require_same_instansi:
        fit += s.same_instansi_bonus
    return round(fit / s.fit_resolution)


def _brute_force(me: M.Mentees, mo: M.Mentors, s: M.MatchSettings) -> tuple[int, int]:
    """Best (matched, total fit units) over every assignment when match_first, else best (0, total fit units)."""
    options = []
    for i in range(me.n):
        opts = [(-1, 0)]
        for j in range(mo.k):
            f = _ref_fit(me, mo, s, i, j)
            if f is not None:
                opts.append((j, f))
        options.append(opts)
    best = (0, 0)
    for combo in itertools.product(*options):
        load = np.bincount([j for j, _ in combo if j >= 0], minlength=mo.k)
        if np.any(load > mo.capacity):
            continue
        matched = sum(j >= 0 for j, _ in combo)
        total = sum(f for _, f in combo)
        best = max(best, (matched if s.match_first else 0, total))
    return best


def _random_instance(seed: int, n: int, k: int, comps: int = 4, groups: int = 2):
    rng = np.random.default_rng(seed)
    gaps = [
        [(int(c), int(rng.integers(0, 4))) for c in rng.choice(comps, int(rng.integers(0, 4)), replace=False)]
        for _ in range(n)
    ]
    levels = [
        [(int(c), int(rng.integers(2, 6))) for c in rng.choice(comps, int(rng.integers(1, 4)), replace=False)]
        for _ in range(k)
    ]
    me = _mentees(
        gaps,
        location=rng.integers(0, groups, n),
        instansi=rng.integers(0, groups, n),
        unit=rng.integers(0, groups, n),
        atasan=rng.integers(-1, k, n) if k else np.full(n, -1),
        weights=rng.choice([0.5, 1.0, 2.0], sum(len(g) for g in gaps)),
    )
    mo = _mentors(
        levels,
        capacity=rng.choice([0, 1, 1, 2], k),
        location=rng.integers(0, groups, k),
        instansi=rng.integers(0, groups, k),
        unit=rng.integers(0, groups, k),
        seniority=rng.integers(-2, 40, k),
    )
    return me, mo


def _random_settings(seed: int, **overrides) -> M.MatchSettings:
    rng = np.random.default_rng(seed + 7)
    kw = {
        "min_level": int(rng.integers(2, 5)),
        "require_same_location": bool(rng.random() < 0.2),
        "require_same_instansi": bool(rng.random() < 0.3),
        "unit_rule": str(rng.choice(["any", "any", "within", "across"])),
        "allow_direct_atasan": bool(rng.random() < 0.5),
        "seniority_weight": float(rng.choice([0.0, 0.2, 1.0])),
        "same_location_bonus": float(rng.choice([0.0, 2.0, 15.0])),
    }
    kw.update(overrides)
    return M.MatchSettings(**kw)


# ---------------------------------------------------------------------------------------- rule tables

# one mentee (gap 2 in competency 0), one mentor (level 4 in competency 0), capacity 1
_BASE_MENTEE = {"location": [0], "instansi": [0], "unit": [0], "atasan": [-1]}
_BASE_MENTOR = {"location": [0], "instansi": [0], "unit": [0], "capacity": [1], "level": 4}


@pytest.mark.parametrize(
    ("settings_kw", "mentee_kw", "mentor_kw", "eligible"),
    [
        ({}, {}, {}, True),
        # min level: the mentor's level must reach it in a gap competency
        ({"min_level": 4}, {}, {"level": 3}, False),
        ({"min_level": 3}, {}, {"level": 3}, True),
        ({"min_level": 5}, {}, {"level": 5}, True),
        # same instansi required (default) / not required
        ({}, {}, {"instansi": [1]}, False),
        ({"require_same_instansi": False}, {}, {"instansi": [1]}, True),
        # same location required / only preferred
        ({"require_same_location": True}, {}, {"location": [3]}, False),
        ({"require_same_location": True}, {"location": [3]}, {"location": [3]}, True),
        ({"require_same_location": False}, {}, {"location": [3]}, True),
        # unit rule
        ({"unit_rule": "within"}, {}, {}, True),
        ({"unit_rule": "within"}, {}, {"unit": [1]}, False),
        ({"unit_rule": "across"}, {}, {}, False),
        ({"unit_rule": "across"}, {}, {"unit": [1]}, True),
        # same unit number in another instansi is another unit
        ({"unit_rule": "across", "require_same_instansi": False}, {}, {"instansi": [1]}, True),
        ({"unit_rule": "any"}, {}, {"unit": [1]}, True),
        # direct atasan
        ({"allow_direct_atasan": True}, {"atasan": [0]}, {}, True),
        ({"allow_direct_atasan": False}, {"atasan": [0]}, {}, False),
        ({"allow_direct_atasan": False}, {"atasan": [-1]}, {}, True),
        # capacity 0 = takes no mentee
        ({}, {}, {"capacity": [0]}, False),
    ],
)
def test_eligibility_rules(settings_kw, mentee_kw, mentor_kw, eligible):
    mk = {**_BASE_MENTEE, **mentee_kw}
    ok = {**_BASE_MENTOR, **mentor_kw}
    level = ok.pop("level")
    me = _mentees([[(0, 2)]], **mk)
    mo = _mentors([[(0, level), (1, 5)]], **ok)
    s = M.MatchSettings(**settings_kw)
    cands = M.candidate_pairs(me, mo, s)
    assert (len(cands) == 1) is eligible
    assert bool(M.pair_features(me, mo, s, np.array([0]), np.array([0])).eligible[0]) is eligible
    r = M.match(me, mo, s)
    assert r.mentor.tolist() == ([0] if eligible else [-1])
    assert r.reason.tolist() == ([M.MATCHED] if eligible else [M.NO_ELIGIBLE_MENTOR])
    assert M.check_matching(r, me, mo, s) == []
    if not eligible:  # forcing the pair is reported
        assert any(p.startswith("eligibility") for p in M.check_pairs([0], [0], me, mo, s))


def test_strength_only_in_a_non_gap_competency_is_not_enough():
    me = _mentees([[(0, 2), (1, 0)]])  # competency 1 is met (gap 0)
    mo = _mentors([[(1, 5), (2, 5)]])
    assert len(M.candidate_pairs(me, mo, M.MatchSettings())) == 0


@pytest.mark.parametrize(
    ("settings_kw", "expected"),
    [
        # coverage 10 x (2 + 1), seniority 0.2 x 10, location bonus 2 (not required), instansi required: no bonus
        ({}, 30 + 2 + 2),
        ({"require_same_location": True}, 30 + 2),
        ({"require_same_instansi": False}, 30 + 2 + 2 + 1),
        ({"seniority_cap": 5}, 30 + 1 + 2),
        ({"coverage_weight": 1.0, "seniority_weight": 0.0}, 3 + 2),
    ],
)
def test_fit_breakdown(settings_kw, expected):
    me = _mentees([[(0, 2), (1, 1), (2, 3)]])
    mo = _mentors([[(0, 4), (1, 5), (2, 3)]], seniority=[10])
    s = M.MatchSettings(**settings_kw)
    r = M.match(me, mo, s)
    assert r.fit[0] == pytest.approx(expected)
    assert r.total_fit == pytest.approx(expected)
    assert r.covered_count[0] == 2
    assert sorted(r.covered_competency[r.covered_ptr[0] : r.covered_ptr[1]].tolist()) == [0, 1]
    parts = r.fit_coverage[0] + r.fit_location[0] + r.fit_instansi[0] + r.fit_seniority[0]
    assert parts == pytest.approx(expected)
    assert bool(r.same_location[0]) and bool(r.same_instansi[0])


def test_unmatched_reasons():
    # mentee 0: no gap; 1: gaps nobody covers; 2 and 3 compete for mentor 0 (capacity 1); 4: covered by mentor 1
    me = _mentees([[], [(9, 2)], [(0, 2)], [(0, 1)], [(1, 1)], [(0, 0)]])
    mo = _mentors([[(0, 5)], [(1, 5)]], capacity=[1, 3])
    s = M.MatchSettings()
    for r in (M.match(me, mo, s), M.greedy_matching(me, mo, s)):
        assert r.mentor.tolist() == [-1, -1, 0, -1, 1, -1]
        names = [M.REASONS[c] for c in r.reason]
        assert names == ["no_gap", "no_eligible_mentor", "matched", "capacity", "matched", "no_gap"]
        assert r.reason_counts() == {"matched": 2, "no_gap": 2, "no_eligible_mentor": 1, "capacity": 1}
        assert M.check_matching(r, me, mo, s) == []


def test_match_first_prefers_more_matches_over_more_fit():
    # mentor 0 (cap 1) is much better for mentee 0, but mentee 1 can only go to mentor 0
    me = _mentees([[(0, 3), (1, 3)], [(1, 1)]])
    mo = _mentors([[(0, 5), (1, 5)], [(0, 5)]], seniority=[0, 0])
    lexi = M.match(me, mo, M.MatchSettings())
    assert lexi.mentor.tolist() == [1, 0]
    fit_only = M.match(me, mo, M.MatchSettings(match_first=False))
    assert fit_only.total_fit > lexi.total_fit
    assert fit_only.n_matched == 1


@pytest.mark.parametrize("match_first", [True, False])
def test_greedy_can_be_worse_than_the_flow(match_first):
    # A-X 34, A-Y 32, B-X 24: greedy takes A-X and leaves B out; the flow serves both (56)
    me = _mentees([[(0, 3)], [(1, 2)]])
    mo = _mentors([[(0, 5), (1, 5)], [(0, 5)]], capacity=[1, 1], seniority=[10, 0])
    s = M.MatchSettings(match_first=match_first)
    g, f = M.greedy_matching(me, mo, s), M.match(me, mo, s)
    assert (g.mentor.tolist(), g.total_fit) == ([0, -1], pytest.approx(34))
    assert (f.mentor.tolist(), f.total_fit) == ([1, 0], pytest.approx(56))
    assert M.check_matching(g, me, mo, s) == [] and M.check_matching(f, me, mo, s) == []
    assert g.reason.tolist() == [M.MATCHED, M.CAPACITY]


def test_max_candidates_keeps_the_best():
    me = _mentees([[(0, 1)]])
    mo = _mentors([[(0, 5)]] * 4, capacity=[1] * 4, seniority=[1, 9, 5, 9])
    c = M.candidate_pairs(me, mo, M.MatchSettings(max_candidates=2))
    assert c.mentor.tolist() == [1, 3]
    assert c.n_eligible.tolist() == [4]


def test_check_pairs_reports_capacity_duplicates_and_range():
    me = _mentees([[(0, 1)], [(0, 1)]])
    mo = _mentors([[(0, 5)]], capacity=[1])
    s = M.MatchSettings()
    problems = M.check_pairs([0, 1, 0, 5], [0, 0, 0, 0], me, mo, s)
    assert any(p.startswith("capacity") for p in problems)
    assert any(p.startswith("duplicate") for p in problems)
    assert any("out of range" in p for p in problems)


def test_empty_inputs():
    me = _mentees([])
    mo = _mentors([])
    s = M.MatchSettings()
    r = M.match(me, mo, s)
    assert r.n_matched == 0 and r.total_fit == 0 and M.check_matching(r, me, mo, s) == []
    me = _mentees([[(0, 1)]])
    r = M.match(me, mo, s)
    assert r.reason.tolist() == [M.NO_ELIGIBLE_MENTOR]


# ------------------------------------------------------------------------------ optimality and properties


@pytest.mark.parametrize("seed", range(40))
def test_flow_equals_brute_force(seed):
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(2, 7)), int(rng.integers(2, 4))
    me, mo = _random_instance(seed, n, k, comps=3)
    s = _random_settings(seed, match_first=bool(seed % 4))
    best_matched, best_units = _brute_force(me, mo, s)
    r = M.match(me, mo, s)
    assert M.check_matching(r, me, mo, s) == []
    if s.match_first:
        assert r.n_matched == best_matched
    assert round(r.total_fit / s.fit_resolution) == best_units
    # per-pair fits agree with the plain reference
    for i in np.flatnonzero(r.mentor >= 0):
        assert round(r.fit[i] / s.fit_resolution) == _ref_fit(me, mo, s, int(i), int(r.mentor[i]))


@pytest.mark.parametrize("seed", range(15))
def test_candidates_equal_plain_enumeration(seed):
    me, mo = _random_instance(seed, 12, 6, comps=5, groups=3)
    s = _random_settings(seed)
    c = M.candidate_pairs(me, mo, s)
    expected = {(i, j): f for i in range(me.n) for j in range(mo.k) if (f := _ref_fit(me, mo, s, i, j)) is not None}
    got = dict(zip(zip(c.mentee.tolist(), c.mentor.tolist(), strict=True), c.fit_units.tolist(), strict=True))
    assert got == expected


def test_candidates_in_many_chunks_equal_one_chunk(monkeypatch):
    me, mo = _random_instance(3, 60, 20, comps=3, groups=1)
    s = M.MatchSettings(min_level=2)
    whole = M.candidate_pairs(me, mo, s)
    monkeypatch.setattr(M, "_CHUNK_ENTRIES", 7)
    parts = M.candidate_pairs(me, mo, s)
    assert len(whole) > 50
    for a, b in [(whole.mentee, parts.mentee), (whole.mentor, parts.mentor), (whole.fit_units, parts.fit_units)]:
        assert a.tolist() == b.tolist()


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 100_000),
    n=st.integers(0, 25),
    k=st.integers(0, 8),
    match_first=st.booleans(),
    max_candidates=st.sampled_from([None, 1, 2]),
)
def test_capacities_hold_pairs_eligible_and_greedy_never_better(seed, n, k, match_first, max_candidates):
    me, mo = _random_instance(seed, n, k, comps=4, groups=2)
    s = _random_settings(seed, match_first=match_first, max_candidates=max_candidates)
    flow = M.match(me, mo, s)
    greedy = M.greedy_matching(me, mo, s)
    for r in (flow, greedy):
        assert M.check_matching(r, me, mo, s) == []
        load = np.bincount(r.mentor[r.mentor >= 0], minlength=k)
        assert np.all(load <= mo.capacity)
        unmatched_with_candidates = (r.mentor < 0) & (M.candidate_pairs(me, mo, s).n_eligible > 0)
        assert np.all(r.reason[unmatched_with_candidates] == M.CAPACITY)
    if match_first:
        assert (greedy.n_matched, greedy.total_fit) <= (flow.n_matched, flow.total_fit + 1e-9)
    else:
        assert greedy.total_fit <= flow.total_fit + 1e-9


def test_caller_candidates_across_groups_are_solved_as_one_flow():
    # candidates built without the instansi rule, solved under settings that have it: one flow, still optimal
    me, mo = _random_instance(5, 10, 4, comps=3, groups=2)
    loose = M.MatchSettings(require_same_instansi=False, min_level=2)
    cands = M.candidate_pairs(me, mo, loose)
    strict = M.MatchSettings(require_same_instansi=True, min_level=2)
    r = M.match(me, mo, strict, candidates=cands)
    assert r.n_matched == M.match(me, mo, loose).n_matched
    assert np.all(np.bincount(r.mentor[r.mentor >= 0], minlength=mo.k) <= mo.capacity)


def test_groups_in_worker_processes_give_the_same_matching():
    me, mo = _random_instance(11, 80, 20, comps=4, groups=3)
    s = M.MatchSettings(min_level=2, require_same_instansi=True, require_same_location=True)
    one, two = M.match(me, mo, s), M.match(me, mo, s, workers=2)
    assert one.n_matched > 10
    assert (one.n_matched, one.total_fit) == (two.n_matched, two.total_fit)
    assert M.check_matching(two, me, mo, s) == []


def test_a_level_given_twice_counts_once_and_candidates_in_any_order():
    me = _mentees([[(0, 2)], [(0, 1)]])
    mo = _mentors([[(0, 5), (0, 5)], [(0, 4)]], capacity=[1, 1])
    s = M.MatchSettings()
    c = M.candidate_pairs(me, mo, s)
    assert c.fit_units.tolist() == [2200, 2200, 1200, 1200]
    o = np.array([3, 1, 2, 0])
    shuffled = M.Candidates(c.mentee[o], c.mentor[o], c.fit_units[o], c.n_eligible)
    r = M.match(me, mo, s, candidates=shuffled)
    assert r.n_matched == 2 and M.check_matching(r, me, mo, s) == []
