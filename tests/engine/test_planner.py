"""Planner (engine/planner.py): near-optimal against the exact MILP, feasible, minimum first, reasons for odd input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bangkom.engine import planner as P  # noqa: N812


def _instance(seed: int, n: int = 30, p: int = 12, comps: int = 10, rho: float = 0.0):
    rng = np.random.default_rng(seed)
    emp = P.Employees(
        jp_current=rng.integers(0, 3000, n),
        jp_minimum=np.where(rng.random(n) < 0.85, 2000, 0),
        jp_cap=rng.integers(1000, 6000, n),
    )
    per = rng.integers(1, 5, n)
    e = np.repeat(np.arange(n), per)
    m = len(e)
    needs = P.Needs(e, rng.integers(0, comps, m), rng.integers(1, 4, m), rng.integers(1, 4, m).astype(float))
    so = np.repeat(np.arange(p), rng.integers(1, 3, p))
    off = P.Offerings(
        form=rng.integers(1, 26, p),
        mix=rng.integers(0, 3, p),
        jp=rng.choice([200, 400, 800, 1600, 2400], p),
        cost=np.where(rng.random(p) < 0.5, rng.integers(1, 20, p) * 100_000, 0),
        seats=rng.integers(-1, 10, p),
        support_offering=so,
        support_competency=rng.integers(0, comps, len(so)),
        support_increase=rng.integers(1, 3, len(so)),
    )
    budget = float(off.cost.sum()) * n / max(p, 1) / 6
    return emp, needs, off, P.PlanSettings(budget=budget, mix_penalty=rho)


def _reason(code: int) -> str:
    return P.NEED_REASONS[code]


@pytest.mark.parametrize("seed", range(12))
def test_planner_within_half_percent_of_exact_milp_and_feasible(seed):
    emp, needs, off, s = _instance(seed, rho=float(seed % 3))
    exact = P.milp_plan(emp, needs, off, s, time_limit=60)
    assert exact.gap < 1e-4  # solved to optimality
    got = P.plan(emp, needs, off, s)
    assert P.check_plan(got, emp, needs, off, s.budget) == []
    assert P.check_plan(exact, emp, needs, off, s.budget) == []
    assert got.objective >= 0.995 * exact.objective - 1e-6
    assert got.bound >= exact.objective - 1e-6 * max(1.0, abs(exact.objective))
    assert got.gap <= 0.005 + 1e-9
    base = P.greedy_plan(emp, needs, off, s)
    assert P.check_plan(base, emp, needs, off, s.budget) == []
    assert base.objective <= exact.objective + 1e-6


@pytest.mark.parametrize("seed", range(8))
def test_lagrangian_alone_gives_a_valid_bound_and_a_feasible_plan(seed):
    """Without the exact finish, the relaxation's bound must still be an upper bound of the optimum."""
    emp, needs, off, s = _instance(100 + seed, n=40, rho=float(seed % 2) * 0.5)
    lag = P.PlanSettings(budget=s.budget, mix_penalty=s.mix_penalty, exact_below=0, iterations=40)
    got = P.plan(emp, needs, off, lag)
    exact = P.milp_plan(emp, needs, off, s, time_limit=60)
    assert P.check_plan(got, emp, needs, off, s.budget) == []
    assert got.bound >= exact.objective - 1e-6 * max(1.0, abs(exact.objective))
    assert got.objective <= exact.objective + 1e-6
    assert got.objective >= 0.9 * exact.objective


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(0, 12), p=st.integers(0, 6), budget=st.sampled_from([0.0, 1e6, 1e9]))
def test_any_instance_gives_a_feasible_plan_with_reasons(seed, n, p, budget):
    emp, needs, off, s = _instance(seed, n=n, p=p, comps=4)
    s = P.PlanSettings(budget=budget, mix_penalty=0.1)
    got = P.plan(emp, needs, off, s)
    assert P.check_plan(got, emp, needs, off, budget) == []
    assert got.bound >= got.objective - 1e-6 * max(1.0, abs(got.objective))
    # Every need is either closed by an assignment or says why not.
    closed = got.need_assignment >= 0
    assert np.all((got.need_reason == P.CLOSED) == closed)
    assert len(got.below_minimum) == len(got.below_minimum_reason)


