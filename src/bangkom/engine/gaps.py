"""Gaps and Job Person Match (JPM), vectorised over pegawai (CONTRACT.md exports, DOMAIN.md cut-offs).

Pure NumPy, no Django. Input is the long form the loader produces: one entry per SKJ line (pegawai x
competency of their jabatan's SKJ), sorted by pegawai, with required and assessed levels (0 = not assessed).

JPM = 100 x sum(assessed) / sum(required) over the SKJ's competencies, rounded half-up to 2 decimals with
integer arithmetic (binary floats would round 77.995 down). Categories are taken from the rounded value, so
the number printed and its category never disagree. A pegawai with any unassessed SKJ competency has no JPM
and both categories are `belum_dinilai`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAPPING_CATEGORIES: tuple[str, ...] = ("optimal", "cukup_optimal", "kurang_optimal", "belum_dinilai")
FILLING_CATEGORIES: tuple[str, ...] = (
    "memenuhi_syarat",
    "masih_memenuhi_syarat",
    "kurang_memenuhi_syarat",
    "belum_dinilai",
)
NOT_ASSESSED = 3  # index of belum_dinilai in both tuples


@dataclass(frozen=True)
class JpmSettings:
    """Per-instansi settings (DOMAIN.md defaults). Cut-offs are inclusive lower bounds in percent."""

    capped: bool = False
    optimal: float = 90.0
    cukup_optimal: float = 78.0
    memenuhi_syarat: float = 80.0
    masih_memenuhi_syarat: float = 68.0


@dataclass(frozen=True)
class JpmResult:
    """Per pegawai. jpm_hundredths is JPM x 100 as an exact integer (-1 when belum_dinilai or no SKJ)."""

    jpm_hundredths: np.ndarray  # int64 [n]
    mapping: np.ndarray  # int8 [n], index into MAPPING_CATEGORIES
    filling: np.ndarray  # int8 [n], index into FILLING_CATEGORIES
    has_skj: np.ndarray  # bool [n]

    @property
    def jpm(self) -> np.ndarray:
        """JPM as float64 percent, NaN where not defined (for charts and means)."""
        out = self.jpm_hundredths.astype(np.float64) / 100.0
        out[self.jpm_hundredths < 0] = np.nan
        return out


def line_gaps(required: np.ndarray, assessed: np.ndarray) -> np.ndarray:
    """gap = max(0, required - assessed) per SKJ line; -1 where the line has no assessment.

    Levels are 0..5, so int8 arithmetic cannot overflow: no wider temporaries at national scale.
    """
    gap = np.subtract(required, assessed, dtype=np.int8)
    np.maximum(gap, 0, out=gap)
    gap[assessed == 0] = -1
    return gap


def round_half_up_hundredths(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """round(100 * numerator / denominator, 2) half-up, as an integer count of hundredths (exact)."""
    num = numerator.astype(np.int64) * 20000 + denominator.astype(np.int64)
    return num // (2 * denominator.astype(np.int64))


def _categories(hundredths: np.ndarray, defined: np.ndarray, cuts: tuple[float, float]) -> np.ndarray:
    hi, lo = round(cuts[0] * 100), round(cuts[1] * 100)
    cat = np.full(hundredths.shape, 2, dtype=np.int8)
    cat[hundredths >= lo] = 1
    cat[hundredths >= hi] = 0
    cat[~defined] = NOT_ASSESSED
    return cat


@dataclass(frozen=True)
class SkjMatrix:
    """Dense, padded SKJ matrix: one row per pegawai, one column per SKJ line (k = the longest SKJ).

    competency: int32 [n, k], index of the competency, -1 for padding;
    required:   int8  [n, k], required level 1..5, 0 for padding;
    assessed:   int8  [n, k], latest assessed level 1..5, 0 when not assessed (and for padding).
    Dense rows make every per-pegawai sum a contiguous reduction (about 10x a bincount over lines).
    """

    competency: np.ndarray
    required: np.ndarray
    assessed: np.ndarray

    @property
    def n_employees(self) -> int:
        return int(self.required.shape[0])


def matrix_from_lines(
    line_employee: np.ndarray,
    line_competency: np.ndarray,
    required: np.ndarray,
    assessed: np.ndarray,
    n_employees: int,
) -> SkjMatrix:
    """Pad long-form SKJ lines (sorted by pegawai) into an SkjMatrix, vectorised."""
    counts = (
        np.bincount(line_employee, minlength=n_employees)
        if len(line_employee)
        else np.zeros(n_employees, int)
    )
    k = int(counts.max()) if n_employees and len(line_employee) else 0
    starts = np.cumsum(counts) - counts
    col = np.arange(len(line_employee), dtype=np.int64) - np.repeat(starts, counts)
    comp = np.full((n_employees, k), -1, dtype=np.int32)
    req = np.zeros((n_employees, k), dtype=np.int8)
    ass = np.zeros((n_employees, k), dtype=np.int8)
    comp[line_employee, col] = line_competency
    req[line_employee, col] = required
    ass[line_employee, col] = assessed
    return SkjMatrix(comp, req, ass)


def jpm(matrix: SkjMatrix, settings: JpmSettings | None = None) -> JpmResult:
    """JPM and both categories for every pegawai (row) of the matrix; no loop over pegawai."""
    settings = settings or JpmSettings()
    req, ass = matrix.required, matrix.assessed
    used = np.minimum(ass, req) if settings.capped else ass
    sum_req = req.sum(axis=1, dtype=np.int32).astype(np.int64)
    sum_ass = used.sum(axis=1, dtype=np.int32).astype(np.int64)
    # Padding has required = assessed = 0; a real line is unassessed when assessed is 0 and required is not.
    missing = np.count_nonzero(ass, axis=1) < np.count_nonzero(req, axis=1)
    has_skj = sum_req > 0
    defined = has_skj & ~missing
    hundredths = np.where(defined, round_half_up_hundredths(sum_ass, np.where(has_skj, sum_req, 1)), -1)
    return JpmResult(
        jpm_hundredths=hundredths,
        mapping=_categories(hundredths, defined, (settings.optimal, settings.cukup_optimal)),
        filling=_categories(hundredths, defined, (settings.memenuhi_syarat, settings.masih_memenuhi_syarat)),
        has_skj=has_skj,
    )


def jpm_by_employee(
    line_employee: np.ndarray,  # int [m], sorted ascending
    required: np.ndarray,
    assessed: np.ndarray,
    n_employees: int,
    settings: JpmSettings | None = None,
) -> JpmResult:
    """JPM from long-form lines: pads them into an SkjMatrix and applies jpm()."""
    comp = np.zeros(len(line_employee), dtype=np.int32)
    return jpm(matrix_from_lines(line_employee, comp, required, assessed, n_employees), settings)


@dataclass(frozen=True)
class GroupAggregates:
    """Aggregates of SKJ lines by (group, competency); arrays [n_groups, n_competencies].

    lines: SKJ lines (pegawai holding the competency in their SKJ); assessed: lines with an assessment;
    below: assessed lines under the required level; gap_sum: sum of gaps over assessed lines;
    levels: [n_groups, n_competencies, 6] lines by assessed level (0 = not assessed).
    """

    lines: np.ndarray
    assessed: np.ndarray
    below: np.ndarray
    gap_sum: np.ndarray
    levels: np.ndarray

    @property
    def share_below(self) -> np.ndarray:
        """Share of assessed lines below standard; NaN where nothing was assessed."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.assessed > 0, self.below / np.maximum(self.assessed, 1), np.nan)

    @property
    def mean_gap(self) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.assessed > 0, self.gap_sum / np.maximum(self.assessed, 1), np.nan)

    def total(self) -> GroupAggregates:
        """Collapse the groups: aggregates per competency only ([1, n_competencies])."""
        arrays = (self.lines, self.assessed, self.below, self.gap_sum, self.levels)
        return GroupAggregates(*(a.sum(axis=0, keepdims=True) for a in arrays))


