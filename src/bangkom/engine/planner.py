"""Budget-optimal development plan (AKPK): who takes which offering, within budget, seats and time.

Pure NumPy + dataclasses; HiGHS (highspy) for the planner's master LP and for the exact/time-limited MILP used
as a reference. No Django (DESIGN.md: engine/ is computation on arrays), so the planning job, the tests and
the benchmark share one rule.

Model (documented choice; every solver here solves exactly this one):
- A *candidate* is a pair (pegawai i, offering o) where o raises a competency in which i has a need.
  Taking it is a 0/1 decision y[i, o]; it closes every need of i that o supports.
- Value of a candidate = sum over the needs j it closes of weight[j] * min(gap[j], increase[o, c_j]).
- A need is closed by at most one offering (for every need j: sum of y over candidates closing j <= 1), so a
  gap is never counted twice; a pegawai takes an offering at most once.
- Constraints: sum of cost <= budget; participants of o <= seats[o] (negative = unlimited); JP of the plan of
  pegawai i <= jp_cap[i] (their time this year).
- Legal minimum (PNS/CPNS, 0 for PPPK): every JP that brings a pegawai below the minimum up to it earns
  `minimum_bonus` per JP, large enough by default that serving them comes first (lexicographic in practice).
- 70-20-10 mix (soft): the plan's JP per category should follow `mix_target`; each JP of deviation from the
  target split costs `mix_penalty`.
- objective = value + minimum_bonus * JP-towards-minimum - mix_penalty * sum_k |JP_k - target_k * JP|.

The planner (`plan`) is a Dantzig-Wolfe decomposition solved by column generation. A *column* is one
pegawai's own plan (within their time, each need closed at most once), valued with its minimum bonus.
- Pricing: at given prices every pegawai's best plan, exactly, in integers. A DP over time (whole JP, in units of
  the gcd of the offerings' JP) over the groups of their candidates by primary need (a multiple-choice
  knapsack; items that cannot help or are dominated within their group are skipped) solves the relaxation
  where a candidate only counts against its primary need; where that plan closes a secondary need twice, both
  branches (either candidate left out) are solved again, up to 4 levels (an unresolved branch keeps its
  relaxed value, still an upper bound).
- Master: an LP in HiGHS (primal simplex, warm-started as columns arrive; its first basis is the seed plan)
  chooses among the columns found, with the coupling rows: budget, seats of each limited offering, and the
  70-20-10 mix rows with deviation variables as in the MILP. Its duals are the next prices, smoothed towards
  the prices of the best bound so far (alpha 0.5); only columns that improve it at its prices enter.
- Bound (why it is valid): for any budget price lam >= 0, seat prices mu >= 0 and mix prices |pi_c| <=
  mix_penalty, every feasible plan has objective <= sum over pegawai of max over *their* feasible plans of
  (value + bonus - lam cost - mu seats used - pi . mix JP) + lam budget + mu . seats, because a feasible plan
  is feasible for each pegawai, lam (budget - cost) and mu (seats - used) are >= 0, and -mix_penalty
  sum_c |z_c| <= -pi . z when |pi_c| <= mix_penalty. Pricing computes each max exactly or over-estimates it,
  so every round gives an upper bound; the lowest is reported (tests check it against the exact MILP).
- Plans: a basic solution of the master has at most as many pegawai split between columns as there are
  coupling rows, so each pegawai takes their heaviest column; over-full offerings keep the participants who
  lose most without them, an overspent budget drops the least value per rupiah first; a lazy greedy at the
  master's prices fills what is left, and a last fill by plain value what the best plan still leaves.
- Start: a first budget price by geometric bisection on the LP relaxation (on every 10th pegawai beyond
  20,000), seat prices at a clearing estimate; the lazy greedy at those prices, over the 2 best offerings per
  need, seeds the master. The master LP gets at most half the time left per round, minus what the plan
  after it needs (stopped early it still gives a feasible point and prices, clipped to valid ranges).
- Beyond 2 million candidates (100,000 pegawai): no branching (the relaxed values stay in the bound, the
  columns drop the lesser candidate), a plan only after the last round, only the 30% most improving new
  columns per round, prices smoothed at 0.7 towards the best bound's: the first master LP is the bottleneck.
  After the last master, the time the plan leaves goes to the bound: subgradient steps on the seat prices from
  the best bound's (a quarter of a Polyak step towards the master's value; ~0.05% off the bound each).
Instances whose JP are not whole (or a cap above 400 JP) use the earlier method: the LP relaxation of the
same per-pegawai knapsacks by a 1-D convex search, prices by a subgradient method, plans by a lazy greedy on
reduced values. Instances of up to `exact_below` candidates have a real integrality gap no relaxation
closes, so there HiGHS finishes the job, warm-started, within the time left.
`greedy_plan` (value per rupiah) and `milp_plan` (the full model in HiGHS, time-limited) are the baselines.
HiGHS checks its time limit only between phases: on 10,000 pegawai it was seen minutes past the limit.

Eligibility (the catalogue's eligible position kinds and min_level): a pair (need, offering) whose pegawai's
position kind is not among the offering's eligible kinds, or whose current level in the need's competency is
below the offering's min_level, is dropped in `candidates()`, so every solver here respects it; `check_plan`
reports an assignment that breaks it. All eligibility inputs are optional and default to "everyone eligible".

Reasons are codes (translated by the Django layer): a closed need names its assignment; an open need, and
a pegawai left below the minimum, names why (NEED_REASONS / MINIMUM_REASONS).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

_log = logging.getLogger(__name__)

MIX_CATEGORIES: tuple[str, ...] = ("70", "20", "10")
# Why a need is or is not closed by the plan. "value": it could have been served but the plan spent the
# budget/time/seats on needs worth more (or the solver stopped); the others name the binding limit.
# "not_eligible": offerings raise the competency, but the pegawai may take none of them (position kind not
# among an offering's eligible kinds, or current level below its min_level) and no eligible one was blocked
# by another limit (those limits are named first, being what the user can act on).
NEED_REASONS: tuple[str, ...] = ("closed", "no_offering", "seats", "time", "budget", "value", "not_eligible")
CLOSED, NO_OFFERING, SEATS, TIME, BUDGET, VALUE, NOT_ELIGIBLE = range(7)
# Why a pegawai stays below the legal minimum after the plan ("not_eligible": every offering for their needs
# is closed to them by eligibility).
MINIMUM_REASONS: tuple[str, ...] = ("no_offering", "seats", "time", "budget", "value", "not_eligible")
_EMPTY_I = np.zeros(0, dtype=np.int64)
_EMPTY_F = np.zeros(0, dtype=np.float64)


@dataclass(frozen=True)
class Employees:
    """Pegawai, JP in integer hundredths (as in engine/hours).

    jp_current: JP already credited this year [n]; jp_minimum: legal minimum (0 for PPPK) [n];
    jp_cap: the most JP of development the pegawai can take in the plan this year (time) [n].
    kind: position kind as an integer code 0-62 [n] (the caller numbers org.PositionKind); None = all 0.
    """

    jp_current: np.ndarray
    jp_minimum: np.ndarray
    jp_cap: np.ndarray
    kind: np.ndarray | None = None

    @property
    def n(self) -> int:
        return len(self.jp_cap)


@dataclass(frozen=True)
class Needs:
    """Competency gaps to close: pegawai index, competency index, gap in levels (>0), weight/priority (>=0).

    current_level: the pegawai's current level in the competency [m], 0 = unknown; None = all 0. Only read
    against Offerings.min_level: an unknown level (0) is below any min_level, so an offering with a
    min_level never closes such a need (pass current levels whenever offerings carry one).
    """

    employee: np.ndarray
    competency: np.ndarray
    gap: np.ndarray
    weight: np.ndarray
    current_level: np.ndarray | None = None

    @property
    def m(self) -> int:
        return len(self.employee)


@dataclass(frozen=True)
class Offerings:
    """Catalogue offerings of the year and the competencies they raise.

    form: SIASN form 1-25 [p]; mix: index into MIX_CATEGORIES [p]; jp: JP hundredths per participant [p];
    cost: rupiah per participant [p] (non-classical ~0: their price is time); seats: [p] (negative = no limit).
    support_offering / support_competency / support_increase: one row per (offering, competency it raises,
    levels raised).
    eligible_kinds: bitmask of the position kinds that may take the offering [p] (bit k set = Employees.kind
    k eligible; 0 = every kind, as an empty list in the catalogue); None = every kind for every offering.
    min_level: lowest current level a participant needs in the competency the offering would raise [p]
    (0 = none); None = all 0. A need whose current_level is below it cannot be closed by that offering.
    """

    form: np.ndarray
    mix: np.ndarray
    jp: np.ndarray
    cost: np.ndarray
    seats: np.ndarray
    support_offering: np.ndarray
    support_competency: np.ndarray
    support_increase: np.ndarray
    eligible_kinds: np.ndarray | None = None
    min_level: np.ndarray | None = None

    @property
    def p(self) -> int:
        return len(self.jp)


@dataclass(frozen=True)
class PlanSettings:
    budget: float
    mix_target: tuple[float, float, float] = (0.7, 0.2, 0.1)
    mix_penalty: float = 0.0  # per JP of deviation from the target split
    minimum_bonus: float | None = None  # per JP towards the minimum; None: dominate any value per JP
    time_limit: float = 10.0  # seconds, for the planner's iterations and for milp_plan
    iterations: int = 60
    tolerance: float = 0.001  # relative gap at which the planner stops
    exact_below: int = 20_000  # candidates: below this, an unfinished gap is closed by the exact MILP
    seat_prices: bool = True  # start seat multipliers at a clearing estimate instead of 0


@dataclass(frozen=True)
class Plan:
    """A plan, its objective, an upper bound and reasons.

    employee, offering: the assignments [a]; closes: CSR (closes_ptr [a+1], closes_need) of the needs each
    assignment closes (its reason); need_assignment [m]: assignment index or -1; need_reason [m]: index into
    NEED_REASONS; below_minimum: pegawai still below the legal minimum after the plan, with
    below_minimum_reason (index into MINIMUM_REASONS). bound = inf when unknown; gap = (bound - objective) /
    max(|bound|, 1e-9).
    """

    employee: np.ndarray
    offering: np.ndarray
    closes_ptr: np.ndarray
    closes_need: np.ndarray
    need_assignment: np.ndarray
    need_reason: np.ndarray
    below_minimum: np.ndarray
    below_minimum_reason: np.ndarray
    objective: float
    value: float
    minimum_jp: float  # JP (not hundredths) of the plan that count towards minimums
    mix_deviation: float  # JP
    cost: float
    jp_by_mix: np.ndarray  # JP per MIX_CATEGORIES [3]
    bound: float
    gap: float
    method: str
    seconds: float
    notes: tuple[str, ...] = field(default_factory=tuple)


# --- candidates ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidates:
    """All (pegawai, offering) pairs worth considering, and which needs each closes (CSR by candidate)."""

    employee: np.ndarray  # [k]
    offering: np.ndarray  # [k]
    value: np.ndarray  # float [k]
    jp: np.ndarray  # JP (float) [k]
    cost: np.ndarray  # float [k]
    mix: np.ndarray  # [k]
    ptr: np.ndarray  # [k+1] into need
    need: np.ndarray  # needs closed, grouped by candidate
    primary: np.ndarray  # [k] the need with the largest share of the value (bound's relaxation)
    need_has_offering: np.ndarray  # bool [m]: some offering raises it at all
    need_excluded: np.ndarray  # int8 [m]: reason code when every offering for it is excluded up front, else -1


def _check(emp: Employees, needs: Needs, off: Offerings) -> None:
    n, m, p = emp.n, needs.m, off.p
    for name, arr, size in (
        ("jp_current", emp.jp_current, n),
        ("jp_minimum", emp.jp_minimum, n),
        ("needs.competency", needs.competency, m),
        ("needs.gap", needs.gap, m),
        ("needs.weight", needs.weight, m),
        ("form", off.form, p),
        ("mix", off.mix, p),
        ("cost", off.cost, p),
        ("seats", off.seats, p),
    ):
        if len(arr) != size:
            raise ValueError(f"{name} has {len(arr)} rows, expected {size}")
    s = len(off.support_offering)
    if len(off.support_competency) != s or len(off.support_increase) != s:
        raise ValueError("support_offering, support_competency and support_increase differ in length")
    if m and (needs.employee.min() < 0 or needs.employee.max() >= n):
        raise ValueError("needs.employee refers to a pegawai that does not exist")
    if s and (off.support_offering.min() < 0 or off.support_offering.max() >= p):
        raise ValueError("support_offering refers to an offering that does not exist")
    if p and (off.mix.min() < 0 or off.mix.max() > 2):
        raise ValueError("mix must be 0, 1 or 2 (index into MIX_CATEGORIES)")
    if p and (np.asarray(off.jp).min() < 0 or np.asarray(off.cost).min() < 0):
        raise ValueError("JP and cost must not be negative")
    for name, opt, size in (
        ("kind", emp.kind, n),
        ("current_level", needs.current_level, m),
        ("eligible_kinds", off.eligible_kinds, p),
        ("min_level", off.min_level, p),
    ):
        if opt is not None and len(opt) != size:
            raise ValueError(f"{name} has {len(opt)} rows, expected {size}")
    if emp.kind is not None and n and (np.asarray(emp.kind).min() < 0 or np.asarray(emp.kind).max() > 62):
        raise ValueError("kind must be an integer code 0-62 (a bit of eligible_kinds)")


def _kind_ok(emp: Employees, off: Offerings, employee: np.ndarray, offering: np.ndarray) -> np.ndarray:
    """Whether pegawai employee[r]'s position kind is among offering[r]'s eligible kinds."""
    if off.eligible_kinds is None or not len(offering):
        return np.ones(len(offering), dtype=bool)
    mask = np.asarray(off.eligible_kinds, dtype=np.int64)[offering]
    kind = np.zeros(len(employee), np.int64) if emp.kind is None else np.asarray(emp.kind, np.int64)[employee]
    return (mask == 0) | (((mask >> kind) & 1) == 1)


def _level_ok(needs: Needs, off: Offerings, need: np.ndarray, offering: np.ndarray) -> np.ndarray:
    """Whether need[r]'s current level reaches offering[r]'s min_level."""
    if off.min_level is None or not len(offering):
        return np.ones(len(offering), dtype=bool)
    level = np.zeros(len(need), np.int64) if needs.current_level is None else np.asarray(
        needs.current_level, np.int64)[need]
    return level >= np.asarray(off.min_level, np.int64)[offering]


def candidates(emp: Employees, needs: Needs, off: Offerings, budget: float) -> Candidates:
    """Join needs with the offerings that raise their competency, one row per (pegawai, offering).

    Pairs that can never be taken alone (seats 0, cost above the whole budget, JP above the pegawai's time,
    no value) and (need, offering) pairs the pegawai is not eligible for are dropped here, and the need
    remembers why. This is the one place eligibility is applied, so plan, greedy and MILP all respect it.
    """
    _check(emp, needs, off)
    m = needs.m
    s_comp = np.asarray(off.support_competency, dtype=np.int64)
    order = np.argsort(s_comp, kind="stable")
    s_comp, s_off = s_comp[order], np.asarray(off.support_offering, dtype=np.int64)[order]
    s_inc = np.asarray(off.support_increase, dtype=np.int64)[order]
    n_comp = int(max(s_comp.max(initial=-1), np.asarray(needs.competency).max(initial=-1))) + 1
    starts = np.searchsorted(s_comp, np.arange(n_comp + 1))
    nc = np.asarray(needs.competency, dtype=np.int64)
    cnt = (starts[nc + 1] - starts[nc]) if m else _EMPTY_I
    need_has = cnt > 0
    # Expand (need, support row).
    row_need = np.repeat(np.arange(m, dtype=np.int64), cnt)
    first = np.repeat(starts[nc] if m else _EMPTY_I, cnt)
    within = np.arange(len(row_need), dtype=np.int64) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    sup = first + within
    r_off = s_off[sup]
    r_emp = np.asarray(needs.employee, dtype=np.int64)[row_need]
    gap = np.asarray(needs.gap, dtype=np.float64)[row_need]
    r_val = np.asarray(needs.weight, dtype=np.float64)[row_need] * np.minimum(gap, s_inc[sup])
    jp = np.asarray(off.jp, dtype=np.float64) / 100.0
    cost = np.asarray(off.cost, dtype=np.float64)
    seats = np.asarray(off.seats, dtype=np.int64)
    cap = np.asarray(emp.jp_cap, dtype=np.float64) / 100.0
    # Exclusions, in order of what a user can act on first.
    excl = np.full(len(row_need), -1, dtype=np.int8)
    excl[r_val <= 0] = VALUE
    excl[jp[r_off] > cap[r_emp] + 1e-9] = TIME
    excl[cost[r_off] > budget + 1e-9] = BUDGET
    excl[seats[r_off] == 0] = SEATS
    # Not eligible overrides the rest: such a row could never be taken, whatever the limits.
    excl[~(_kind_ok(emp, off, r_emp, r_off) & _level_ok(needs, off, row_need, r_off))] = NOT_ELIGIBLE
    keep = excl < 0
    need_excluded = np.full(m, -1, dtype=np.int8)
    if len(row_need):
        # A need whose every row is excluded: the reason of its "best" row (lowest code = most basic;
        # NOT_ELIGIBLE last, so a limit that blocked an eligible offering is named first).
        any_keep = np.bincount(row_need, weights=keep, minlength=m) > 0
        worst = np.full(m, 127, dtype=np.int64)
        np.minimum.at(worst, row_need[~keep], excl[~keep].astype(np.int64))
        need_excluded = np.where(need_has & ~any_keep, worst, -1).astype(np.int8)
    row_need, r_off, r_emp, r_val = row_need[keep], r_off[keep], r_emp[keep], r_val[keep]
    # Group rows into (pegawai, offering) candidates.
    key = r_emp * max(off.p, 1) + r_off
    # One row per (need, offering): an offering listed twice for one competency counts its best increase.
    order = np.lexsort((-r_val, row_need, key))
    key, row_need, r_off, r_emp, r_val = key[order], row_need[order], r_off[order], r_emp[order], r_val[order]
    first_row = np.ones(len(key), dtype=bool)
    first_row[1:] = (key[1:] != key[:-1]) | (row_need[1:] != row_need[:-1])
    key, row_need, r_off, r_emp, r_val = (a[first_row] for a in (key, row_need, r_off, r_emp, r_val))
    order = np.lexsort((-r_val, key))
    key, row_need, r_off, r_emp, r_val = key[order], row_need[order], r_off[order], r_emp[order], r_val[order]
    new = np.ones(len(key), dtype=bool)
    new[1:] = key[1:] != key[:-1]
    heads = np.flatnonzero(new)
    ptr = np.append(heads, len(key)).astype(np.int64)
    value = np.add.reduceat(r_val, heads) if len(heads) else _EMPTY_F
    c_off = r_off[heads]
    return Candidates(
        employee=r_emp[heads],
        offering=c_off,
        value=value,
        jp=jp[c_off],
        cost=cost[c_off],
        mix=np.asarray(off.mix, dtype=np.int64)[c_off],
        ptr=ptr,
        need=row_need,
        primary=row_need[heads],  # rows sorted by value within a candidate: the first is the largest
        need_has_offering=need_has,
        need_excluded=need_excluded,
    )


# --- evaluation ------------------------------------------------------------------------------------------


def _minimum_bonus(settings: PlanSettings, cand: Candidates) -> float:
    if settings.minimum_bonus is not None:
        return float(settings.minimum_bonus)
    if not len(cand.value):
        return 1.0
    per_jp = cand.value / np.maximum(cand.jp, 1e-2)
    # Dominates the value per JP of any candidate, and the mix penalty, so the minimum comes first.
    return float(10.0 * (per_jp.max() + 2.0 * settings.mix_penalty) + 1.0)


def _shortfall(emp: Employees) -> np.ndarray:
    return np.maximum(np.asarray(emp.jp_minimum, np.float64) - np.asarray(emp.jp_current, np.float64), 0) / 100


def evaluate(
    chosen: np.ndarray, cand: Candidates, emp: Employees, settings: PlanSettings, bonus: float
) -> tuple[float, float, float, float, float, np.ndarray]:
    """objective, value, JP towards minimums, mix deviation (JP), cost, JP per category of chosen candidates."""
    sel = np.asarray(chosen, dtype=np.int64)
    value = float(cand.value[sel].sum())
    jp_emp = np.bincount(cand.employee[sel], weights=cand.jp[sel], minlength=emp.n)
    towards = float(np.minimum(jp_emp, _shortfall(emp)).sum())
    by_mix = np.bincount(cand.mix[sel], weights=cand.jp[sel], minlength=3)[:3]
    dev = float(np.abs(by_mix - np.asarray(settings.mix_target) * by_mix.sum()).sum())
    cost = float(cand.cost[sel].sum())
    return value + bonus * towards - settings.mix_penalty * dev, value, towards, dev, cost, by_mix


def check_plan(plan: Plan, emp: Employees, needs: Needs, off: Offerings, budget: float) -> list[str]:
    """Every constraint the plan breaks (empty when it is feasible); used by the tests and the bench."""
    errors: list[str] = []
    e, o = plan.employee, plan.offering
    if len(set(zip(e.tolist(), o.tolist(), strict=True))) != len(e):
        errors.append("a pegawai takes one offering twice")
    cost = float(np.asarray(off.cost, np.float64)[o].sum())
    if cost > budget * (1 + 1e-9) + 1e-6:
        errors.append(f"cost {cost} over budget {budget}")
    use = np.bincount(o, minlength=off.p)
    seats = np.asarray(off.seats)
    if np.any((seats >= 0) & (use > seats)):
        errors.append("seats exceeded")
    jp = np.bincount(e, weights=np.asarray(off.jp, np.float64)[o], minlength=emp.n)
    if np.any(jp > np.asarray(emp.jp_cap, np.float64) + 1e-6):
        errors.append("JP cap exceeded")
    closed = plan.need_assignment[plan.need_assignment >= 0]
    if len(np.unique(plan.closes_need)) != len(plan.closes_need):
        errors.append("a need is closed twice")
    if len(closed) != len(plan.closes_need):
        errors.append("need_assignment disagrees with closes")
    # Each closing is legitimate: same pegawai, and the offering raises the need's competency.
    supp = set(zip(np.asarray(off.support_offering).tolist(), np.asarray(off.support_competency).tolist(),
                   strict=True))
    for a in range(len(e)):
        for j in plan.closes_need[plan.closes_ptr[a] : plan.closes_ptr[a + 1]].tolist():
            if needs.employee[j] != e[a] or (int(o[a]), int(needs.competency[j])) not in supp:
                errors.append(f"assignment {a} claims need {j} it cannot close")
    # Eligibility: the pegawai's position kind for every assignment, min_level for every need it closes.
    e64, o64 = np.asarray(e, np.int64), np.asarray(o, np.int64)
    for a in np.flatnonzero(~_kind_ok(emp, off, e64, o64)).tolist():
        errors.append(f"assignment {a}: pegawai {int(e64[a])} not eligible for offering {int(o64[a])}")
    lens = plan.closes_ptr[1:] - plan.closes_ptr[:-1]
    row_a = np.repeat(np.arange(len(e)), lens)
    cn = np.asarray(plan.closes_need, np.int64)
    for r in np.flatnonzero(~_level_ok(needs, off, cn, o64[row_a])).tolist():
        errors.append(f"assignment {int(row_a[r])}: need {int(cn[r])} below the offering's min_level")
    return errors


# --- greedy core -----------------------------------------------------------------------------------------


def _greedy(
    order: np.ndarray,
    cand: Candidates,
    emp: Employees,
    off: Offerings,
    budget: float,
    start: np.ndarray | None = None,
    stop_at: float | None = None,
) -> np.ndarray:
    """Take candidates in the given order whenever every constraint still allows it; returns chosen indices.

    `start` is a feasible set kept first (chosen candidates carried over).
    """
    remaining_seats = np.where(np.asarray(off.seats) < 0, np.iinfo(np.int64).max, off.seats).astype(np.int64)
    time_left = (np.asarray(emp.jp_cap, np.float64) / 100.0).tolist()
    seats_l = remaining_seats.tolist()
    taken = np.zeros(len(cand.need) and int(cand.need.max()) + 1, dtype=bool).tolist()
    left = float(budget)
    emp_l, off_l, jp_l, cost_l = cand.employee.tolist(), cand.offering.tolist(), cand.jp.tolist(), cand.cost.tolist()
    ptr_l, need_l = cand.ptr.tolist(), cand.need.tolist()
    chosen: list[int] = []
    seq = order.tolist() if start is None else np.concatenate([start, order]).tolist()
    is_chosen = np.zeros(len(cand.value), dtype=bool).tolist()
    for k in seq:
        if is_chosen[k]:
            continue
        c = cost_l[k]
        if c > left + 1e-6:
            continue
        o = off_l[k]
        if seats_l[o] <= 0:
            continue
        i = emp_l[k]
        t = jp_l[k]
        if t > time_left[i] + 1e-9:
            continue
        nd = need_l[ptr_l[k] : ptr_l[k + 1]]
        if any(taken[j] for j in nd):
            continue
        for j in nd:
            taken[j] = True
        left -= c
        seats_l[o] -= 1
        time_left[i] -= t
        is_chosen[k] = True
        chosen.append(k)
        if stop_at is not None and left <= stop_at:
            break
    return np.asarray(chosen, dtype=np.int64)


def _greedy_dynamic(
    base: np.ndarray,
    cand: Candidates,
    emp: Employees,
    off: Offerings,
    budget: float,
    bonus: float,
    start: np.ndarray | None = None,
    allowed: np.ndarray | None = None,
) -> np.ndarray:
    """Lazy greedy on base + bonus * (JP still missing to the minimum that the candidate brings).

    `start`: a feasible set of candidates taken first (their state applied), the rest filled greedily.

    The bonus part only shrinks as a pegawai gets JP, so a popped candidate whose score fell is pushed back
    (lazy evaluation, exact for this greedy rule).
    """
    import heapq

    sf_left = _shortfall(emp).tolist()
    seats_l = np.where(np.asarray(off.seats) < 0, np.iinfo(np.int64).max, off.seats).astype(np.int64).tolist()
    time_left = (np.asarray(emp.jp_cap, np.float64) / 100.0).tolist()
    taken = [False] * (int(cand.need.max()) + 1 if len(cand.need) else 0)
    left = float(budget)
    emp_l, off_l, jp_l, cost_l = cand.employee.tolist(), cand.offering.tolist(), cand.jp.tolist(), cand.cost.tolist()
    ptr_l, need_l = cand.ptr.tolist(), cand.need.tolist()
    base_l = base.tolist()
    chosen: list[int] = []
    is_start = np.zeros(len(base), dtype=bool)
    if start is not None:
        is_start[start] = True
        for k in start.tolist():
            i, t = emp_l[k], jp_l[k]
            for j in need_l[ptr_l[k] : ptr_l[k + 1]]:
                taken[j] = True
            left -= cost_l[k]
            seats_l[off_l[k]] -= 1
            time_left[i] -= t
            sf_left[i] = max(0.0, sf_left[i] - t)
            chosen.append(k)
    sf_now = np.asarray(sf_left, dtype=np.float64)
    score0 = base + bonus * np.minimum(cand.jp, sf_now[cand.employee])
    live = np.flatnonzero((score0 > 0) & ~is_start & (True if allowed is None else allowed))
    heap = list(zip((-score0[live]).tolist(), live.tolist(), strict=True))
    heapq.heapify(heap)
    while heap:
        neg, k = heapq.heappop(heap)
        i = emp_l[k]
        t = jp_l[k]
        cur = base_l[k] + bonus * min(t, sf_left[i])
        if cur < -neg - 1e-12:
            if cur > 0:
                heapq.heappush(heap, (-cur, k))
            continue
        c = cost_l[k]
        if c > left + 1e-6:
            continue
        o = off_l[k]
        if seats_l[o] <= 0 or t > time_left[i] + 1e-9:
            continue
        nd = need_l[ptr_l[k] : ptr_l[k + 1]]
        if any(taken[j] for j in nd):
            continue
        for j in nd:
            taken[j] = True
        left -= c
        seats_l[o] -= 1
        time_left[i] -= t
        sf_left[i] = max(0.0, sf_left[i] - t)
        chosen.append(k)
    return np.asarray(chosen, dtype=np.int64)


# --- result assembly -------------------------------------------------------------------------------------


def _assemble(
    chosen: np.ndarray,
    cand: Candidates,
    emp: Employees,
    needs: Needs,
    off: Offerings,
    settings: PlanSettings,
    bonus: float,
    bound: float,
    method: str,
    t0: float,
    notes: list[str],
) -> Plan:
    chosen = np.sort(np.asarray(chosen, dtype=np.int64))
    obj, value, towards, dev, cost, by_mix = evaluate(chosen, cand, emp, settings, bonus)
    m = needs.m
    lens = cand.ptr[chosen + 1] - cand.ptr[chosen]
    closes_ptr = np.concatenate([[0], np.cumsum(lens)]).astype(np.int64)
    idx = np.repeat(cand.ptr[chosen], lens) + (np.arange(int(lens.sum())) - np.repeat(closes_ptr[:-1], lens))
    closes_need = cand.need[idx] if len(idx) else _EMPTY_I
    need_assignment = np.full(m, -1, dtype=np.int64)
    need_assignment[closes_need] = np.repeat(np.arange(len(chosen)), lens)
    reason = _open_reasons(chosen, cand, emp, needs, off, settings.budget, need_assignment)
    # Pegawai still below the minimum.
    sf = _shortfall(emp)
    jp_emp = np.bincount(cand.employee[chosen], weights=cand.jp[chosen], minlength=emp.n)
    below = np.flatnonzero(jp_emp < sf - 1e-9)
    below_reason = _minimum_reasons(below, chosen, cand, emp, off, settings.budget, reason, needs)
    gap = (bound - obj) / max(abs(bound), 1e-9) if np.isfinite(bound) else float("inf")
    return Plan(
        employee=cand.employee[chosen],
        offering=cand.offering[chosen],
        closes_ptr=closes_ptr,
        closes_need=closes_need,
        need_assignment=need_assignment,
        need_reason=reason,
        below_minimum=below,
        below_minimum_reason=below_reason,
        objective=obj,
        value=value,
        minimum_jp=towards,
        mix_deviation=dev,
        cost=cost,
        jp_by_mix=by_mix,
        bound=bound,
        gap=max(gap, 0.0),
        method=method,
        seconds=time.perf_counter() - t0,
        notes=tuple(notes),
    )


def _state(chosen: np.ndarray, cand: Candidates, emp: Employees, off: Offerings, budget: float) -> tuple[
    np.ndarray, np.ndarray, float
]:
    seats = np.asarray(off.seats, dtype=np.float64)
    seats_left = np.where(seats < 0, np.inf, seats - np.bincount(cand.offering[chosen], minlength=off.p))
    time_left = np.asarray(emp.jp_cap, np.float64) / 100 - np.bincount(
        cand.employee[chosen], weights=cand.jp[chosen], minlength=emp.n
    )
    return seats_left, time_left, float(budget - cand.cost[chosen].sum())


def _candidate_blocker(
    cand: Candidates, seats_left: np.ndarray, time_left: np.ndarray, budget_left: float, need_open: np.ndarray
) -> np.ndarray:
    """Per candidate, the first limit that stops adding it now (seats, time, budget), VALUE if none does."""
    code = np.full(len(cand.value), VALUE, dtype=np.int8)
    code[cand.cost > budget_left + 1e-6] = BUDGET
    code[cand.jp > time_left[cand.employee] + 1e-9] = TIME
    code[seats_left[cand.offering] <= 0] = SEATS
    # A candidate some of whose needs are already closed cannot be added as such either.
    ok = need_open[cand.need]
    all_open = np.logical_and.reduceat(ok, cand.ptr[:-1]) if len(cand.value) else np.zeros(0, dtype=bool)
    code[~all_open] = VALUE
    return code


def _open_reasons(
    chosen: np.ndarray,
    cand: Candidates,
    emp: Employees,
    needs: Needs,
    off: Offerings,
    budget: float,
    need_assignment: np.ndarray,
) -> np.ndarray:
    m = needs.m
    reason = np.full(m, VALUE, dtype=np.int8)
    reason[~cand.need_has_offering] = NO_OFFERING
    reason[cand.need_excluded >= 0] = cand.need_excluded[cand.need_excluded >= 0]
    reason[need_assignment >= 0] = CLOSED
    if not len(cand.value):
        return reason
    seats_left, time_left, budget_left = _state(chosen, cand, emp, off, budget)
    code = _candidate_blocker(cand, seats_left, time_left, budget_left, need_assignment < 0)
    # For each open need, the reason of its least-blocked candidate (VALUE < BUDGET < TIME < SEATS order of
    # "how close it was"): the smallest among (VALUE=5 -> 0, BUDGET -> 1, TIME -> 2, SEATS -> 3).
    rank = np.array([9, 9, 3, 2, 1, 0], dtype=np.int64)[code]
    row_rank = np.repeat(rank, cand.ptr[1:] - cand.ptr[:-1])
    best = np.full(m, 99, dtype=np.int64)
    np.minimum.at(best, cand.need, row_rank)
    back = np.array([VALUE, BUDGET, TIME, SEATS], dtype=np.int8)
    open_with = (need_assignment < 0) & (best < 99)
    reason[open_with] = back[best[open_with]]
    return reason


def _minimum_reasons(
    below: np.ndarray,
    chosen: np.ndarray,
    cand: Candidates,
    emp: Employees,
    off: Offerings,
    budget: float,
    need_reason: np.ndarray,
    needs: Needs,
) -> np.ndarray:
    """For each pegawai left below the minimum: no offering at all, else the limit that stopped more JP."""
    out = np.full(len(below), MINIMUM_REASONS.index("no_offering"), dtype=np.int8)
    if not len(below):
        return out
    seats_left, time_left, budget_left = _state(chosen, cand, emp, off, budget)
    # Any JP at all (even through a need already closed) would help the minimum: check all candidates.
    code = _candidate_blocker(cand, seats_left, time_left, budget_left, np.ones(needs.m, dtype=bool))
    is_chosen = np.zeros(len(cand.value), dtype=bool)
    is_chosen[chosen] = True
    rank = np.array([9, 9, 3, 2, 1, 0], dtype=np.int64)[code]
    rank[is_chosen] = 99
    best = np.full(emp.n, 99, dtype=np.int64)
    np.minimum.at(best, cand.employee, rank)
    # No candidate at all: fall back to the reasons of their needs (e.g. everything over budget or full).
    need_best = np.full(emp.n, 99, dtype=np.int64)
    nr_rank = np.array([99, 99, 3, 2, 1, 0, 4], dtype=np.int64)[need_reason]
    np.minimum.at(need_best, np.asarray(needs.employee, dtype=np.int64), nr_rank)
    best = np.where(best < 99, best, need_best)
    # Time is binding whenever the pegawai's whole cap is below their shortfall.
    back = np.array(
        [MINIMUM_REASONS.index(r) for r in ("value", "budget", "time", "seats", "not_eligible")], dtype=np.int8
    )
    b = best[below]
    out = np.where(b < 99, back[np.minimum(b, 4)], out).astype(np.int8)
    short_cap = (np.asarray(emp.jp_cap, np.float64)[below] / 100) < _shortfall(emp)[below] - 1e-9
    out[short_cap & (b >= 99)] = MINIMUM_REASONS.index("time")
    return out


def _notes(emp: Employees, needs: Needs, off: Offerings, settings: PlanSettings, cand: Candidates) -> list[str]:
    notes = []
    if emp.n == 0:
        notes.append("no_pegawai")
    if needs.m == 0:
        notes.append("no_needs")
    if off.p == 0:
        notes.append("no_offerings")
    if settings.budget <= 0:
        notes.append("zero_budget")
    if needs.m and not cand.need_has_offering.any():
        notes.append("no_offering_for_any_need")
    if off.p and np.all(np.asarray(off.seats) == 0):
        notes.append("no_seats")
    return notes


# --- baselines -------------------------------------------------------------------------------------------


def greedy_plan(emp: Employees, needs: Needs, off: Offerings, settings: PlanSettings) -> Plan:
    """Baseline: value (with the minimum bonus) per rupiah, best first, every constraint respected."""
    t0 = time.perf_counter()
    cand = candidates(emp, needs, off, settings.budget)
    bonus = _minimum_bonus(settings, cand)
    sf = _shortfall(emp)
    worth = cand.value + bonus * np.minimum(cand.jp, sf[cand.employee])
    order = np.lexsort((-worth, -worth / np.maximum(cand.cost, 1.0)))
    chosen = _greedy(order, cand, emp, off, settings.budget)
    return _assemble(chosen, cand, emp, needs, off, settings, bonus, float("inf"), "greedy", t0,
                     _notes(emp, needs, off, settings, cand))


def milp_plan(
    emp: Employees, needs: Needs, off: Offerings, settings: PlanSettings, time_limit: float | None = None
) -> Plan:
    """The full model in HiGHS (exact when it finishes; bound = HiGHS's dual bound). For tests and the bench."""
    t0 = time.perf_counter()
    cand = candidates(emp, needs, off, settings.budget)
    notes = _notes(emp, needs, off, settings, cand)
    bonus = _minimum_bonus(settings, cand)
    if len(cand.value) == 0:
        return _assemble(_EMPTY_I, cand, emp, needs, off, settings, bonus, 0.0, "milp", t0, notes)
    limit = float(time_limit if time_limit is not None else settings.time_limit)
    chosen, bound = _milp(cand, emp, needs, off, settings, bonus, limit)
    if chosen is None:
        chosen = _EMPTY_I
        notes.append("milp_no_feasible_plan")
    return _assemble(chosen, cand, emp, needs, off, settings, bonus, bound, "milp", t0, notes)


def _milp(
    cand: Candidates,
    emp: Employees,
    needs: Needs,
    off: Offerings,
    settings: PlanSettings,
    bonus: float,
    time_limit: float,
    start: np.ndarray | None = None,
) -> tuple[np.ndarray | None, float]:
    """Chosen candidates (None when HiGHS found no feasible plan in time) and HiGHS's upper bound."""
    import highspy

    k = len(cand.value)
    sf = _shortfall(emp)
    below = np.flatnonzero(sf > 0)
    n_b = len(below)
    # Columns: y [k] binary, s [n_b] JP towards minimum, d+ d- [3] mix deviation.
    n_col = k + n_b + 6
    cols_cost = np.concatenate([-cand.value, -bonus * np.ones(n_b), settings.mix_penalty * np.ones(6)])
    lower = np.zeros(n_col)
    upper = np.concatenate([np.ones(k), sf[below], np.full(6, np.inf)])
    rows_i: list[np.ndarray] = []
    rows_j: list[np.ndarray] = []
    rows_v: list[np.ndarray] = []
    lo: list[np.ndarray] = []
    hi: list[np.ndarray] = []
    r = 0

    def add(ri: np.ndarray, cj: np.ndarray, v: np.ndarray, n_rows: int, rl: np.ndarray, ru: np.ndarray) -> None:
        nonlocal r
        rows_i.append(ri + r)
        rows_j.append(cj)
        rows_v.append(v)
        lo.append(rl)
        hi.append(ru)
        r += n_rows

    ar = np.arange(k)
    # Budget row scaled to a right-hand side of 1: rupiah (10^10) would wreck HiGHS's tolerances.
    b_scale = max(float(settings.budget), 1.0)
    add(np.zeros(k, np.int64), ar, cand.cost / b_scale, 1, np.array([-np.inf]),
        np.array([settings.budget / b_scale]))
    seats = np.asarray(off.seats, np.float64)
    lim = np.flatnonzero(seats >= 0)
    pos = np.full(off.p, -1)
    pos[lim] = np.arange(len(lim))
    sk = pos[cand.offering] >= 0
    add(pos[cand.offering][sk], ar[sk], np.ones(int(sk.sum())), len(lim), np.full(len(lim), -np.inf), seats[lim])
    cap = np.asarray(emp.jp_cap, np.float64) / 100
    add(cand.employee, ar, cand.jp, emp.n, np.full(emp.n, -np.inf), cap)
    lens = cand.ptr[1:] - cand.ptr[:-1]
    add(cand.need, np.repeat(ar, lens), np.ones(len(cand.need)), needs.m, np.full(needs.m, -np.inf),
        np.ones(needs.m))
    # s_b <= JP of pegawai b:  s_b - sum jp y <= 0
    bpos = np.full(emp.n, -1)
    bpos[below] = np.arange(n_b)
    in_b = bpos[cand.employee] >= 0
    add(np.concatenate([bpos[cand.employee][in_b], np.arange(n_b)]),
        np.concatenate([ar[in_b], k + np.arange(n_b)]),
        np.concatenate([-cand.jp[in_b], np.ones(n_b)]), n_b, np.full(n_b, -np.inf), np.zeros(n_b))
    # Mix: JP_c - t_c * JP_total - d+_c + d-_c = 0
    t = np.asarray(settings.mix_target, np.float64)
    for c in range(3):
        coef = (cand.mix == c) * cand.jp - t[c] * cand.jp
        nz = np.flatnonzero(coef)
        add(np.zeros(len(nz) + 2, np.int64), np.concatenate([nz, [k + n_b + c, k + n_b + 3 + c]]),
            np.concatenate([coef[nz], [-1.0, 1.0]]), 1, np.zeros(1), np.zeros(1))
    ri, cj, vv = np.concatenate(rows_i), np.concatenate(rows_j), np.concatenate(rows_v)
    order = np.lexsort((ri, cj))
    ri, cj, vv = ri[order], cj[order], vv[order]
    col_start = np.searchsorted(cj, np.arange(n_col + 1))
    lp = highspy.HighsLp()
    lp.num_col_ = n_col
    lp.num_row_ = r
    lp.col_cost_ = cols_cost
    lp.col_lower_ = lower
    lp.col_upper_ = upper
    lp.row_lower_ = np.concatenate(lo)
    lp.row_upper_ = np.concatenate(hi)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = col_start.astype(np.int32)
    lp.a_matrix_.index_ = ri.astype(np.int32)
    lp.a_matrix_.value_ = vv
    lp.integrality_ = [highspy.HighsVarType.kInteger] * k + [highspy.HighsVarType.kContinuous] * (n_b + 6)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("mip_rel_gap", 1e-6)
    h.setOptionValue("time_limit", max(float(time_limit), 0.01))
    h.passModel(lp)
    if start is not None:
        x0 = np.zeros(n_col)
        x0[start] = 1.0
        jp_emp = np.bincount(cand.employee[start], weights=cand.jp[start], minlength=emp.n)
        x0[k : k + n_b] = np.minimum(jp_emp[below], sf[below])
        z = np.bincount(cand.mix[start], weights=cand.jp[start], minlength=3)[:3]
        z = z - t * z.sum()
        x0[k + n_b : k + n_b + 3] = np.maximum(z, 0)
        x0[k + n_b + 3 :] = np.maximum(-z, 0)
        sol = highspy.HighsSolution()
        sol.col_value = x0.tolist()
        h.setSolution(sol)
    h.run()
    info = h.getInfo()
    bound = -float(info.mip_dual_bound) if np.isfinite(info.mip_dual_bound) else float("inf")
    if info.primal_solution_status == 2:  # feasible point found
        x = np.asarray(h.getSolution().col_value)[:k]
        return np.flatnonzero(x > 0.5), bound
    return None, bound


# --- Lagrangian planner ----------------------------------------------------------------------------------


class _BoundModel:
    """Per-pegawai LP bound of the problem with budget, seats and mix priced out.

    Within a pegawai, each candidate belongs only to the group of its primary need (dropping the other
    at-most-one rows only enlarges the feasible set, so the bound stays valid). The pegawai's LP
    (multiple-choice knapsack on time, plus the concave minimum bonus) equals, by LP duality,
    min over theta >= -bonus of  const(theta) + sum over groups of max(0, max_o (r_o - theta * jp_o)),
    a convex 1-D function, minimised per pegawai by bisection on its subgradient.
    """

    def __init__(self, cand: Candidates, emp: Employees, bonus: float) -> None:
        order = np.lexsort((cand.primary, cand.employee))
        self.order = order
        self.emp = cand.employee[order]
        self.jp = cand.jp[order]
        g = cand.primary[order]
        new = np.ones(len(g), dtype=bool)
        new[1:] = g[1:] != g[:-1]
        self.heads = np.flatnonzero(new)
        self.group = np.cumsum(new) - 1
        self.group_emp = self.emp[self.heads] if len(self.heads) else _EMPTY_I
        self.n = emp.n
        self.cap = np.asarray(emp.jp_cap, np.float64) / 100
        self.sf = _shortfall(emp)
        self.bonus = bonus
        self.theta = np.zeros(emp.n)

    def _const(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        cap, sf, b = self.cap, self.sf, self.bonus
        # alpha = max(0, -theta) when cap >= sf, else bonus.
        big = cap >= sf
        alpha = np.where(big, np.maximum(0.0, -theta), b)
        const = (theta + alpha) * cap + (b - alpha) * sf
        slope = np.where(big, np.where(theta > 0, cap, sf), cap)
        return const, slope

    def solve(self, reduced: np.ndarray, steps: int = 16) -> tuple[float, np.ndarray, np.ndarray]:
        """Bound value, per-candidate selection (0/1 in original order) and per-pegawai theta."""
        r = reduced[self.order]
        if not len(r):
            const, _ = self._const(np.zeros(self.n))
            return float(const.sum()), np.zeros(0), np.zeros(self.n)
        lo = np.full(self.n, -self.bonus)
        ratio = r / np.maximum(self.jp, 1e-9)
        hi = np.zeros(self.n)
        np.maximum.at(hi, self.emp, np.maximum(ratio, 0.0))
        hi += 1e-9
        jp_pos = self.jp > 0
        for _ in range(steps):
            mid = 0.5 * (lo + hi)
            v = r - mid[self.emp] * self.jp
            gmax = np.maximum.reduceat(v, self.heads)
            sel = (v >= gmax[self.group]) & (v > 0) & jp_pos
            used = np.bincount(self.emp[sel], weights=self.jp[sel], minlength=self.n)
            _, slope = self._const(mid)
            up = slope - used >= 0  # subgradient >= 0: minimum lies left
            hi = np.where(up, mid, hi)
            lo = np.where(up, lo, mid)
        best_val = np.full(self.n, np.inf)
        best_theta = hi.copy()
        for th in (lo, hi):
            v = r - th[self.emp] * self.jp
            gmax = np.maximum.reduceat(v, self.heads)
            const, _ = self._const(th)
            val = const + np.bincount(self.group_emp, weights=np.maximum(gmax, 0.0), minlength=self.n)
            better = val < best_val
            best_val = np.where(better, val, best_val)
            best_theta = np.where(better, th, best_theta)
        v = r - best_theta[self.emp] * self.jp
        gmax = np.maximum.reduceat(v, self.heads)
        sel = (v >= gmax[self.group]) & (v > 0)
        x = np.zeros(len(r))
        x[self.order] = sel
        self.theta = best_theta
        return float(best_val.sum()), x, best_theta


class _DpModel:
    """Per-pegawai exact (integer) subproblem by dynamic programming over whole JP, vectorised over pegawai.

    Same relaxation as _BoundModel (budget, seats and mix priced out; each candidate only in the group of
    its primary need), but each pegawai's multiple-choice knapsack on time is solved in integers, which
    removes the knapsack's integrality gap from the bound (a Lagrangian bound with integer subproblems is
    never weaker than the LP bound). Needs whole-JP offerings and caps (`usable`); JP above
    `max_jp` in capacity is not tracked (the caller falls back to the LP model then).
    """

    max_jp = 400

    def __init__(self, cand: Candidates, emp: Employees, bonus: float, idx: np.ndarray | None = None,
                 owner: np.ndarray | None = None) -> None:
        # idx: only these candidates, each owned by a subproblem (owner: ids 0.. of copies of pegawai,
        # e.g. branches; default: their pegawai, renumbered); solve() then takes and returns arrays over idx
        # and values per owner (self.owner_emp: the pegawai of each owner).
        c_emp, c_jp, c_primary = cand.employee, cand.jp, cand.primary
        cap_h = np.asarray(emp.jp_cap, dtype=np.int64)
        sf = _shortfall(emp)
        self.owner_emp = np.arange(emp.n)
        if idx is not None:
            if owner is None:
                ids, c_emp = np.unique(cand.employee[idx], return_inverse=True)
            else:
                c_emp = np.asarray(owner, dtype=np.int64)
                ids = np.zeros(int(c_emp.max(initial=-1)) + 1, dtype=np.int64)
                ids[c_emp] = cand.employee[idx]
            self.owner_emp = ids
            c_jp, c_primary = cand.jp[idx], cand.primary[idx]
            cap_h, sf = cap_h[ids], sf[ids]
        jp_h = np.rint(c_jp * 100).astype(np.int64)
        self.usable = bool(np.all(jp_h % 100 == 0)) and int(cap_h.max(initial=0)) // 100 <= self.max_jp
        # Time in units of the largest whole JP dividing every offering's JP (often 2 or 4): a plan's JP is a
        # multiple of it, so a cap rounds down to one, and the table gets that many times narrower.
        self.unit = max(int(np.gcd.reduce(jp_h // 100)) if len(jp_h) else 1, 1)
        self.cap = np.minimum(cap_h // 100, self.max_jp) // self.unit
        self.n = len(cap_h)
        self.bonus = bonus
        self.sf = sf
        w_all = jp_h // 100 // self.unit
        order = np.lexsort((w_all, c_primary, c_emp))
        self.order = order
        e = c_emp[order]
        g = c_primary[order]
        self.w = w_all[order].astype(np.int64)
        self.emp = e
        new_emp = np.ones(len(e), dtype=bool)
        new_emp[1:] = e[1:] != e[:-1]
        new_group = new_emp.copy()
        new_group[1:] |= g[1:] != g[:-1]
        gid = np.cumsum(new_group) - 1
        # Runs of equal time within a group (items sorted by time there), for the dominance test in solve().
        new_run = new_group.copy()
        new_run[1:] |= self.w[1:] != self.w[:-1]
        self.run_start = np.flatnonzero(new_run)
        self.run_id = np.cumsum(new_run) - 1
        run_group = gid[self.run_start]
        self.run_same_group = np.zeros(len(self.run_start), dtype=bool)
        self.run_same_group[1:] = run_group[1:] == run_group[:-1]
        self.run_group = run_group
        # Each JP more can earn at most the minimum bonus, and only for a pegawai below the minimum.
        self.per_w = np.where(self.sf[e] > 0, bonus * self.unit, 0.0)
        # Group slot within the pegawai, item slot within the group.
        emp_first_group = np.maximum.accumulate(np.where(new_emp, gid, 0))
        self.gslot = gid - emp_first_group
        group_start = np.flatnonzero(new_group)
        self.islot = np.arange(len(g)) - group_start[gid]
        self.width = int(self.cap.max(initial=0)) + 1
        n_g = int(self.gslot.max(initial=-1)) + 1
        # Items bucketed by (group slot, item slot), processed in that order.
        key = self.gslot * (int(self.islot.max(initial=0)) + 1) + self.islot
        self.buckets: list[tuple[int, np.ndarray]] = []
        if len(key):
            b_order = np.argsort(key, kind="stable")
            ks = key[b_order]
            cuts = np.flatnonzero(np.diff(ks)) + 1
            for part in np.split(b_order, cuts):
                self.buckets.append((int(self.gslot[part[0]]), part))
        self.n_groups = n_g

    def solve(self, reduced: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        """Bound value, the per-pegawai optimal selection (0/1, original order) and a per-pegawai price."""
        r = reduced[self.order]
        n, width = self.n, self.width
        cols = np.arange(width)
        f = np.full((n, width), -np.inf)
        f[:, 0] = 0.0
        choice = np.full((max(self.n_groups, 1), n, width), -1, dtype=np.int32)
        # An item whose reduced value plus all the minimum bonus its JP could earn is not positive never
        # improves a plan (dropping it loses nothing): the table skips it, which at settled prices is most.
        sf_item = self.sf[self.emp]
        useful = r + self.bonus * np.minimum(self.unit * self.w, sf_item) > 0
        # Within a group (at most one item taken), item B is dominated by an item A taking no more time whose
        # reduced value is higher by at least what B's extra JP could earn towards the minimum: swapping B
        # for A changes the value by at least (r_A + per_w w_A) - (r_B + per_w w_B) >= 0 and frees time, so
        # some optimal plan avoids B. key = r + per_w * w, compared with the best key among items of the
        # same group with less time (or the same time and a higher key).
        if len(r):
            key = r + self.per_w * self.w
            run_max = np.maximum.reduceat(key, self.run_start)
            big = 4.0 * (float(np.abs(run_max).max()) + 1.0)
            shifted = run_max + big * self.run_group
            upto = np.maximum.accumulate(shifted) - big * self.run_group
            prev = np.full(len(run_max), -np.inf)
            prev[1:] = np.where(self.run_same_group[1:], upto[:-1], -np.inf)
            dominated = (key < run_max[self.run_id]) | (prev[self.run_id] >= key)
            useful &= ~dominated
        cur_g = -1
        g_f = f
        for gs, all_items in self.buckets:
            items = all_items[useful[all_items]]
            if gs != cur_g:
                f = g_f if cur_g >= 0 else f
                g_f = f.copy()
                cur_g = gs
            if not len(items):
                continue
            rows = self.emp[items]
            shift = cols[None, :] - self.w[items][:, None]
            ok = shift >= 0
            cand_val = np.where(ok, f[rows[:, None], np.maximum(shift, 0)], -np.inf) + r[items][:, None]
            better = cand_val > g_f[rows]
            g_f[rows] = np.where(better, cand_val, g_f[rows])
            choice[gs, rows] = np.where(better, items[:, None], choice[gs, rows])
        if cur_g >= 0:
            f = g_f
        within = cols[None, :] <= self.cap[:, None]
        total = np.where(within, f + self.bonus * np.minimum(self.sf[:, None], self.unit * cols[None, :]), -np.inf)
        best_c = np.argmax(total, axis=1)
        best = total[np.arange(n), best_c]
        # Backtrack the selection.
        sel = np.zeros(len(r), dtype=bool)
        c = best_c.copy()
        ar = np.arange(n)
        for gs in range(self.n_groups - 1, -1, -1):
            it = choice[gs, ar, c]
            has = it >= 0
            sel[it[has]] = True
            c[has] -= self.w[it[has]]
        x = np.zeros(len(r))
        x[self.order] = sel
        return float(best.sum()), x, best


def _fits(chosen: np.ndarray, base: np.ndarray, cand: Candidates, emp: Employees, off: Offerings, budget: float,
          bonus: float) -> np.ndarray:
    """Candidates worth adding to a feasible plan that every constraint still allows (each on its own)."""
    seats_left, time_left, budget_left = _state(chosen, cand, emp, off, budget)
    need_open = np.ones(len(cand.need_has_offering), dtype=bool)
    lens = cand.ptr[chosen + 1] - cand.ptr[chosen]
    closed_rows = np.repeat(cand.ptr[chosen], lens) + (
        np.arange(int(lens.sum())) - np.repeat(np.cumsum(lens) - lens, lens))
    need_open[cand.need[closed_rows]] = False
    fits = np.logical_and.reduceat(need_open[cand.need], cand.ptr[:-1]) if len(cand.value) else np.zeros(0, bool)
    fits &= (cand.cost <= budget_left + 1e-6) & (cand.jp <= time_left[cand.employee] + 1e-9)
    fits &= seats_left[cand.offering] > 0
    sf_left = np.maximum(_shortfall(emp) - (np.asarray(emp.jp_cap, np.float64) / 100 - time_left), 0.0)
    fits &= (base + bonus * np.minimum(cand.jp, sf_left[cand.employee])) > 0
    fits[chosen] = False
    return fits


def _conflicts(sel: np.ndarray, base: np.ndarray, cand: Candidates) -> np.ndarray:
    """Selected candidates that close a need some better selected candidate (by base) also closes."""
    if not len(sel):
        return _EMPTY_I
    lens = cand.ptr[sel + 1] - cand.ptr[sel]
    rc = np.repeat(sel, lens)
    rows = np.repeat(cand.ptr[sel], lens) + (np.arange(int(lens.sum())) - np.repeat(np.cumsum(lens) - lens, lens))
    nd = cand.need[rows]
    by = np.lexsort((-base[rc], nd))
    nd, rc = nd[by], rc[by]
    dup = np.zeros(len(nd), dtype=bool)
    dup[1:] = nd[1:] == nd[:-1]
    return np.unique(rc[dup])


def _loss(s: np.ndarray, base: np.ndarray, cand: Candidates, emp: Employees, bonus: float) -> np.ndarray:
    """What dropping each selected candidate alone would lose: its base value and the minimum bonus it brings."""
    sf = _shortfall(emp)
    jp_i = np.bincount(cand.employee[s], weights=cand.jp[s], minlength=emp.n)[cand.employee[s]]
    sfi = sf[cand.employee[s]]
    return base[s] + bonus * (np.minimum(jp_i, sfi) - np.minimum(jp_i - cand.jp[s], sfi))


def _seat_cut(sel: np.ndarray, base: np.ndarray, cand: Candidates, emp: Employees, off: Offerings,
              bonus: float) -> np.ndarray:
    """An over-full offering keeps the participants who would lose most without it."""
    seats = np.asarray(off.seats, np.int64)
    use = np.bincount(cand.offering[sel], minlength=off.p)
    if not np.any((seats >= 0) & (use > seats)):
        return sel
    ls = _loss(sel, base, cand, emp, bonus)
    o = cand.offering[sel]
    by = np.lexsort((-ls, o))
    o_sorted = o[by]
    rank = np.arange(len(by)) - np.searchsorted(o_sorted, o_sorted)
    lim = seats[o_sorted]
    return sel[by[(lim < 0) | (rank < lim)]]


def _budget_cut(sel: np.ndarray, base: np.ndarray, cand: Candidates, emp: Employees, budget: float,
                bonus: float) -> np.ndarray:
    """An overspent budget drops the least loss per rupiah first."""
    spend = float(cand.cost[sel].sum())
    if spend <= budget + 1e-6:
        return sel
    ls = _loss(sel, base, cand, emp, bonus)
    paid = cand.cost[sel] > 0
    eff = np.where(paid, ls / np.maximum(cand.cost[sel], 1e-9), np.inf)
    by = np.argsort(eff, kind="stable")
    n_drop = int(np.searchsorted(np.cumsum(cand.cost[sel][by]), spend - budget - 1e-6)) + 1
    return np.delete(sel, by[:n_drop])


def _feasible_columns(sel: np.ndarray, red: np.ndarray, cand: Candidates, emp: Employees, bonus: float,
                      rounds: int = 2) -> np.ndarray:
    """The subproblems' plans made feasible per pegawai: a pegawai whose plan closes a need twice is solved
    again with the lesser candidate blocked (a few rounds); what still conflicts is dropped."""
    blocked = np.zeros(len(cand.value), dtype=bool)
    in_p = np.zeros(emp.n, dtype=bool)
    for _ in range(rounds):
        losers = _conflicts(sel, red, cand)
        if not len(losers):
            return sel
        blocked[losers] = True
        in_p[:] = False
        in_p[cand.employee[losers]] = True
        idx = np.flatnonzero(in_p[cand.employee] & ~blocked)
        keep = sel[~in_p[cand.employee[sel]]]
        if len(idx):
            _, xs, _ = _DpModel(cand, emp, bonus, idx).solve(red[idx])
            keep = np.concatenate([keep, idx[xs > 0.5]])
        sel = keep
    return np.setdiff1d(sel, _conflicts(sel, red, cand))


def _first_conflict(owner: np.ndarray, item: np.ndarray, score: np.ndarray, cand: Candidates) -> tuple[
    np.ndarray, np.ndarray, np.ndarray
]:
    """Per owner whose selected items close a need twice: (owner, the lesser item, the better item) of one
    such need. owner/item: the selection (item = candidate index), score: per selected item."""
    lens = cand.ptr[item + 1] - cand.ptr[item]
    at = np.repeat(np.arange(len(item)), lens)
    rows = np.repeat(cand.ptr[item], lens) + (np.arange(int(lens.sum())) - np.repeat(np.cumsum(lens) - lens, lens))
    nd = cand.need[rows]
    by = np.lexsort((-score[at], nd, owner[at]))
    nd, at = nd[by], at[by]
    ow = owner[at]
    dup = np.zeros(len(nd), dtype=bool)
    dup[1:] = (nd[1:] == nd[:-1]) & (ow[1:] == ow[:-1])
    pos = np.flatnonzero(dup)
    # The better item of a run is the run's first row.
    run_first = np.maximum.accumulate(np.where(~dup, np.arange(len(nd)), 0))
    lo, hi, o = at[pos], at[run_first[pos]], ow[pos]
    first = np.r_[True, o[1:] != o[:-1]] if len(o) else np.zeros(0, dtype=bool)
    return o[first], item[lo[first]], item[hi[first]]


def _exact_pricing(sel: np.ndarray, per: np.ndarray, red: np.ndarray, cand: Candidates, emp: Employees,
                   bonus: float, depth: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Each pegawai's subproblem with every need closed at most once, by branching on the relaxed one.

    The relaxed subproblem keeps each candidate only in its primary need's group, so its plan may close a
    secondary need twice. Any feasible plan then lacks one of the two candidates involved: solving both
    branches (each blocks one) and keeping the larger value is still an upper bound of the pegawai's exact
    optimum, and exact once every branch is conflict-free. Up to `depth` levels; an unresolved branch keeps its
    relaxed value (an upper bound) and offers its plan without the lesser candidates as a column.
    Returns the feasible plans (as candidates, one plan per pegawai) and the per-pegawai upper values.
    """
    per = per.copy()
    o, lo, hi = _first_conflict(cand.employee[sel], sel, red[sel], cand)
    if not len(o):
        return sel, per
    k = len(cand.value)
    sf = _shortfall(emp)
    emp_start = np.searchsorted(cand.employee, np.arange(emp.n + 1))
    conflicted = np.zeros(emp.n, dtype=bool)
    conflicted[o] = True
    keep = sel[~conflicted[cand.employee[sel]]]
    best_val = np.full(emp.n, -np.inf)  # best conflict-free plan per conflicted pegawai
    best_at = np.full(emp.n, -1)  # which of `found` holds it
    found: list[tuple[np.ndarray, np.ndarray]] = []  # (pegawai, candidates) of plans met, per level
    bound = np.full(emp.n, -np.inf)  # max over unresolved branches' relaxed values
    # Branch nodes: their pegawai and blocked candidates (one row per node).
    node_emp = np.repeat(o, 2)
    blocked = np.stack([lo, hi], axis=1).ravel()[:, None]
    for level in range(depth):
        n_nodes = len(node_emp)
        lens = emp_start[node_emp + 1] - emp_start[node_emp]
        owner = np.repeat(np.arange(n_nodes), lens)
        idx = np.repeat(emp_start[node_emp], lens) + (
            np.arange(int(lens.sum())) - np.repeat(np.cumsum(lens) - lens, lens))
        # Items that cannot help (see _DpModel.solve) are left out before the blocked ones are looked up.
        ok = red[idx] + bonus * np.minimum(cand.jp[idx], sf[cand.employee[idx]]) > 0
        owner, idx = owner[ok], idx[ok]
        bk = (np.arange(n_nodes)[:, None] * k + blocked).ravel()
        ok = ~np.isin(owner * k + idx, bk)
        owner, idx = owner[ok], idx[ok]
        _, xs, val = _DpModel(cand, emp, bonus, idx, owner=owner).solve(red[idx])
        if len(val) < n_nodes:
            val = np.concatenate([val, np.zeros(n_nodes - len(val))])
        chosen = xs > 0.5
        s_owner, s_item = owner[chosen], idx[chosen]
        co, clo, chi = _first_conflict(s_owner, s_item, red[s_item], cand)
        bad = np.zeros(n_nodes, dtype=bool)
        bad[co] = True
        last = level == depth - 1 or not len(co)
        # Conflict-free nodes: feasible plans, exact values of their branch; the best per pegawai is kept.
        good = np.flatnonzero(~bad)
        if len(good):
            by = good[np.lexsort((-val[good], node_emp[good]))]
            top = by[np.r_[True, node_emp[by][1:] != node_emp[by][:-1]]]
            te = node_emp[top]
            up = val[top] > best_val[te]
            top, te = top[up], te[up]
            if len(top):
                is_top = np.zeros(n_nodes, dtype=bool)
                is_top[top] = True
                pick = is_top[s_owner]
                found.append((node_emp[s_owner[pick]], s_item[pick]))
                best_val[te] = val[top]
                best_at[te] = len(found) - 1
        if last:
            # Unresolved: the relaxed value stays in the bound; for a pegawai with no conflict-free plan, its
            # best unresolved plan without the lesser candidates becomes the column.
            np.maximum.at(bound, node_emp[co], val[co])
            need_fb = co[best_at[node_emp[co]] < 0]
            if len(need_fb):
                by = need_fb[np.lexsort((-val[need_fb], node_emp[need_fb]))]
                top = by[np.r_[True, node_emp[by][1:] != node_emp[by][:-1]]]
                is_top = np.zeros(n_nodes, dtype=bool)
                is_top[top] = True
                pick = is_top[s_owner]
                f_own, f_item = s_owner[pick], s_item[pick]
                while True:
                    _, f_lo, _ = _first_conflict(f_own, f_item, red[f_item], cand)
                    if not len(f_lo):
                        break
                    drop = np.isin(f_item, f_lo)
                    f_own, f_item = f_own[~drop], f_item[~drop]
                found.append((node_emp[f_own], f_item))
                best_at[node_emp[top]] = len(found) - 1
            break
        # Branch again: each conflicted node into two, each blocking one more candidate.
        node_emp = np.repeat(node_emp[co], 2)
        extra = np.stack([clo, chi], axis=1).ravel()[:, None]
        blocked = np.concatenate([np.repeat(blocked[co], 2, axis=0), extra], axis=1)
    res = np.flatnonzero(conflicted)
    per[res] = np.maximum(best_val[res], bound[res])
    plans = [keep]
    for f, (fe, fi) in enumerate(found):
        plans.append(fi[best_at[fe] == f])
    return np.concatenate(plans), per


def _dp_primal(
    sel: np.ndarray, red: np.ndarray, base: np.ndarray, cand: Candidates, emp: Employees, off: Offerings,
    budget: float, bonus: float, rounds: int = 3,
) -> np.ndarray:
    """A feasible plan from the subproblems' plans (each pegawai's integer optimum at the current prices).

    Those respect each pegawai's time but may close a secondary need twice (the subproblem keeps each
    candidate only in its primary need's group) and overfill seats and budget. Conflicting candidates are
    blocked and their pegawai re-solved (a few rounds); then over-full offerings keep the participants who
    lose most without them, and the pegawai who lost a seat are re-solved without the full offerings;
    whatever still conflicts or overspends is dropped (least loss per rupiah first).
    """
    k = len(cand.value)
    blocked = np.zeros(k, dtype=bool)
    in_p = np.zeros(emp.n, dtype=bool)

    def resolve(sel: np.ndarray, who: np.ndarray, allow: np.ndarray) -> np.ndarray:
        in_p[:] = False
        in_p[who] = True
        idx = np.flatnonzero(in_p[cand.employee] & allow)
        keep = sel[~in_p[cand.employee[sel]]]
        if not len(idx):
            return keep
        _, xs, _ = _DpModel(cand, emp, bonus, idx).solve(red[idx])
        return np.concatenate([keep, idx[xs > 0.5]])

    for _ in range(rounds):
        losers = _conflicts(sel, base, cand)
        if not len(losers):
            break
        blocked[losers] = True
        sel = resolve(sel, np.unique(cand.employee[losers]), ~blocked)
    losers = _conflicts(sel, base, cand)
    sel = np.setdiff1d(sel, losers)
    for _ in range(2):
        cut = _seat_cut(sel, base, cand, emp, off, bonus)
        if len(cut) == len(sel):
            break
        lost = np.setdiff1d(sel, cut)
        sel = cut
        seats = np.asarray(off.seats, np.int64)
        full = (seats >= 0) & (np.bincount(cand.offering[sel], minlength=off.p) >= seats)
        held = np.zeros(k, dtype=bool)
        held[sel] = True
        sel = resolve(sel, np.unique(cand.employee[lost]), ~blocked & (~full[cand.offering] | held))
        sel = np.setdiff1d(sel, _conflicts(sel, base, cand))
    sel = _seat_cut(sel, base, cand, emp, off, bonus)
    return np.sort(_budget_cut(sel, base, cand, emp, budget, bonus))


class _Master:
    """Dantzig-Wolfe master LP over per-pegawai plans (columns), solved and re-solved warm by HiGHS.

    max sum_S v_S z_S - mix_penalty * sum_c (d+_c + d-_c) over z >= 0 with, per pegawai, sum of its columns
    <= 1; budget; seats of each limited offering; per mix category a tally X_c = sum_S z_S JP_c(S) and
    X_c - t_c sum_k X_k - d+_c + d-_c = 0 (the tally keeps each column in the rows of only the categories it
    uses: dense rows make every simplex step slow). A column is a feasible plan of one pegawai (time, each
    need closed once), valued with its minimum bonus. Its row duals are the prices of the Lagrangian (budget,
    seats, mix deviation, and a per-pegawai price that says which new columns could still improve it); with
    only a few hundred coupling rows a basic solution has at most that many pegawai split between columns, so
    rounding it loses little.
    """

    def __init__(self, cand: Candidates, emp: Employees, off: Offerings, settings: PlanSettings,
                 bonus: float) -> None:
        import highspy

        self.cand, self.emp, self.bonus = cand, emp, bonus
        self.sf = _shortfall(emp)
        self.b_scale = max(float(settings.budget), 1.0)
        seats = np.asarray(off.seats, np.float64)
        lim = np.flatnonzero(seats >= 0)
        n = emp.n
        self.r_budget = n
        self.seat_row = np.full(off.p, -1, dtype=np.int64)
        self.seat_row[lim] = n + 1 + np.arange(len(lim))
        self.r_mix = n + 1 + len(lim)  # deviation rows, then tally rows
        self.r_tally = self.r_mix + 3
        self.n_rows = self.r_mix + 6
        t = np.asarray(settings.mix_target, np.float64)
        self.t_mix = t
        self.mix_coef = np.eye(3)[cand.mix] * cand.jp[:, None] - t[None, :] * cand.jp[:, None]
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
        h.setOptionValue("presolve", "off")
        # Primal simplex: after new columns the last basis stays feasible, so each re-solve is short.
        h.setOptionValue("simplex_strategy", 4)
        lower = np.concatenate([np.full(self.r_mix, -np.inf), np.zeros(6)])
        upper = np.concatenate([np.ones(n), [float(settings.budget) / self.b_scale], seats[lim], np.zeros(6)])
        h.addRows(self.n_rows, lower, upper, 0, np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0))
        rho = float(settings.mix_penalty)
        self.rho = rho
        mix_rows = self.r_mix + np.array([0, 1, 2, 0, 1, 2], dtype=np.int32)
        h.addCols(6, np.full(6, -rho), np.zeros(6), np.full(6, np.inf), 6, np.arange(6, dtype=np.int32),
                  mix_rows, np.array([-1.0, -1.0, -1.0, 1.0, 1.0, 1.0]))
        # Tallies X_c: -1 in their tally row, (1 if k == c) - t_k in deviation row k.
        x_rows = np.concatenate([[self.r_tally + c, self.r_mix, self.r_mix + 1, self.r_mix + 2] for c in range(3)])
        x_vals = np.concatenate([[-1.0, *(np.eye(3)[c] - t)] for c in range(3)])
        h.addCols(3, np.zeros(3), np.zeros(3), np.full(3, np.inf), 12, np.array([0, 4, 8], dtype=np.int32),
                  x_rows.astype(np.int32), x_vals)
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        self.h = h
        self.n_fixed = 9  # d+, d-, X
        self.n_cols = self.n_fixed
        self.col_emp: list[np.ndarray] = []
        self.col_ptr: list[np.ndarray] = []
        self.col_items: list[np.ndarray] = []
        self.seen: set[bytes] = set()
        self.duals: tuple[float, np.ndarray, np.ndarray, np.ndarray] | None = None

    def add(self, sel: np.ndarray, most: int | None = None) -> int:
        """Add the plans of a selection (feasible per pegawai) as one column per pegawai; returns how many.

        most: only that many, those of largest reduced cost (partial pricing: on a large master, fewer
        entering columns per round keep each re-solve short)."""
        cand = self.cand
        if not len(sel):
            return 0
        sel = sel[np.argsort(cand.employee[sel], kind="stable")]
        e = cand.employee[sel]
        heads = np.flatnonzero(np.r_[True, e[1:] != e[:-1]])
        keep = []
        keys = []
        for a, b in zip(heads.tolist(), [*heads[1:].tolist(), len(sel)], strict=True):
            key = sel[a:b].tobytes()
            if key not in self.seen:
                keys.append(key)
                keep.append((a, b))
        if not keep:
            return 0
        parts = [sel[a:b] for a, b in keep]
        items = np.concatenate(parts)
        lens = np.array([b - a for a, b in keep], dtype=np.int64)
        ptr = np.concatenate([[0], np.cumsum(lens)])
        col_e = cand.employee[items[ptr[:-1]]]
        m = len(lens)
        jp = np.add.reduceat(cand.jp[items], ptr[:-1])
        value = np.add.reduceat(cand.value[items], ptr[:-1]) + self.bonus * np.minimum(jp, self.sf[col_e])
        cost = np.add.reduceat(cand.cost[items], ptr[:-1]) / self.b_scale
        mix = np.add.reduceat(self.mix_coef[items], ptr[:-1], axis=0)
        jp_cat = np.add.reduceat(np.eye(3)[cand.mix[items]] * cand.jp[items][:, None], ptr[:-1], axis=0)
        if self.duals is not None:
            # Only columns that improve the master at its current prices (its reduced cost > 0) enter.
            lam, mu, pi, sigma = self.duals
            rc = (value - lam * self.b_scale * cost - np.add.reduceat(mu[cand.offering[items]], ptr[:-1])
                  - mix @ pi - sigma[col_e])
            good = rc > 1e-9 * np.maximum(np.abs(value), 1.0)
            if most is not None and int(good.sum()) > most:
                good &= rc >= np.partition(rc, len(rc) - most)[len(rc) - most]
            if not good.all():
                parts = [pt for pt, g in zip(parts, good.tolist(), strict=True) if g]
                keys = [kk for kk, g in zip(keys, good.tolist(), strict=True) if g]
                if not parts:
                    return 0
                items = np.concatenate(parts)
                lens = lens[good]
                ptr = np.concatenate([[0], np.cumsum(lens)])
                col_e, value, cost, jp_cat = col_e[good], value[good], cost[good], jp_cat[good]
                m = len(lens)
        self.seen.update(keys)
        col_of_item = np.repeat(np.arange(m), lens)
        srow = self.seat_row[cand.offering[items]]
        has = srow >= 0
        # Entries: convexity, budget, seats, mix (zeros dropped).
        ent_col = np.concatenate([np.arange(m), np.arange(m), col_of_item[has], np.repeat(np.arange(m), 3)])
        ent_row = np.concatenate([col_e, np.full(m, self.r_budget), srow[has],
                                  np.tile(self.r_tally + np.arange(3), m)])
        ent_val = np.concatenate([np.ones(m), cost, np.ones(int(has.sum())), jp_cat.ravel()])
        nz = ent_val != 0
        ent_col, ent_row, ent_val = ent_col[nz], ent_row[nz], ent_val[nz]
        by = np.lexsort((ent_row, ent_col))
        ent_col, ent_row, ent_val = ent_col[by], ent_row[by], ent_val[by]
        starts = np.searchsorted(ent_col, np.arange(m)).astype(np.int32)
        self.h.addCols(m, value, np.zeros(m), np.full(m, np.inf), len(ent_val), starts,
                       ent_row.astype(np.int32), ent_val)
        self.col_emp.append(col_e)
        self.col_ptr.append(ptr)
        self.col_items.append(items)
        self.n_cols += m
        return m

    def start_at(self, sel: np.ndarray) -> None:
        """A starting basis at a feasible plan whose columns were the first added: those columns basic at 1,
        their pegawai's rows tight, every other row slack, one mix deviation per category basic. It is
        triangular with a unit diagonal, hence a basis, and primal feasible, so the first solve starts there
        instead of at the empty plan."""
        import highspy

        st = highspy.HighsBasisStatus
        n_seed = self.n_cols - self.n_fixed
        col_e = np.concatenate(self.col_emp) if self.col_emp else _EMPTY_I
        z = np.bincount(self.cand.mix[sel], weights=self.cand.jp[sel], minlength=3)[:3]
        z = z - np.asarray(self.t_mix) * z.sum()
        col = [st.kLower] * self.n_cols
        for c in range(3):
            col[c if z[c] >= 0 else 3 + c] = st.kBasic
        col[6:9] = [st.kBasic] * 3
        col[9 : 9 + n_seed] = [st.kBasic] * n_seed
        row = [st.kBasic] * self.n_rows
        for e in col_e.tolist():
            row[e] = st.kUpper
        for c in range(6):
            row[self.r_mix + c] = st.kLower
        basis = highspy.HighsBasis()
        basis.col_status = col
        basis.row_status = row
        basis.valid = True
        self.h.setBasis(basis)

    def solve(self, seconds: float = np.inf) -> tuple[float, np.ndarray, float, np.ndarray, np.ndarray, np.ndarray]:
        """LP value, column values (z, in order added), and the prices: budget (per rupiah), seats [p],
        mix [3], per pegawai [n]. Stopped after `seconds`, the primal simplex still has a feasible point and
        prices (any prices give a valid bound), and the next solve continues from there."""
        self.h.setOptionValue("time_limit", float(self.h.getRunTime() + seconds))
        self.h.run()
        _log.debug("  master: %s, run time %.2f s, %d simplex iterations", self.h.getModelStatus(),
                   self.h.getRunTime(), self.h.getInfo().simplex_iteration_count)
        sol = self.h.getSolution()
        z = np.asarray(sol.col_value)[self.n_fixed :]
        y = np.asarray(sol.row_dual)
        n = self.emp.n
        lam = max(0.0, float(y[self.r_budget]) / self.b_scale)
        mu = np.zeros(len(self.seat_row))
        lim = self.seat_row >= 0
        mu[lim] = np.maximum(0.0, y[self.seat_row[lim]])
        # Clipped so that they stay valid prices (|pi| <= mix_penalty) when the LP stopped before optimality.
        pi = np.clip(y[self.r_mix : self.r_mix + 3], -self.rho, self.rho)
        sigma = np.maximum(0.0, y[:n])
        self.duals = (lam, mu, pi, sigma)
        return float(self.h.getInfo().objective_function_value), z, lam, mu, pi, sigma

    def round(self, z: np.ndarray) -> np.ndarray:
        """Each pegawai's column of largest weight (>= 1e-6); the candidates they take."""
        if not self.col_emp or not len(z):
            return _EMPTY_I
        col_e = np.concatenate(self.col_emp)
        ptr_parts, off_ = [], 0
        for p_ in self.col_ptr:
            ptr_parts.append(p_[:-1] + off_)
            off_ += int(p_[-1])
        starts = np.concatenate(ptr_parts)
        items = np.concatenate(self.col_items)
        ends = np.r_[starts[1:], len(items)]
        live = np.flatnonzero(z > 1e-6)
        if not len(live):
            return _EMPTY_I
        by = live[np.lexsort((-z[live], col_e[live]))]
        first = np.r_[True, col_e[by][1:] != col_e[by][:-1]]
        pick = by[first]
        lens = ends[pick] - starts[pick]
        idx = np.repeat(starts[pick], lens) + (np.arange(int(lens.sum())) - np.repeat(np.cumsum(lens) - lens, lens))
        return items[idx]


def _column_generation(
    cand: Candidates, emp: Employees, off: Offerings, settings: PlanSettings, bonus: float, dp: _DpModel,
    lam: float, mu: np.ndarray, deadline: float, consider: Callable[[np.ndarray], float], t0: float,
    bound_seen: Callable[[float], float], seed: list[np.ndarray],
) -> np.ndarray:
    """Prices from the master LP, columns and bounds from the per-pegawai integer subproblems, plans from
    rounding the master; until the gap closes or time runs out. Returns the last reduced values."""
    budget = float(settings.budget)
    seats = np.asarray(off.seats, np.float64)
    seat_cap = np.where(seats >= 0, seats, 0.0)
    master = _Master(cand, emp, off, settings, bonus)
    for plan_ in seed:
        sel = np.setdiff1d(plan_, _conflicts(plan_, cand.value, cand))
        if master.n_cols == master.n_fixed and master.add(sel):
            master.start_at(sel)
        else:
            master.add(sel)
    if master.n_cols > master.n_fixed:
        master.solve()
    alpha = 0.5
    c_lam, c_mu, c_pi = lam, mu.copy(), np.zeros(3)  # stability centre: the prices of the best bound
    q_lam, q_mu, q_pi = c_lam, c_mu, c_pi
    # With millions of candidates the branching costs more than the few hundredths of a percent of bound it
    # gains: there the relaxed values stay in the bound and the columns drop the lesser candidate instead.
    branch = len(cand.value) <= 2_000_000
    # Likewise a plan after every round (rounding, repair, fill: seconds there) only after the last one; and a
    # round adds only the 30% of pegawai's new plans that improve the master most (partial pricing: the first
    # master LP with every pegawai's new plan took 40-50 s there), with prices kept closer to those of the
    # best bound (its duals, from fewer columns, are further off).
    plan_every = branch
    most = None if branch else max(20_000, 3 * emp.n // 10)
    if not branch:
        alpha = 0.7
    best_b = np.inf
    c_use = np.zeros(off.p)  # seats the relaxed plans at the best bound's prices use
    lp = -np.inf
    it = idle = 0
    # Exact pricings after the last master that are for the bound only (large instances: steps on the seat
    # prices from the best bound's, see below); smaller ones price once more at the last master's prices.
    last_steps = 1 if branch else 2
    t_plan = 0.3 * (time.perf_counter() - t0)  # the time of a plan, until one is measured
    z, lam, pi = np.zeros(0), 0.0, np.zeros(3)

    def make_plan() -> float:
        nonlocal t_plan
        t_p = time.perf_counter()
        base = cand.value - master.mix_coef @ pi
        rnd = master.round(z)
        rnd = _budget_cut(_seat_cut(rnd, base, cand, emp, off, bonus), base, cand, emp, budget, bonus)
        fill_base = base - lam * cand.cost
        filled = _greedy_dynamic(fill_base, cand, emp, off, budget, bonus, start=rnd,
                                 allowed=_fits(rnd, fill_base, cand, emp, off, budget, bonus))
        t_plan = time.perf_counter() - t_p
        return consider(filled)

    obj = -np.inf
    while True:
        t_it = time.perf_counter()
        red = cand.value - master.mix_coef @ q_pi - q_lam * cand.cost - q_mu[cand.offering]
        _, xd, per = dp.solve(red)
        t_dp = time.perf_counter() - t_it
        sel = np.flatnonzero(xd > 0.5)
        if branch:
            cols, per = _exact_pricing(sel, per, red, cand, emp, bonus)
        else:
            cols = np.setdiff1d(sel, _conflicts(sel, red, cand))
        t_pr = time.perf_counter() - t_it
        b = float(per.sum()) + q_lam * budget + float(q_mu @ seat_cap)
        if b < best_b:
            best_b = b
            c_lam, c_mu, c_pi = q_lam, q_mu, q_pi
            c_use = np.bincount(cand.offering[sel], minlength=off.p).astype(np.float64)
        bound_seen(b)
        added = master.add(cols, most=most)
        t_lp = time.perf_counter()
        # A large master gets at most half the time left, and never the time the plan (and a last bound) after
        # it needs; in the last round that fits (half would not leave enough for another), all the rest.
        left = deadline - time.perf_counter()
        cap = left - 1.15 * t_plan - 1.2 * last_steps * t_dp - 0.5
        if left / 2 >= 1.2 * t_pr + 2.0 + 1.15 * t_plan:
            cap = min(cap, left / 2)
        lp, z, lam, mu, pi, _ = master.solve(max(1.0, cap))
        t_lp = time.perf_counter() - t_lp
        planned = plan_every
        if planned:
            obj = make_plan()
        q_lam = alpha * c_lam + (1 - alpha) * lam
        q_mu = alpha * c_mu + (1 - alpha) * mu
        q_pi = alpha * c_pi + (1 - alpha) * pi
        spent = time.perf_counter() - t_it
        _log.debug("cg %d t=%.2f cpu=%.2f added=%d lp=%.1f bound=%.1f (here %.1f) plan=%.1f; dp %.2f pricing %.2f "
                   "lp %.2f plan %.2f, round %.2f s", it, time.perf_counter() - t0, time.process_time(), added, lp,
                   best_b, b, obj, t_dp, t_pr, t_lp, t_plan, spent)
        it += 1
        idle = idle + 1 if added == 0 else 0
        tol = settings.tolerance * max(abs(best_b), 1e-9)
        # Stop when the plan meets the bound, when the master LP meets it (what is left is integrality, which
        # no more columns close), when pricing finds nothing new, or before the time runs out: another round
        # needs its pricing, a little master LP and a plan.
        if best_b - obj <= tol or best_b - lp <= 0.1 * tol or idle >= 2 or it >= settings.iterations:
            break
        reserve = 0.0 if branch else 1.2 * last_steps * t_dp
        if time.perf_counter() + 1.2 * (t_pr + t_plan) + min(t_lp, 2.0) + reserve > deadline:
            break
    # Time the last plan does not need: on large instances, subgradient steps on the seat prices from the
    # best bound's (the budget and mix prices kept; along the budget price alone the bound was seen flat):
    # each limited offering's price moves by its over- or under-use in the relaxed plans there, a quarter of
    # a Polyak step towards the last master's value (the bound cannot fall below it). Any prices >= 0 give a
    # valid bound; a step that does not improve is retried at half the length.
    if not branch:
        limited = seats >= 0
        frac = 0.25
        for _ in range(2 * last_steps):
            if time.perf_counter() + 1.2 * t_dp + (0.0 if planned else 1.15 * t_plan) > deadline:
                break
            g = np.where(limited, seat_cap - c_use, 0.0)
            step = frac * max(best_b - lp, 0.0) / max(float(g @ g), 1e-9)
            s_mu = np.maximum(0.0, c_mu - step * g)
            red = cand.value - master.mix_coef @ c_pi - c_lam * cand.cost - s_mu[cand.offering]
            _, xd, per = dp.solve(red)
            b = float(per.sum()) + c_lam * budget + float(s_mu @ seat_cap)
            _log.debug("seat price step %.3g: bound %.1f (was %.1f)", step, b, best_b)
            bound_seen(b)
            if b < best_b:
                best_b, c_mu = b, s_mu
                c_use = np.bincount(cand.offering[xd > 0.5], minlength=off.p).astype(np.float64)
            else:
                frac /= 2
    elif time.perf_counter() + 1.2 * t_dp + (0.0 if planned else 1.15 * t_plan) <= deadline:
        # Time the last plan does not need: the bound once more, at the prices the last master gave.
        red = cand.value - master.mix_coef @ q_pi - q_lam * cand.cost - q_mu[cand.offering]
        _, _, per = dp.solve(red)
        b = bound_seen(float(per.sum()) + q_lam * budget + float(q_mu @ seat_cap))
        _log.debug("last bound %.1f", b)
    if not planned:
        make_plan()
    return red


def plan(emp: Employees, needs: Needs, off: Offerings, settings: PlanSettings) -> Plan:
    """The budget-optimal plan: Lagrangian relaxation of budget, seats and mix; greedy repair; bound and gap."""
    t0 = time.perf_counter()
    deadline = t0 + settings.time_limit
    cand = candidates(emp, needs, off, settings.budget)
    notes = _notes(emp, needs, off, settings, cand)
    bonus = _minimum_bonus(settings, cand)
    k = len(cand.value)
    if k == 0:
        return _assemble(_EMPTY_I, cand, emp, needs, off, settings, bonus, 0.0, "lagrangian", t0, notes)
    model = _BoundModel(cand, emp, bonus)
    sf = _shortfall(emp)
    budget = float(settings.budget)
    seats = np.asarray(off.seats, np.float64)
    limited = seats >= 0
    seat_cap = np.where(limited, seats, 0.0)
    rho = float(settings.mix_penalty)
    t = np.asarray(settings.mix_target, np.float64)
    mix_coef = np.eye(3)[cand.mix] * cand.jp[:, None] - t[None, :] * cand.jp[:, None]  # [k, 3]
    worth_min = bonus * np.minimum(cand.jp, sf[cand.employee])

    _log.debug("candidates %d in %.2f s", k, time.perf_counter() - t0)
    dp = _DpModel(cand, emp, bonus)
    _log.debug("models in %.2f s", time.perf_counter() - t0)
    use_dp = dp.usable and emp.n * dp.width * max(dp.n_groups, 1) <= 400_000_000

    def lagrangian(lam: float, mu: np.ndarray, pi: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        red = cand.value - lam * cand.cost - mu[cand.offering] - mix_coef @ pi
        val, x, _ = model.solve(red)
        return val + lam * budget + float(mu @ seat_cap), x, red

    best_bound = np.inf
    clock = {"lagrangian": 0.0, "primal": -1.0}
    allowed: np.ndarray | None = None  # candidates the repair may use (all, unless the instance is huge)

    def lagrangian_timed(lam: float, mu: np.ndarray, pi: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        t = time.perf_counter()
        out = lagrangian(lam, mu, pi)
        clock["lagrangian"] = time.perf_counter() - t
        return out

    def primal(red: np.ndarray, lam: float, mu: np.ndarray, with_dp: bool) -> np.ndarray:
        """The lazy greedy on the reduced values; with whole JP also the integer bound at these prices."""
        nonlocal best_bound
        t = time.perf_counter()
        best = _greedy_dynamic(red, cand, emp, off, budget, bonus, allowed=allowed)
        if with_dp and use_dp:
            # The same prices with each pegawai's subproblem solved in integers: a tighter valid bound.
            val, xd, _ = dp.solve(red)
            best_bound = min(best_bound, val + lam * budget + float(mu @ seat_cap))
            base = red + mu[cand.offering] + lam * cand.cost
            rep = _dp_primal(np.flatnonzero(xd > 0.5), red, base, cand, emp, off, budget, bonus)
            filled = _greedy_dynamic(base - lam * cand.cost, cand, emp, off, budget, bonus, start=rep, allowed=allowed)
            consider(filled)
        clock["primal"] = time.perf_counter() - t
        return best

    def primal_cost() -> float:
        return clock["primal"] if clock["primal"] >= 0 else 8.0 * clock["lagrangian"]

    huge = k > 1_000_000
    generate = use_dp  # column generation (else the subgradient method below)

    def bound_seen(b: float) -> float:
        nonlocal best_bound
        best_bound = min(best_bound, b)
        return best_bound

    def obj_seen() -> float:
        return best_obj
    best_obj, best_chosen = -np.inf, _EMPTY_I

    def consider(chosen: np.ndarray) -> float:
        nonlocal best_obj, best_chosen
        obj = evaluate(chosen, cand, emp, settings, bonus)[0]
        if obj > best_obj:
            best_obj, best_chosen = obj, chosen
        return best_obj

    mu = np.zeros(off.p)
    pi = np.zeros(3)
    # 1) A first budget price: the value per rupiah at which the best candidates by that ratio would spend
    # the budget (one sort; the price adjustment below corrects it).
    sample = generate and emp.n > 20_000
    if sample:
        # Column generation corrects the prices anyway: the first budget price is searched on every 10th
        # pegawai (their share of the budget), ten times cheaper on large instances.
        pick = np.arange(0, emp.n, 10)
        in_s = np.flatnonzero(cand.employee % 10 == 0)
        sub_emp = Employees(np.asarray(emp.jp_current)[pick], np.asarray(emp.jp_minimum)[pick],
                            np.asarray(emp.jp_cap)[pick])
        sub = _BoundModel(Candidates(
            employee=cand.employee[in_s] // 10, offering=cand.offering[in_s], value=cand.value[in_s],
            jp=cand.jp[in_s], cost=cand.cost[in_s], mix=cand.mix[in_s], ptr=_EMPTY_I, need=_EMPTY_I,
            primary=cand.primary[in_s], need_has_offering=cand.need_has_offering,
            need_excluded=cand.need_excluded), sub_emp, bonus)
        sub_share = len(pick) / emp.n

    def over_budget(lam_: float) -> bool:
        """Whether the relaxation's plan at this budget price spends more than the budget."""
        nonlocal best_bound
        if sample:
            x_s = sub.solve(cand.value[in_s] - lam_ * cand.cost[in_s] - mu[cand.offering[in_s]])[1]
            return float(cand.cost[in_s] @ x_s) > budget * sub_share
        val_, x_, _ = lagrangian_timed(lam_, mu, pi)
        best_bound = min(best_bound, val_)
        return float(cand.cost @ x_) > budget

    red0 = cand.value - mix_coef @ pi
    lam = 0.0
    lam_hi = 0.0
    if over_budget(0.0):
        paid = np.flatnonzero(cand.cost > 0)
        ratio = (cand.value[paid] + worth_min[paid]) / cand.cost[paid]
        by_ratio = np.argsort(-ratio, kind="stable")
        spent = np.cumsum(cand.cost[paid][by_ratio])
        cross = min(int(np.searchsorted(spent, budget)), len(by_ratio) - 1)
        lam_hi = float(ratio[by_ratio[cross]])
        # That overestimates (the minimum bonus inflates ratios): geometric bisection below it, 10% steps.
        lo, hi = lam_hi * 1e-4, lam_hi
        while hi / lo > (2.0 if generate else 1.1) and time.perf_counter() < deadline:
            mid = float(np.sqrt(lo * hi))
            lo, hi = (mid, hi) if over_budget(mid) else (lo, mid)
        lam = lam_hi = hi
    elif not generate:
        consider(primal(red0, 0.0, mu, not huge))
    if huge or generate:
        # The lazy greedy (a Python loop) only looks at the best few offerings per need at the first prices:
        # with millions of candidates for every plan; with column generation for the first one only (its
        # columns seed the master). The relaxation and the bound still see every candidate.
        score = cand.value + worth_min - lam * cand.cost
        by = np.lexsort((-score, cand.primary))
        grp = cand.primary[by]
        head = np.ones(len(by), dtype=bool)
        head[1:] = grp[1:] != grp[:-1]
        rank = np.arange(len(by)) - np.maximum.accumulate(np.where(head, np.arange(len(by)), 0))
        allowed = np.zeros(k, dtype=bool)
        allowed[by[rank < (2 if generate else 3)]] = True
    # 2) Price adjustment (a subgradient method with per-row steps): each seat row moves by its relative
    # overuse times the typical value of its candidates, the budget multiplier by its relative overspend,
    # the mix multipliers by the relative deviation; steps shrink as 1/sqrt(t). Any multipliers give a valid
    # bound, so the lowest one met is kept. (One Polyak step for all rows stalls: rupiah and seats differ
    # by 10^7.)
    n_per_off = np.maximum(np.bincount(cand.offering, minlength=off.p), 1)
    vbar = np.bincount(cand.offering, weights=cand.value, minlength=off.p) / n_per_off
    eta = 0.5
    if settings.seat_prices:
        # Start seat prices where each limited offering would clear if nobody had an alternative: the
        # reduced value of its seats-th best candidate, halved (pegawai do have alternatives).
        red_now = cand.value - lam * cand.cost
        by = np.lexsort((-red_now, cand.offering))
        o_sorted = cand.offering[by]
        first = np.searchsorted(o_sorted, np.arange(off.p))
        count = np.bincount(cand.offering, minlength=off.p)
        s_int = seat_cap.astype(np.int64)
        full = limited & (count > s_int)
        pick = first[full] + s_int[full]
        mu = np.zeros(off.p)
        mu[full] = 0.5 * np.maximum(red_now[by[pick]], 0.0)
    red = red0
    fresh = False  # the last primal ran at the current prices
    iterations = settings.iterations
    _log.debug("first prices in %.2f s", time.perf_counter() - t0)
    if generate:
        # A first feasible plan (the lazy greedy at the first prices) seeds the master with good columns.
        seed = primal(red0 if lam == 0 else cand.value - lam * cand.cost - mu[cand.offering], lam, mu, False)
        consider(seed)
        _log.debug("seed plan in %.2f s", time.perf_counter() - t0)
        # The rounds stop a little before the limit: the last fill and the result assembly still follow.
        cg_deadline = deadline - max(0.2, 0.02 * settings.time_limit)
        red = _column_generation(cand, emp, off, settings, bonus, dp, lam, mu, cg_deadline, consider, t0,
                                 bound_seen, [seed])
        iterations = 0
        fresh = True
    for it in range(iterations):
        if time.perf_counter() + clock["lagrangian"] + 2.0 * primal_cost() > deadline:  # last plan + fill
            notes.append("time_limit")
            break
        val, x, red = lagrangian_timed(lam, mu, pi)
        best_bound = min(best_bound, val)
        fresh = False
        if it % 4 == 3:
            consider(primal(red, lam, mu, not huge))
            fresh = True
        _log.debug("it %d t=%.2f lam=%.3g bound=%.1f plan=%.1f", it, time.perf_counter() - t0, lam, best_bound,
                   best_obj)
        if best_bound - best_obj <= settings.tolerance * max(abs(best_bound), 1e-9):
            break
        decay = eta / np.sqrt(1.0 + it)
        spend = float(cand.cost @ x)
        if lam > 0:
            lam = max(0.0, lam * (1.0 + decay * (spend - budget) / max(budget, 1.0)))
        elif spend > budget:
            lam = lam_hi
        use = np.bincount(cand.offering, weights=x, minlength=off.p)
        over = np.where(limited, (use - seat_cap) / np.maximum(seat_cap, 1.0), 0.0)
        mu = np.maximum(0.0, mu + decay * vbar * over)
        if rho > 0:
            z = mix_coef.T @ x
            pi = np.clip(pi + decay * rho * z / max(float(cand.jp @ x), 1.0), -rho, rho)
    # 3) The last prices get their plan too; for huge instances the integer bound once, if time allows.
    if not fresh and (best_obj == -np.inf or time.perf_counter() + primal_cost() <= deadline):
        consider(primal(red, lam, mu, not huge and time.perf_counter() + 3 * clock["lagrangian"] <= deadline))
    if huge and use_dp and not generate and time.perf_counter() + 8 * clock["lagrangian"] <= deadline:
        val, _, _ = dp.solve(red)
        best_bound = min(best_bound, val + lam * budget + float(mu @ seat_cap))
    # Whatever capacity the best plan leaves, by plain value, over every candidate that still fits (found
    # vectorised, so the loop only sees those).
    fits = _fits(best_chosen, cand.value, cand, emp, off, budget, bonus)
    if fits.any():
        consider(_greedy_dynamic(cand.value.copy(), cand, emp, off, budget, bonus, start=best_chosen,
                                 allowed=fits))
    # 4) Small instances have a real integrality gap that no relaxation closes: there the exact MILP is
    # cheap, so it finishes the job (warm-started with the best plan) within the time left.
    left = deadline - time.perf_counter()
    if best_bound - best_obj > settings.tolerance * max(abs(best_bound), 1e-9) and k <= settings.exact_below \
            and left > 0:
        chosen, bound = _milp(cand, emp, needs, off, settings, bonus, left, start=best_chosen)
        if chosen is not None:
            consider(chosen)
        best_bound = min(best_bound, bound)
        notes.append("exact_milp")
    return _assemble(best_chosen, cand, emp, needs, off, settings, bonus, float(best_bound), "lagrangian", t0,
                     notes)