def _one(
    *,
    current=(0,),
    minimum=(2000,),
    cap=(4000,),
    need_emp=(0,),
    need_comp=(0,),
    gap=(2,),
    weight=(1.0,),
    mix=(2,),
    jp=(2400,),
    cost=(1_000_000,),
    seats=(-1,),
    sup_off=(0,),
    sup_comp=(0,),
    sup_inc=(2,),
):
    def a(x, dt=np.int64):
        return np.asarray(x, dtype=dt)

    emp = P.Employees(a(current), a(minimum), a(cap))
    needs = P.Needs(a(need_emp), a(need_comp), a(gap), a(weight, np.float64))
    off = P.Offerings(a([1] * len(jp)), a(mix), a(jp), a(cost, np.float64), a(seats), a(sup_off), a(sup_comp),
                      a(sup_inc))
    return emp, needs, off


def test_pegawai_below_minimum_is_served_first():
    # One seat; pegawai 1 has the bigger, heavier need but pegawai 0 is below the legal minimum.
    emp, needs, off = _one(
        current=(500, 5000), minimum=(2000, 2000), cap=(4000, 4000), need_emp=(0, 1), need_comp=(0, 0),
        gap=(1, 3), weight=(1.0, 3.0), seats=(1,), sup_inc=(3,),
    )
    for fn in (P.plan, P.greedy_plan, P.milp_plan):
        got = fn(emp, needs, off, P.PlanSettings(budget=1e9))
        assert got.employee.tolist() == [0], fn
        assert _reason(got.need_reason[1]) == "seats"
        assert got.below_minimum.tolist() == []  # 5 + 24 JP reaches the minimum of 20


def test_assignment_names_the_needs_it_closes():
    emp, needs, off = _one(
        need_emp=(0, 0, 0), need_comp=(0, 1, 2), gap=(1, 2, 1), weight=(1.0, 1.0, 1.0), sup_off=(0, 0),
        sup_comp=(0, 1), sup_inc=(1, 1),
    )
    got = P.plan(emp, needs, off, P.PlanSettings(budget=1e9))
    assert got.employee.tolist() == [0]
    assert sorted(got.closes_need[got.closes_ptr[0] : got.closes_ptr[1]].tolist()) == [0, 1]
    assert [_reason(c) for c in got.need_reason] == ["closed", "closed", "no_offering"]
    assert got.value == pytest.approx(2.0)  # min(gap, increase) per need


@pytest.mark.parametrize(
    ("kwargs", "budget", "need_reasons", "minimum_reasons", "note"),
    [
        ({}, 0.0, ["budget"], ["budget"], "zero_budget"),
        ({"sup_comp": (5,)}, 1e9, ["no_offering"], ["no_offering"], "no_offering_for_any_need"),
        ({"seats": (0,)}, 1e9, ["seats"], ["seats"], "no_seats"),
        ({"cap": (0,)}, 1e9, ["time"], ["time"], None),
        ({"cap": (1000,)}, 1e9, ["time"], ["time"], None),
        ({"weight": (0.0,)}, 1e9, ["value"], ["value"], None),
        ({"cost": (0,)}, 0.0, ["closed"], [], "zero_budget"),
    ],
)
def test_odd_inputs_explain_themselves(kwargs, budget, need_reasons, minimum_reasons, note):
    emp, needs, off = _one(**kwargs)
    for fn in (P.plan, P.greedy_plan, P.milp_plan):
        got = fn(emp, needs, off, P.PlanSettings(budget=budget))
        assert [_reason(c) for c in got.need_reason] == need_reasons, fn
        assert [P.MINIMUM_REASONS[c] for c in got.below_minimum_reason] == minimum_reasons, fn
        if note:
            assert note in got.notes
        assert P.check_plan(got, emp, needs, off, budget) == []