_BLOCK_BINS = 1 << 16  # bins per bincount call: small enough to stay in the CPU cache


def aggregate(
    matrix: SkjMatrix, employee_group: np.ndarray, n_groups: int, n_competencies: int
) -> GroupAggregates:
    """Aggregate SKJ lines by the pegawai's group (unit, jabatan kind, ...) and competency.

    One pass: each line is counted in a joint table (group, competency, assessed level, required level),
    from which every aggregate follows. The bincount runs over blocks of rows whose groups span few
    enough bins to stay in cache; rows are ordered by group first (a stable argsort) when there are
    many groups.
    """
    width = n_competencies + 1  # column 0 collects padding (competency -1 + 1)
    per_group = width * 36
    group = employee_group.astype(np.int64)
    permuted = n_groups * per_group > _BLOCK_BINS and len(group) > 1 and bool(np.any(group[1:] < group[:-1]))
    order = np.argsort(group, kind="stable") if permuted else None
    sorted_groups = group[order] if order is not None else group
    joint = np.zeros(n_groups * per_group, dtype=np.int64)
    groups_per_block = max(1, _BLOCK_BINS // per_group)
    boundaries = np.searchsorted(sorted_groups, np.arange(0, n_groups + groups_per_block, groups_per_block))
    row_chunk = 1 << 15
    for b in range(len(boundaries) - 1):
        lo_row, hi_row = int(boundaries[b]), int(boundaries[b + 1])
        g0 = b * groups_per_block
        span = min(groups_per_block, n_groups - g0) * per_group
        for r0 in range(lo_row, hi_row, row_chunk):
            r1 = min(hi_row, r0 + row_chunk)
            if order is None:  # rows already in group order: views, no copies
                comp, ass, req = matrix.competency[r0:r1], matrix.assessed[r0:r1], matrix.required[r0:r1]
            else:
                idx = order[r0:r1]
                comp, ass, req = matrix.competency[idx], matrix.assessed[idx], matrix.required[idx]
            # Key in int32 (fits: a block spans at most _BLOCK_BINS bins), one cast to int64 for bincount.
            key = comp + np.int32(1)
            key += ((sorted_groups[r0:r1] - g0) * width).astype(np.int32)[:, None]
            key *= 36
            key += ass * np.int8(6)
            key += req
            joint[g0 * per_group : g0 * per_group + span] += np.bincount(
                key.ravel().astype(np.int64), minlength=span
            )
    table = joint.reshape(n_groups, width, 6, 6)[:, 1:]  # [group, competency, assessed, required]
    levels = table.sum(axis=3)
    below = np.zeros(table.shape[:2], dtype=np.int64)
    gap_sum = np.zeros(table.shape[:2], dtype=np.float64)
    for a in range(1, 6):  # the 10 (assessed, required) pairs under standard; no table-sized temporaries
        for r in range(a + 1, 6):
            below += table[:, :, a, r]
            gap_sum += (r - a) * table[:, :, a, r]
    lines = levels.sum(axis=2)
    return GroupAggregates(
        lines=lines, assessed=lines - levels[:, :, 0], below=below, gap_sum=gap_sum, levels=levels
    )


def jpm_distribution(result: JpmResult, employee_group: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Per group: counts per mapping category [n_groups, 4] and mean JPM (NaN when none is defined).

    Pegawai whose jabatan has no SKJ are left out, as in the jpm export.
    """
    with_skj = result.has_skj
    counts = np.bincount(
        employee_group[with_skj].astype(np.int64) * len(MAPPING_CATEGORIES) + result.mapping[with_skj],
        minlength=n_groups * len(MAPPING_CATEGORIES),
    ).reshape(n_groups, len(MAPPING_CATEGORIES))
    defined = result.jpm_hundredths >= 0
    sums = np.bincount(employee_group[defined], weights=result.jpm_hundredths[defined], minlength=n_groups)
    n_defined = np.bincount(employee_group[defined], minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n_defined > 0, sums / np.maximum(n_defined, 1) / 100.0, np.nan)
    return counts, mean
