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
    """gap = max(0, required - assessed) per SKJ line; -1 where the line has no assessment."""
    gap = np.maximum(required.astype(np.int16) - assessed, 0).astype(np.int8)
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


def jpm_by_employee(
    line_employee: np.ndarray,  # int [m], sorted ascending
    required: np.ndarray,
    assessed: np.ndarray,
    n_employees: int,
    settings: JpmSettings | None = None,
) -> JpmResult:
    """JPM and both categories for every pegawai from their SKJ lines (no loop over pegawai)."""
    settings = settings or JpmSettings()
    used = np.minimum(assessed, required) if settings.capped else assessed
    # Lines arrive sorted by pegawai (the loader's order): per-pegawai sums are contiguous segments.
    sum_req = _segment_sums(required, line_employee, n_employees)
    sum_ass = _segment_sums(used, line_employee, n_employees)
    missing = _segment_sums((assessed == 0).view(np.int8), line_employee, n_employees) > 0
    has_skj = sum_req > 0
    defined = has_skj & ~missing
    safe_req = np.where(has_skj, sum_req, 1)
    hundredths = np.where(defined, round_half_up_hundredths(sum_ass, safe_req), -1)
    return JpmResult(
        jpm_hundredths=hundredths,
        mapping=_categories(hundredths, defined, (settings.optimal, settings.cukup_optimal)),
        filling=_categories(hundredths, defined, (settings.memenuhi_syarat, settings.masih_memenuhi_syarat)),
        has_skj=has_skj,
    )


def _segment_sums(values: np.ndarray, line_employee: np.ndarray, n_employees: int) -> np.ndarray:
    """Per-pegawai sums of a line array whose lines are sorted by pegawai (np.add.reduceat, int64)."""
    out = np.zeros(n_employees, dtype=np.int64)
    if len(line_employee) == 0:
        return out
    starts = np.flatnonzero(np.r_[True, line_employee[1:] != line_employee[:-1]])
    out[line_employee[starts]] = np.add.reduceat(values, starts, dtype=np.int64)
    return out


@dataclass(frozen=True)
class GroupAggregates:
    """Aggregates over SKJ lines grouped by (group, competency). Arrays are [n_groups, n_competencies].

    lines: SKJ lines (pegawai holding the competency in their SKJ); assessed: lines with an assessment;
    below: assessed lines under the required level; gap_sum: sum of gaps over assessed lines;
    levels: [n_groups, n_competencies, 6] count of lines by assessed level (0 = not assessed).
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
        return GroupAggregates(
            *(
                a.sum(axis=0, keepdims=True)
                for a in (self.lines, self.assessed, self.below, self.gap_sum, self.levels)
            )
        )


def aggregate_lines(
    line_employee: np.ndarray,
    line_competency: np.ndarray,
    required: np.ndarray,
    assessed: np.ndarray,
    employee_group: np.ndarray,
    n_groups: int,
    n_competencies: int,
    chunk: int = 8_000_000,
) -> GroupAggregates:
    """Aggregate SKJ lines by the pegawai's group (unit, jabatan kind, ...) and competency.

    Works in chunks of lines so that temporaries stay small at national scale (110 million lines); within a
    chunk everything is a handful of vectorised passes (gather, one key, three bincounts).
    """
    n_keys = n_groups * n_competencies
    levels = np.zeros(n_keys * 6, dtype=np.int64)
    below = np.zeros(n_keys, dtype=np.int64)
    gap_sum = np.zeros(n_keys, dtype=np.float64)
    for lo in range(0, len(line_employee), chunk):
        hi = lo + chunk
        comp = line_competency[lo:hi]
        key = employee_group[line_employee[lo:hi]].astype(np.int64) * n_competencies + comp
        ass = assessed[lo:hi]
        levels += np.bincount(key * 6 + ass, minlength=n_keys * 6)
        req = required[lo:hi]
        gap = np.subtract(req, ass, dtype=np.int16)
        is_below = (ass > 0) & (gap > 0)
        below += np.bincount(key[is_below], minlength=n_keys)
        gap_sum += np.bincount(key[is_below], weights=gap[is_below], minlength=n_keys)
    lv = levels.reshape(n_groups, n_competencies, 6)
    lines = lv.sum(axis=2)
    return GroupAggregates(
        lines=lines,
        assessed=lines - lv[:, :, 0],
        below=below.reshape(n_groups, n_competencies),
        gap_sum=gap_sum.reshape(n_groups, n_competencies),
        levels=lv,
    )


def jpm_distribution(
    result: JpmResult, employee_group: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per group: counts per mapping category [n_groups, 4] and mean JPM (NaN when none is defined)."""
    counts = np.bincount(
        employee_group.astype(np.int64) * len(MAPPING_CATEGORIES) + result.mapping,
        minlength=n_groups * len(MAPPING_CATEGORIES),
    ).reshape(n_groups, len(MAPPING_CATEGORIES))
    defined = result.jpm_hundredths >= 0
    sums = np.bincount(employee_group[defined], weights=result.jpm_hundredths[defined], minlength=n_groups)
    n_defined = np.bincount(employee_group[defined], minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n_defined > 0, sums / np.maximum(n_defined, 1) / 100.0, np.nan)
    return counts, mean