def test_budget_left_over_for_others_says_budget():
    # Two PNS below the minimum, each needs a 10-million course; the budget pays one.
    emp, needs, off = _one(
        current=(0, 0), minimum=(2000, 2000), cap=(4000, 4000), need_emp=(0, 1), need_comp=(0, 0),
        gap=(2, 2), weight=(1.0, 1.0), cost=(10_000_000,),
    )
    got = P.plan(emp, needs, off, P.PlanSettings(budget=15_000_000))
    assert len(got.employee) == 1
    assert len(got.below_minimum) == 1
    assert P.MINIMUM_REASONS[got.below_minimum_reason[0]] == "budget"
    assert sorted(_reason(c) for c in got.need_reason) == ["budget", "closed"]


@pytest.mark.parametrize("n", [0, 3])
def test_empty_inputs(n):
    z = np.zeros(0, dtype=np.int64)
    emp = P.Employees(np.zeros(n, np.int64), np.full(n, 2000), np.full(n, 4000))
    needs = P.Needs(z, z, z, np.zeros(0))
    off = P.Offerings(z, z, z, np.zeros(0), z, z, z, z)
    got = P.plan(emp, needs, off, P.PlanSettings(budget=1e6))
    assert got.objective == 0 and len(got.employee) == 0
    assert "no_needs" in got.notes and "no_offerings" in got.notes
    assert got.below_minimum.tolist() == list(range(n))
    assert all(P.MINIMUM_REASONS[c] == "no_offering" for c in got.below_minimum_reason)


def test_malformed_input_is_a_clear_error():
    emp, _, off = _one()
    bad = P.Needs(np.array([3]), np.array([0]), np.array([1]), np.array([1.0]))
    with pytest.raises(ValueError, match="pegawai that does not exist"):
        P.plan(emp, bad, off, P.PlanSettings(budget=1.0))


# --- eligibility (position kinds, min_level) ---------------------------------------------------------------


def _eligible_one(kind=None, eligible_kinds=None, current_level=None, min_level=None, **kwargs):
    emp, needs, off = _one(**kwargs)
    emp = P.Employees(emp.jp_current, emp.jp_minimum, emp.jp_cap,
                      kind=None if kind is None else np.asarray(kind, np.int64))
    needs = P.Needs(needs.employee, needs.competency, needs.gap, needs.weight,
                    current_level=None if current_level is None else np.asarray(current_level, np.int64))
    off = P.Offerings(off.form, off.mix, off.jp, off.cost, off.seats, off.support_offering, off.support_competency,
                      off.support_increase,
                      eligible_kinds=None if eligible_kinds is None else np.asarray(eligible_kinds, np.int64),
                      min_level=None if min_level is None else np.asarray(min_level, np.int64))
    return emp, needs, off


