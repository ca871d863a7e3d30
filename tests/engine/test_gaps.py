"""engine/gaps.py: JPM, categories and gaps per CONTRACT.md and DOMAIN.md, by table and by property."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import bangkom.engine.gaps as gaps_module
from bangkom.engine.gaps import (
    FILLING_CATEGORIES,
    MAPPING_CATEGORIES,
    NOT_ASSESSED,
    GroupAggregates,
    JpmSettings,
    SkjArrays,
    SkjMatrix,
    aggregate,
    analyse,
    categorize,
    jpm,
    jpm_by_employee,
    jpm_distribution,
    line_gaps,
    matrix_from_lines,
    round_half_up_hundredths,
    skj_arrays_from_long,
)


def _one(required: list[int], assessed: list[int], **kw: object) -> tuple[int, str, str]:
    n = len(required)
    res = jpm_by_employee(
        np.zeros(n, np.int32), np.array(required, np.int8), np.array(assessed, np.int8), 1, JpmSettings(**kw)
    )  # type: ignore[arg-type]
    return int(res.jpm_hundredths[0]), MAPPING_CATEGORIES[res.mapping[0]], FILLING_CATEGORIES[res.filling[0]]


@pytest.mark.parametrize(
    ("required", "assessed", "capped", "expected"),
    [
        ([3, 3, 3], [3, 3, 3], False, (10000, "optimal", "memenuhi_syarat")),
        ([3, 3], [4, 4], False, (13333, "optimal", "memenuhi_syarat")),  # uncapped: above standard counts
        ([3, 3], [4, 4], True, (10000, "optimal", "memenuhi_syarat")),  # capped at the required level
        ([3, 3], [4, 1], True, (6667, "kurang_optimal", "kurang_memenuhi_syarat")),
        ([5, 5], [4, 5], False, (9000, "optimal", "memenuhi_syarat")),  # exactly 90: optimal
        ([10, 10, 5], [9, 9, 4], False, (8800, "cukup_optimal", "memenuhi_syarat")),
        ([25], [20], False, (8000, "cukup_optimal", "memenuhi_syarat")),  # exactly 80: memenuhi
        ([50], [39], False, (7800, "cukup_optimal", "masih_memenuhi_syarat")),  # exactly 78
        ([25], [17], False, (6800, "kurang_optimal", "masih_memenuhi_syarat")),  # exactly 68
        ([3, 3, 3], [3, 0, 3], False, (-1, "belum_dinilai", "belum_dinilai")),
    ],
)
def test_jpm_table(
    required: list[int], assessed: list[int], capped: bool, expected: tuple[int, str, str]
) -> None:
    assert _one(required, assessed, capped=capped) == expected


@pytest.mark.parametrize(
    ("num", "den", "hundredths"),
    [
        (15599, 200000, 780),  # 7.7995 -> 7.80 (half-up), a float would give 7.799999...
        (1, 3, 3333),
        (2, 3, 6667),
        (1, 8, 1250),
        (1, 800, 13),
        (1, 1600, 6),
        (0, 7, 0),
    ],
)
def test_round_half_up(num: int, den: int, hundredths: int) -> None:
    assert int(round_half_up_hundredths(np.array([num]), np.array([den]))[0]) == hundredths


def test_boundary_category_uses_the_rounded_value() -> None:
    # 4,000 SKJ lines of level 5 (sum 20,000) and assessed sum 15,599: JPM = 77.995, printed 78.00, so the
    # category must be cukup_optimal (>= 78) and masih_memenuhi_syarat, never kurang_optimal.
    required = [5] * 4000
    assessed = [4] * 3599 + [3] * 401
    assert _one(required, assessed) == (7800, "cukup_optimal", "masih_memenuhi_syarat")


def test_gaps() -> None:
    gaps = line_gaps(np.array([3, 3, 3, 1], np.int8), np.array([1, 3, 5, 0], np.int8))
    assert gaps.tolist() == [2, 0, 0, -1]


def test_pegawai_without_skj_is_flagged() -> None:
    res = jpm_by_employee(np.array([0, 0], np.int32), np.array([2, 2], np.int8), np.array([2, 2], np.int8), 2)
    assert res.has_skj.tolist() == [True, False]
    assert MAPPING_CATEGORIES[res.mapping[1]] == "belum_dinilai"


def _reference(required: list[int], assessed: list[int], capped: bool) -> tuple[int, str, str]:
    if any(a == 0 for a in assessed):
        return -1, "belum_dinilai", "belum_dinilai"
    used = [min(a, r) for a, r in zip(assessed, required, strict=True)] if capped else assessed
    value = (Decimal(100) * sum(used) / sum(required)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    mapping = "optimal" if value >= 90 else "cukup_optimal" if value >= 78 else "kurang_optimal"
    filling = (
        "memenuhi_syarat"
        if value >= 80
        else "masih_memenuhi_syarat"
        if value >= 68
        else "kurang_memenuhi_syarat"
    )
    return int(value * 100), mapping, filling


people = st.lists(
    st.lists(st.tuples(st.integers(1, 5), st.integers(0, 5)), min_size=1, max_size=30),
    min_size=1,
    max_size=40,
)


@given(people=people, capped=st.booleans())
def test_vectorised_equals_reference(people: list[list[tuple[int, int]]], capped: bool) -> None:
    emp = np.array([i for i, lines in enumerate(people) for _ in lines], np.int32)
    req = np.array([r for lines in people for r, _ in lines], np.int8)
    ass = np.array([a for lines in people for _, a in lines], np.int8)
    res = jpm_by_employee(emp, req, ass, len(people), JpmSettings(capped=capped))
    for i, lines in enumerate(people):
        expected = _reference([r for r, _ in lines], [a for _, a in lines], capped)
        got = (
            int(res.jpm_hundredths[i]),
            MAPPING_CATEGORIES[res.mapping[i]],
            FILLING_CATEGORIES[res.filling[i]],
        )
        assert got == expected
    gaps = line_gaps(req, ass)
    assert gaps.tolist() == [
        (-1 if a == 0 else max(0, r - a)) for r, a in zip(req.tolist(), ass.tolist(), strict=True)
    ]


@given(
    people=st.lists(
        st.tuples(
            st.integers(0, 3),  # group of the pegawai
            st.lists(
                st.tuples(st.integers(0, 4), st.integers(1, 5), st.integers(0, 5)),
                min_size=0,
                max_size=8,
                unique_by=lambda t: t[0],
            ),  # (competency, required, assessed)
        ),
        min_size=1,
        max_size=30,
    ),
    block_bins=st.sampled_from([1 << 16, 300, 1]),  # one block, a few groups per block, one group per block
)
def test_aggregates_equal_reference(
    people: list[tuple[int, list[tuple[int, int, int]]]], block_bins: int
) -> None:
    emp, comp, req, ass = [], [], [], []
    for i, (_, lines) in enumerate(people):
        for c, r, a in sorted(lines):
            emp.append(i), comp.append(c), req.append(r), ass.append(a)
    group = np.array([g for g, _ in people], np.int32)
    matrix = matrix_from_lines(
        np.array(emp, np.int64),
        np.array(comp, np.int32),
        np.array(req, np.int8),
        np.array(ass, np.int8),
        len(people),
    )
    saved = gaps_module._BLOCK_BINS
    gaps_module._BLOCK_BINS = block_bins
    try:
        agg = aggregate(matrix, group, 4, 5)
    finally:
        gaps_module._BLOCK_BINS = saved
    for g in range(4):
        for c in range(5):
            lines = [(r, a) for (grp, ls) in people if grp == g for (cc, r, a) in ls if cc == c]
            assessed = [(r, a) for r, a in lines if a > 0]
            below = [(r, a) for r, a in assessed if a < r]
            assert agg.lines[g, c] == len(lines)
            assert agg.assessed[g, c] == len(assessed)
            assert agg.below[g, c] == len(below)
            assert agg.gap_sum[g, c] == sum(r - a for r, a in below)
            assert agg.levels[g, c].tolist() == [sum(1 for _, a in lines if a == lv) for lv in range(6)]
    assert agg.total().lines[0].tolist() == agg.lines.sum(axis=0).tolist()

    res = jpm_by_employee(
        np.array(emp, np.int32), np.array(req, np.int8), np.array(ass, np.int8), len(people)
    )
    counts, mean = jpm_distribution(res, group, 4)
    for g in range(4):
        members = [i for i, (grp, _) in enumerate(people) if grp == g]
        cats = [MAPPING_CATEGORIES[res.mapping[i]] for i in members if people[i][1]]  # no SKJ: left out
        assert counts[g].tolist() == [cats.count(name) for name in MAPPING_CATEGORIES]
        values = [int(res.jpm_hundredths[i]) for i in members if res.jpm_hundredths[i] >= 0]
        if values:
            assert mean[g] == pytest.approx(sum(values) / len(values) / 100)
        else:
            assert np.isnan(mean[g])


# --- SkjArrays, exact rounding at every .xx5, cut-offs, and analyse() against a pure-Python reference ---


def _person(sum_required: int, sum_assessed: int) -> tuple[list[int], list[int]]:
    """One pegawai's SKJ with the given sums: level-5 requirements, assessed levels 1..5 spread over them."""
    n = -(-sum_required // 5)
    required = [5] * (sum_required // 5) + ([sum_required % 5] if sum_required % 5 else [])
    assert n <= sum_assessed <= 5 * n
    base, extra = divmod(sum_assessed - n, 4)
    assessed = [5] * base + ([1 + extra] if base < n else []) + [1] * (n - base - 1)
    assessed = assessed[:n]
    assert sum(assessed) == sum_assessed and len(assessed) == n
    return required, assessed


@pytest.mark.parametrize(
    ("sum_required", "sum_assessed", "hundredths", "mapping", "filling"),
    [
        (20000, 17999, 9000, "optimal", "memenuhi_syarat"),  # 89.995 -> 90.00
        (50000, 44997, 8999, "cukup_optimal", "memenuhi_syarat"),  # 89.994 -> 89.99
        (20000, 15999, 8000, "cukup_optimal", "memenuhi_syarat"),  # 79.995 -> 80.00
        (50000, 39997, 7999, "cukup_optimal", "masih_memenuhi_syarat"),  # 79.994 -> 79.99
        (20000, 15599, 7800, "cukup_optimal", "masih_memenuhi_syarat"),  # 77.995 -> 78.00
        (50000, 38997, 7799, "kurang_optimal", "masih_memenuhi_syarat"),  # 77.994 -> 77.99
        (20000, 13599, 6800, "kurang_optimal", "masih_memenuhi_syarat"),  # 67.995 -> 68.00
        (50000, 33997, 6799, "kurang_optimal", "kurang_memenuhi_syarat"),  # 67.994 -> 67.99
        (200, 41, 2050, "kurang_optimal", "kurang_memenuhi_syarat"),  # 20.5 exactly
        (8, 3, 3750, "kurang_optimal", "kurang_memenuhi_syarat"),  # 37.5
        (3, 2, 6667, "kurang_optimal", "kurang_memenuhi_syarat"),  # 66.666.. -> 66.67
        (3, 3, 10000, "optimal", "memenuhi_syarat"),
        (6, 10, 16667, "optimal", "memenuhi_syarat"),  # uncapped: above 100
    ],
)
def test_jpm_half_up_at_every_cut_off(
    sum_required: int, sum_assessed: int, hundredths: int, mapping: str, filling: str
) -> None:
    required, assessed = _person(sum_required, sum_assessed)
    expected = Decimal(100 * sum_assessed) / Decimal(sum_required)
    assert int(expected.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100) == hundredths
    assert _one(required, assessed) == (hundredths, mapping, filling)


@given(num=st.integers(0, 10**9), den=st.integers(1, 10**9))
def test_round_half_up_equals_decimal(num: int, den: int) -> None:
    exact = (Decimal(100 * num) / Decimal(den)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    got = int(round_half_up_hundredths(np.array([num], np.int64), np.array([den], np.int64))[0])
    assert got == int(exact * 100)


@pytest.mark.parametrize(
    ("hundredths", "upper", "lower", "code"),
    [
        (9000, 90, 78, 0),
        (8999, 90, 78, 1),
        (7800, 90, 78, 1),
        (7799, 90, 78, 2),
        (0, 90, 78, 2),
        (-1, 90, 78, NOT_ASSESSED),
        (8000, 80, 68, 0),
        (7999, 80, 68, 1),
        (6800, 80, 68, 1),
        (6799, 80, 68, 2),
        (8550, 85.5, 70.25, 0),  # cut-offs with decimals are settings too
        (8549, 85.5, 70.25, 1),
        (7025, 85.5, 70.25, 1),
        (7024, 85.5, 70.25, 2),
        (5000, 50, 50, 0),
        (4999, 50, 50, 2),
    ],
)
def test_categories_at_every_boundary(hundredths: int, upper: float, lower: float, code: int) -> None:
    assert categorize(np.array([hundredths], np.int64), upper, lower).tolist() == [code]


def test_cut_offs_are_validated() -> None:
    with pytest.raises(ValueError, match="2 decimals"):
        categorize(np.array([1]), 77.995, 60)
    with pytest.raises(ValueError, match="above"):
        categorize(np.array([1]), 60, 70)


def test_custom_cut_offs_change_the_category() -> None:
    res = jpm_by_employee(
        np.zeros(2, np.int32),
        np.array([5, 5], np.int8),
        np.array([4, 4], np.int8),
        1,
        JpmSettings(optimal=80, cukup_optimal=70, memenuhi_syarat=85, masih_memenuhi_syarat=80),
    )
    assert (MAPPING_CATEGORIES[res.mapping[0]], FILLING_CATEGORIES[res.filling[0]]) == (
        "optimal",
        "masih_memenuhi_syarat",
    )


def test_skj_arrays_from_long_pads_ragged_rows() -> None:
    arrays = skj_arrays_from_long(
        np.array([0, 0, 0, 2], np.int32),
        np.array([4, 1, 7, 3], np.int32),
        np.array([3, 2, 5, 1], np.int8),
        np.array([3, 0, 4, 1], np.int8),
        4,
        unit=np.array([9, 8, 7, 6]),
        position_kind=np.array([1, 2, 3, 4]),
    )
    assert arrays.competency.dtype == np.int16
    assert arrays.competency.tolist() == [[4, 1, 7], [-1, -1, -1], [3, -1, -1], [-1, -1, -1]]
    assert arrays.required.tolist() == [[3, 2, 5], [0, 0, 0], [1, 0, 0], [0, 0, 0]]
    assert arrays.assessed.tolist() == [[3, 0, 4], [0, 0, 0], [1, 0, 0], [0, 0, 0]]
    assert arrays.unit.dtype == np.int32 and arrays.unit.tolist() == [9, 8, 7, 6]
    assert arrays.position_kind.dtype == np.int8 and arrays.position_kind.tolist() == [1, 2, 3, 4]
    assert arrays.has_skj.tolist() == [True, False, True, False]
    res = jpm(arrays)
    assert res.jpm_hundredths.tolist() == [-1, -1, 10000, -1]
    assert res.has_skj.tolist() == [True, False, True, False]
    names = [MAPPING_CATEGORIES[c] for c in res.mapping]
    assert names == ["belum_dinilai", "belum_dinilai", "optimal", "belum_dinilai"]


def test_skj_arrays_from_long_uniform_rows_and_wide_indexes() -> None:
    emp = np.repeat(np.arange(3, dtype=np.int32), 2)
    arrays = skj_arrays_from_long(emp, np.array([0, 40000] * 3), np.full(6, 3), np.full(6, 2), 3)
    assert arrays.competency.dtype == np.int32 and arrays.competency.tolist() == [[0, 40000]] * 3
    assert arrays.unit.tolist() == [0, 0, 0] and arrays.position_kind.tolist() == [0, 0, 0]
    with pytest.raises(ValueError, match="sorted"):
        skj_arrays_from_long(emp[::-1], np.zeros(6), np.full(6, 3), np.full(6, 2), 3)
    with pytest.raises(ValueError, match="shape"):
        SkjArrays(np.zeros((2, 2)), np.zeros((2, 3)), np.zeros((2, 3)))


def test_skj_matrix_is_the_old_name() -> None:
    matrix = SkjMatrix(np.zeros((1, 2), np.int32), np.full((1, 2), 4, np.int8), np.full((1, 2), 3, np.int8))
    assert isinstance(matrix, SkjArrays) and int(jpm(matrix).jpm_hundredths[0]) == 7500


def _ref_category(value: Fraction | None, upper: int, lower: int, names: tuple[str, ...]) -> str:
    if value is None:
        return "belum_dinilai"
    return names[0] if value >= upper else names[1] if value >= lower else names[2]


def _ref_jpm(lines: list[tuple[int, int, int]], capped: bool) -> Fraction | None:
    """Reference JPM: exact Fraction, then half-up to hundredths via Decimal; None when undefined."""
    if not lines or any(a == 0 for _, _, a in lines):
        return None
    used = sum(min(a, r) if capped else a for _, r, a in lines)
    exact = Decimal(100 * used) / Decimal(sum(r for _, r, _ in lines))
    return Fraction(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


skj_people = st.lists(
    st.tuples(
        st.integers(0, 3),  # unit
        st.integers(0, 2),  # position kind
        st.lists(  # (competency, required, assessed); empty: no SKJ
            st.tuples(st.integers(0, 5), st.integers(1, 5), st.sampled_from([0, 1, 2, 3, 4, 5, 5, 4, 3])),
            min_size=0,
            max_size=7,
            unique_by=lambda t: t[0],
        ),
    ),
    min_size=1,
    max_size=25,
)


@given(people=skj_people, capped=st.booleans(), block_bins=st.sampled_from([1 << 16, 300, 1]))
def test_analyse_equals_reference(
    people: list[tuple[int, int, list[tuple[int, int, int]]]], capped: bool, block_bins: int
) -> None:
    n_units, n_kinds, n_comp = 4, 3, 6
    emp = [i for i, (_, _, ls) in enumerate(people) for _ in ls]
    flat = [line for _, _, ls in people for line in ls]
    arrays = skj_arrays_from_long(
        np.array(emp, np.int32),
        np.array([c for c, _, _ in flat], np.int32),
        np.array([r for _, r, _ in flat], np.int8),
        np.array([a for _, _, a in flat], np.int8),
        len(people),
        unit=np.array([u for u, _, _ in people]),  # not sorted: exercises the argsort path
        position_kind=np.array([k for _, k, _ in people]),
    )
    saved = gaps_module._BLOCK_BINS
    gaps_module._BLOCK_BINS = block_bins
    try:
        settings = JpmSettings(capped=capped, optimal=85, cukup_optimal=70)
        res = analyse(arrays, n_units, n_kinds, n_comp, settings)
    finally:
        gaps_module._BLOCK_BINS = saved

    # per pegawai: JPM, both categories, no-SKJ flag
    for i, (_, _, ls) in enumerate(people):
        value = _ref_jpm(ls, capped)
        assert int(res.jpm.jpm_hundredths[i]) == (-1 if value is None else int(value * 100))
        assert MAPPING_CATEGORIES[res.jpm.mapping[i]] == _ref_category(value, 85, 70, MAPPING_CATEGORIES)
        assert FILLING_CATEGORIES[res.jpm.filling[i]] == _ref_category(value, 80, 68, FILLING_CATEGORIES)
        assert bool(res.jpm.has_skj[i]) == bool(ls)
        # per line gaps, in SKJ order, padding -1
        row = [(-1 if a == 0 else max(0, r - a)) for _, r, a in ls]
        assert res.gaps[i].tolist() == row + [-1] * (res.gaps.shape[1] - len(ls))

    # line aggregates per unit x competency, per kind x competency, per competency
    def check(agg: GroupAggregates, g: int, c: int, ls: list[tuple[int, int]]) -> None:
        assessed = [(r, a) for r, a in ls if a > 0]
        below = [(r, a) for r, a in assessed if a < r]
        assert agg.lines[g, c] == len(ls)
        assert agg.assessed[g, c] == len(assessed)
        assert agg.below[g, c] == len(below)
        assert agg.gap_sum[g, c] == sum(r - a for r, a in below)
        assert agg.levels[g, c].tolist() == [sum(1 for _, a in ls if a == lv) for lv in range(6)]
        if assessed:
            assert Fraction(agg.mean_gap[g, c]) == pytest.approx(
                Fraction(sum(r - a for r, a in below), len(assessed))
            )
            assert agg.share_below[g, c] == pytest.approx(len(below) / len(assessed))
        else:
            assert np.isnan(agg.mean_gap[g, c]) and np.isnan(agg.share_below[g, c])

    for c in range(n_comp):
        for g in range(n_units):
            check(res.by_unit, g, c, [(r, a) for u, _, ls in people if u == g for cc, r, a in ls if cc == c])
        for g in range(n_kinds):
            check(res.by_kind, g, c, [(r, a) for _, k, ls in people if k == g for cc, r, a in ls if cc == c])
        check(res.by_competency, 0, c, [(r, a) for _, _, ls in people for cc, r, a in ls if cc == c])

    # JPM distribution per unit: pegawai without SKJ left out; mean over defined JPMs
    for g in range(n_units):
        members = [ls for u, _, ls in people if u == g and ls]
        values = [_ref_jpm(ls, capped) for ls in members]
        cats = [_ref_category(v, 85, 70, MAPPING_CATEGORIES) for v in values]
        assert res.unit_categories[g].tolist() == [cats.count(name) for name in MAPPING_CATEGORIES]
        defined = [v for v in values if v is not None]
        if defined:
            assert res.unit_mean_jpm[g] == pytest.approx(float(sum(defined) / len(defined)))
        else:
            assert np.isnan(res.unit_mean_jpm[g])
