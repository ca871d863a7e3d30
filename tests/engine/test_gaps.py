"""engine/gaps.py: JPM, categories and gaps per CONTRACT.md and DOMAIN.md, by table and by property."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import bangkom.engine.gaps as gaps_module
from bangkom.engine.gaps import (
    FILLING_CATEGORIES,
    MAPPING_CATEGORIES,
    JpmSettings,
    aggregate,
    jpm_by_employee,
    jpm_distribution,
    line_gaps,
    matrix_from_lines,
    round_half_up_hundredths,
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