@pytest.mark.parametrize(
    ("kwargs", "need_reasons", "minimum_reasons"),
    [
        ({}, ["closed"], []),  # defaults: everyone eligible, unchanged behaviour
        ({"kind": (1,), "eligible_kinds": (0,)}, ["closed"], []),  # 0 = every kind (empty list)
        ({"kind": (1,), "eligible_kinds": (0b10,)}, ["closed"], []),
        ({"kind": (1,), "eligible_kinds": (0b101,)}, ["not_eligible"], ["not_eligible"]),
        ({"eligible_kinds": (0b10,)}, ["not_eligible"], ["not_eligible"]),  # no kind given = kind 0
        ({"current_level": (2,), "min_level": (2,)}, ["closed"], []),
        ({"current_level": (1,), "min_level": (2,)}, ["not_eligible"], ["not_eligible"]),
        ({"min_level": (3,)}, ["not_eligible"], ["not_eligible"]),  # unknown level (0) is below any min_level
        ({"current_level": (1,), "min_level": (0,)}, ["closed"], []),
        # An eligible offering blocked by a limit names the limit, not eligibility.
        ({"kind": (1,), "eligible_kinds": (0b1, 0b10), "mix": (2, 2), "jp": (2400, 2400),
          "cost": (1_000_000, 1_000_000), "seats": (-1, 0), "sup_off": (0, 1), "sup_comp": (0, 0),
          "sup_inc": (2, 2)}, ["seats"], ["seats"]),
        # Two offerings, only the second eligible: it is taken.
        ({"kind": (2,), "eligible_kinds": (0b1, 0b100), "mix": (2, 2), "jp": (2400, 2400),
          "cost": (1_000_000, 1_000_000), "seats": (-1, -1), "sup_off": (0, 1), "sup_comp": (0, 0),
          "sup_inc": (2, 2)}, ["closed"], []),
    ],
)
def test_eligibility_is_respected_and_explained(kwargs, need_reasons, minimum_reasons):
    emp, needs, off = _eligible_one(**kwargs)
    for fn in (P.plan, P.greedy_plan, P.milp_plan):
        got = fn(emp, needs, off, P.PlanSettings(budget=1e9))
        assert [_reason(c) for c in got.need_reason] == need_reasons, fn
        assert [P.MINIMUM_REASONS[c] for c in got.below_minimum_reason] == minimum_reasons, fn
        assert P.check_plan(got, emp, needs, off, 1e9) == []
        if "eligible_kinds" in kwargs and len(kwargs["eligible_kinds"]) == 2 and need_reasons == ["closed"]:
            assert got.offering.tolist() == [1], fn


def test_min_level_blocks_one_need_but_the_offering_still_closes_another():
    # One offering raises competencies 0 and 1; the pegawai's level in 0 is below its min_level.
    emp, needs, off = _eligible_one(
        need_emp=(0, 0), need_comp=(0, 1), gap=(1, 1), weight=(1.0, 1.0), sup_off=(0, 0), sup_comp=(0, 1),
        sup_inc=(1, 1), current_level=(1, 3), min_level=(2,),
    )
    for fn in (P.plan, P.greedy_plan, P.milp_plan):
        got = fn(emp, needs, off, P.PlanSettings(budget=1e9))
        assert got.offering.tolist() == [0], fn
        assert got.closes_need.tolist() == [1], fn
        assert [_reason(c) for c in got.need_reason] == ["not_eligible", "closed"], fn
        assert got.value == pytest.approx(1.0)


def test_check_plan_reports_an_ineligible_assignment():
    emp, needs, off = _one()
    got = P.plan(emp, needs, off, P.PlanSettings(budget=1e9))
    assert got.offering.tolist() == [0]
    _, _, bad_kind = _eligible_one(kind=(1,), eligible_kinds=(0b1,))
    emp1 = P.Employees(emp.jp_current, emp.jp_minimum, emp.jp_cap, kind=np.array([1]))
    assert any("not eligible" in e for e in P.check_plan(got, emp1, needs, bad_kind, 1e9))
    _, needs2, bad_level = _eligible_one(current_level=(1,), min_level=(2,))
    assert any("min_level" in e for e in P.check_plan(got, emp, needs2, bad_level, 1e9))
    assert P.check_plan(got, emp, needs, off, 1e9) == []


def _with_random_eligibility(seed: int, emp, needs, off):
    rng = np.random.default_rng(10_000 + seed)
    emp = P.Employees(emp.jp_current, emp.jp_minimum, emp.jp_cap, kind=rng.integers(0, 3, emp.n))
    needs = P.Needs(needs.employee, needs.competency, needs.gap, needs.weight,
                    current_level=rng.integers(0, 5, needs.m))
    # Half the offerings open to every kind (mask 0), the rest to a random non-empty subset of the 3 kinds.
    masks = np.where(rng.random(off.p) < 0.5, 0, rng.integers(1, 8, off.p))
    levels = np.where(rng.random(off.p) < 0.6, 0, rng.integers(1, 4, off.p))
    off = P.Offerings(off.form, off.mix, off.jp, off.cost, off.seats, off.support_offering, off.support_competency,
                      off.support_increase, eligible_kinds=masks, min_level=levels)
    return emp, needs, off


@pytest.mark.parametrize("seed", range(8))
def test_planner_with_random_eligibility_within_half_percent_of_exact_milp(seed):
    emp, needs, off, s = _instance(seed, rho=float(seed % 3))
    emp, needs, off = _with_random_eligibility(seed, emp, needs, off)
    exact = P.milp_plan(emp, needs, off, s, time_limit=60)
    assert exact.gap < 1e-4
    got = P.plan(emp, needs, off, s)
    base = P.greedy_plan(emp, needs, off, s)
    for pl in (got, exact, base):
        assert P.check_plan(pl, emp, needs, off, s.budget) == []
    assert got.objective >= 0.995 * exact.objective - 1e-6
    assert got.bound >= exact.objective - 1e-6 * max(1.0, abs(exact.objective))
    assert base.objective <= exact.objective + 1e-6
    # Eligibility actually bites, and every need it alone closes off says so.
    assert (got.need_reason == P.NOT_ELIGIBLE).any()
    assert np.all(got.need_assignment[got.need_reason == P.NOT_ELIGIBLE] == -1)


# --- the planner's pieces: exact per-pegawai pricing, the bound ---------------------------------------------


def _brute_per_pegawai(cand, emp, red, bonus):
    """Each pegawai's best plan by enumeration: time cap, each need closed at most once, minimum bonus."""
    import itertools

    sf = P._shortfall(emp)
    cap = np.asarray(emp.jp_cap, np.float64) / 100
    best = np.zeros(emp.n)
    for i in range(emp.n):
        ks = np.flatnonzero(cand.employee == i).tolist()
        assert len(ks) <= 14
        for r in range(len(ks) + 1):
            for combo in itertools.combinations(ks, r):
                jp = float(cand.jp[list(combo)].sum())
                if jp > cap[i] + 1e-9:
                    continue
                needs = [j for k in combo for j in cand.need[cand.ptr[k] : cand.ptr[k + 1]].tolist()]
                if len(needs) != len(set(needs)):
                    continue
                best[i] = max(best[i], float(red[list(combo)].sum()) + bonus * min(jp, sf[i]))
    return best


@pytest.mark.parametrize("seed", range(6))
def test_exact_pricing_matches_enumeration(seed):
    """The per-pegawai values behind the bound are upper bounds of (here: equal to) each pegawai's best plan,
    and the plans returned as columns are feasible for their pegawai."""
    rng = np.random.default_rng(seed)
    emp, needs, off, s = _instance(200 + seed, n=12, p=8, comps=3)
    cand = P.candidates(emp, needs, off, s.budget)
    keep = np.bincount(cand.employee, minlength=emp.n) <= 14
    if not keep.all():
        pytest.skip("a pegawai with too many candidates to enumerate")
    bonus = P._minimum_bonus(s, cand)
    red = cand.value - rng.random(len(cand.value)) * 3.0
    dp = P._DpModel(cand, emp, bonus)
    assert dp.usable
    _, x, per = dp.solve(red)
    cols, exact = P._exact_pricing(np.flatnonzero(x > 0.5), per, red, cand, emp, bonus)
    brute = _brute_per_pegawai(cand, emp, red, bonus)
    assert np.all(exact >= brute - 1e-6)
    assert np.allclose(exact, brute, atol=1e-6)
    # The columns: no need closed twice, time respected.
    assert len(P._conflicts(cols, red, cand)) == 0
    jp = np.bincount(cand.employee[cols], weights=cand.jp[cols], minlength=emp.n)
    assert np.all(jp <= np.asarray(emp.jp_cap) / 100 + 1e-9)
