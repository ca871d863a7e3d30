"""Gaps and Job Person Match (JPM), vectorised over pegawai (CONTRACT.md "Export", DOMAIN.md cut-offs).

Pure NumPy, no Django (DESIGN.md: engine/ is computation on arrays and dataclasses), so the exports, the
mapping pages, the API and the national benchmark share one rule and it can be tested alone.

Data layout (`SkjArrays`): one dense, padded row per pegawai, one column per line of the SKJ of their
jabatan, k = the longest SKJ (about 25). At national scale (4.3 million pegawai x 25 = 107 million lines)
that is int8 levels (107 MB each) and int16 competency indexes (215 MB): every per-pegawai sum is a
contiguous row reduction, no index array per line, well inside the 3 GB budget. Per-pegawai group arrays
(`unit`, `position_kind`) ride along for the aggregates.

Rules (CONTRACT.md):
- gap = max(0, required - assessed) per SKJ line, undefined (-1) when the line has no assessment.
- JPM = 100 x sum(assessed) / sum(required) over the SKJ's competencies; uncapped by default, `capped=True`
  counts each assessed level at most at its required level. Rounded half-up to 2 decimals with integer
  arithmetic (floor((20000 a + r) / (2 r)) hundredths): binary floats would round 77.995 down to 77.99.
- Categories compare the ROUNDED JPM with the cut-offs, so the number printed in an export and its category
  can never disagree (77.995 prints 78.00 and is cukup_optimal, not kurang_optimal).
- A pegawai with any unassessed SKJ competency has no JPM (hundredths -1, float NaN) and both categories
  are `belum_dinilai`. A pegawai whose row is all padding (no SKJ) has `has_skj` False: also no JPM and
  `belum_dinilai`, and left out of the JPM distribution and of the jpm export.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

MAPPING_CATEGORIES: tuple[str, ...] = ("optimal", "cukup_optimal", "kurang_optimal", "belum_dinilai")
FILLING_CATEGORIES: tuple[str, ...] = (
    "memenuhi_syarat",
    "masih_memenuhi_syarat",
    "kurang_memenuhi_syarat",
    "belum_dinilai",
)
NOT_ASSESSED = 3  # index of belum_dinilai in both tuples
MAX_LEVEL = 5  # competency levels are 1..5; 0 marks "not assessed" or padding
_EMPTY = np.zeros(0, dtype=np.int32)


@dataclass(frozen=True)
class JpmSettings:
    """Per-instansi settings (DOMAIN.md defaults). Cut-offs are inclusive lower bounds in percent.

    Cut-offs have at most 2 decimals (they are compared with JPM in hundredths, exactly).
    """

    capped: bool = False
    optimal: float = 90.0
    cukup_optimal: float = 78.0
    memenuhi_syarat: float = 80.0
    masih_memenuhi_syarat: float = 68.0


@dataclass(frozen=True)
class SkjArrays:
    """Dense, padded SKJ lines: one row per pegawai, one column per SKJ line (k = the longest SKJ).

    competency:    int16 or int32 [n, k], index of the competency, -1 for padding;
    required:      int8 [n, k], required level 1..5, 0 for padding;
    assessed:      int8 [n, k], latest assessed level 1..5, 0 when not assessed (and for padding);
    unit:          int32 [n], index of the pegawai's unit (0 everywhere when not given);
    position_kind: int8 [n], index of the jabatan kind (0 everywhere when not given).
    Padding sits at the end of a row. Rows in unit order make the unit aggregates fastest (the loader's
    natural order); any order is correct. `SkjMatrix` is the older name of this class.
    """

    competency: np.ndarray
    required: np.ndarray
    assessed: np.ndarray
    unit: np.ndarray = field(default_factory=lambda: _EMPTY)
    position_kind: np.ndarray = field(default_factory=lambda: _EMPTY)

    def __post_init__(self) -> None:
        n = self.required.shape[0]
        if self.competency.shape != self.required.shape or self.assessed.shape != self.required.shape:
            raise ValueError("competency, required and assessed must have the same [n, k] shape")
        if self.unit is _EMPTY:
            object.__setattr__(self, "unit", np.zeros(n, dtype=np.int32))
        if self.position_kind is _EMPTY:
            object.__setattr__(self, "position_kind", np.zeros(n, dtype=np.int8))
        if self.unit.shape != (n,) or self.position_kind.shape != (n,):
            raise ValueError("unit and position_kind need one entry per pegawai")

    @property
    def n_employees(self) -> int:
        return int(self.required.shape[0])

    @property
    def has_skj(self) -> np.ndarray:
        """bool [n]: the pegawai's jabatan has an SKJ (the row is not all padding)."""
        if self.required.shape[1] == 0:
            return np.zeros(self.n_employees, dtype=bool)
        return self.required[:, 0] > 0  # padding sits at the end of a row


SkjMatrix = SkjArrays

_SCATTER_CHUNK = 1 << 22  # lines per scatter step in skj_arrays_from_long: bounds the int64 temporaries


def skj_arrays_from_long(
    employee_index: np.ndarray,
    competency_index: np.ndarray,
    required: np.ndarray,
    assessed: np.ndarray,
    n_employees: int,
    *,
    unit: np.ndarray | None = None,
    position_kind: np.ndarray | None = None,
) -> SkjArrays:
    """Pad long-form SKJ lines (one per pegawai x SKJ competency, sorted by pegawai) into SkjArrays.

    For the loader. Vectorised; when every pegawai has the same number of lines (the usual national case)
    the long arrays are only reshaped, otherwise they are scattered in chunks so that the int64 index
    temporaries stay small even for 110 million lines. Competency indexes are stored as int16 when they fit.
    """
    m = len(employee_index)
    if m and np.any(employee_index[1:] < employee_index[:-1]):
        raise ValueError("employee_index must be sorted (the lines of one pegawai together)")
    counts = np.bincount(employee_index, minlength=n_employees) if m else np.zeros(n_employees, np.int64)
    if len(counts) > n_employees:
        raise ValueError("employee_index out of range")
    k = int(counts.max()) if n_employees and m else 0
    small = m == 0 or int(competency_index.max()) < np.iinfo(np.int16).max
    comp_dtype = np.int16 if small else np.int32
    if n_employees and m == n_employees * k and bool(np.all(counts == k)):
        comp = competency_index.astype(comp_dtype).reshape(n_employees, k)
        req = required.astype(np.int8).reshape(n_employees, k)
        ass = assessed.astype(np.int8).reshape(n_employees, k)
    else:
        comp = np.full((n_employees, k), -1, dtype=comp_dtype)
        req = np.zeros((n_employees, k), dtype=np.int8)
        ass = np.zeros((n_employees, k), dtype=np.int8)
        starts = np.cumsum(counts) - counts
        flat_comp, flat_req, flat_ass = comp.reshape(-1), req.reshape(-1), ass.reshape(-1)
        for lo in range(0, m, _SCATTER_CHUNK):
            hi = min(m, lo + _SCATTER_CHUNK)
            emp = employee_index[lo:hi].astype(np.int64)
            # flat position = row * k + (line number - first line of the row)
            flat = emp * k - starts[emp] + np.arange(lo, hi, dtype=np.int64)
            flat_comp[flat] = competency_index[lo:hi]
            flat_req[flat] = required[lo:hi]
            flat_ass[flat] = assessed[lo:hi]
    return SkjArrays(
        comp,
        req,
        ass,
        unit=_EMPTY if unit is None else np.asarray(unit, dtype=np.int32),
        position_kind=_EMPTY if position_kind is None else np.asarray(position_kind, dtype=np.int8),
    )


def matrix_from_lines(
    line_employee: np.ndarray,
    line_competency: np.ndarray,
    required: np.ndarray,
    assessed: np.ndarray,
    n_employees: int,
) -> SkjArrays:
    """Older name of skj_arrays_from_long (no group arrays)."""
    return skj_arrays_from_long(line_employee, line_competency, required, assessed, n_employees)


def line_gaps(required: np.ndarray, assessed: np.ndarray) -> np.ndarray:
    """gap = max(0, required - assessed) per SKJ line (any shape); -1 where the line has no assessment.

    Levels are 0..5, so int8 arithmetic cannot overflow: no wider temporaries at national scale. Padding
    (required 0, assessed 0) also reads -1; use `competency >= 0` to tell it from a real line.
    """
    gap = np.subtract(required, assessed, dtype=np.int8)
    np.maximum(gap, 0, out=gap)
    gap[assessed == 0] = -1
    return gap


def round_half_up_hundredths(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """round(100 * numerator / denominator, 2) half-up, as an integer count of hundredths (exact).

    100 a / r = h / 100 exactly when h = 10000 a / r; half-up rounding of that is
    floor(10000 a / r + 1/2) = floor((20000 a + r) / (2 r)), all in int64 (no float ever rounds it).
    Needs numerator >= 0 and denominator > 0.
    """
    num = numerator.astype(np.int64) * 20000 + denominator.astype(np.int64)
    return num // (2 * denominator.astype(np.int64))


def _hundredths(cut: float) -> int:
    value = round(cut * 100)
    if abs(cut * 100 - value) > 1e-6:
        raise ValueError(f"JPM cut-off {cut} has more than 2 decimals")
    return value


def categorize(hundredths: np.ndarray, upper: float, lower: float) -> np.ndarray:
    """int8 category codes from rounded JPM hundredths: 0 when >= upper, 1 when >= lower, else 2;
    3 (belum_dinilai) where hundredths < 0 (JPM undefined). Index MAPPING_/FILLING_CATEGORIES with it.

    The rounded value is compared, so the printed JPM and its category always agree.
    """
    hi, lo = _hundredths(upper), _hundredths(lower)
    if lo > hi:
        raise ValueError("the lower cut-off is above the upper one")
    cat = np.full(hundredths.shape, 2, dtype=np.int8)
    cat -= hundredths >= lo
    cat -= hundredths >= hi
    cat[hundredths < 0] = NOT_ASSESSED
    return cat


@dataclass(frozen=True)
class JpmResult:
    """Per pegawai. jpm_hundredths is JPM x 100 as an exact integer (-1 when belum_dinilai or no SKJ)."""

    jpm_hundredths: np.ndarray  # int64 [n]
    mapping: np.ndarray  # int8 [n], index into MAPPING_CATEGORIES
    filling: np.ndarray  # int8 [n], index into FILLING_CATEGORIES
    has_skj: np.ndarray  # bool [n]; False: no SKJ, to be left out (not a "belum dinilai" pegawai)

    @property
    def jpm(self) -> np.ndarray:
        """JPM as float64 percent (the rounded value), NaN where not defined (for charts and means)."""
        out = self.jpm_hundredths.astype(np.float64) / 100.0
        out[self.jpm_hundredths < 0] = np.nan
        return out


_ROW_CHUNK = 1 << 13  # rows per step of _row_sums: the chunk and its float32 copy stay in the CPU cache


def _row_sums(arrays: SkjArrays, capped: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per pegawai: sum of required, sum of (capped) assessed, and whether any SKJ line is unassessed.

    Cache-sized row chunks, each summed by a float32 matrix-vector product (BLAS; exact, sums stay far
    below 2**24): measured about 2x np.add.reduce(axis=1) on rows of 25 int8, with no [n, k] temporary.
    A line is unassessed when min(required, 1) - min(assessed, 1) is 1 (padding gives 0 - 0).
    """
    req, ass = arrays.required, arrays.assessed
    n, k = req.shape
    sum_req = np.empty(n, dtype=np.float32)
    sum_ass = np.empty(n, dtype=np.float32)
    n_missing = np.empty(n, dtype=np.float32)
    ones = np.ones(k, dtype=np.float32)
    for lo in range(0, n, _ROW_CHUNK):
        hi = min(n, lo + _ROW_CHUNK)
        r, a = req[lo:hi], ass[lo:hi]
        np.dot(r.astype(np.float32), ones, out=sum_req[lo:hi])
        np.dot((np.minimum(a, r) if capped else a).astype(np.float32), ones, out=sum_ass[lo:hi])
        unassessed = np.minimum(r, 1)
        unassessed -= np.minimum(a, 1)
        np.dot(unassessed.astype(np.float32), ones, out=n_missing[lo:hi])
    return sum_req.astype(np.int32), sum_ass.astype(np.int32), n_missing > 0


def jpm(matrix: SkjArrays, settings: JpmSettings | None = None) -> JpmResult:
    """JPM and both categories for every pegawai (row) of the arrays; no loop over pegawai."""
    settings = settings or JpmSettings()
    sum_req, sum_ass, missing = _row_sums(matrix, settings.capped)
    has_skj = sum_req > 0
    defined = has_skj & ~missing
    hundredths = round_half_up_hundredths(sum_ass, np.maximum(sum_req, 1))
    hundredths[~defined] = -1
    return JpmResult(
        jpm_hundredths=hundredths,
        mapping=categorize(hundredths, settings.optimal, settings.cukup_optimal),
        filling=categorize(hundredths, settings.memenuhi_syarat, settings.masih_memenuhi_syarat),
        has_skj=has_skj,
    )


def jpm_by_employee(
    line_employee: np.ndarray,  # int [m], sorted ascending
    required: np.ndarray,
    assessed: np.ndarray,
    n_employees: int,
    settings: JpmSettings | None = None,
) -> JpmResult:
    """JPM from long-form lines: pads them into SkjArrays and applies jpm()."""
    comp = np.zeros(len(line_employee), dtype=np.int16)
    return jpm(skj_arrays_from_long(line_employee, comp, required, assessed, n_employees), settings)


@dataclass(frozen=True)
class GroupAggregates:
    """Aggregates of SKJ lines by (group, competency); int64 arrays [n_groups, n_competencies].

    lines: SKJ lines (pegawai holding the competency in their SKJ); assessed: lines with an assessment;
    below: assessed lines under the required level; gap_sum: sum of gaps over assessed lines (exact);
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
        """Mean gap over assessed lines (lines at or above standard count as 0); NaN where none assessed."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.assessed > 0, self.gap_sum / np.maximum(self.assessed, 1), np.nan)

    def total(self) -> GroupAggregates:
        """Collapse the groups: aggregates per competency only ([1, n_competencies])."""
        arrays = (self.lines, self.assessed, self.below, self.gap_sum, self.levels)
        return GroupAggregates(*(a.sum(axis=0, keepdims=True) for a in arrays))


_BLOCK_BINS = 1 << 16  # bins per bincount call: small enough to stay in the CPU cache
_CODES = 36  # joint (assessed 0..5, required 0..5) code of a line: assessed * 6 + required


def _code_weights() -> np.ndarray:
    """[36, 8] float64: column l < 6 counts lines assessed at level l, column 6 lines below standard,
    column 7 their gap. One small matrix product turns a block of joint counts into every aggregate."""
    w = np.zeros((_CODES, 8), dtype=np.float64)
    for a in range(MAX_LEVEL + 1):
        for r in range(MAX_LEVEL + 1):
            w[a * 6 + r, a] = 1
            if 0 < a < r:
                w[a * 6 + r, 6] = 1
                w[a * 6 + r, 7] = r - a
    return w


_WEIGHTS = _code_weights()


def aggregate(
    matrix: SkjArrays, employee_group: np.ndarray, n_groups: int, n_competencies: int
) -> GroupAggregates:
    """Aggregate SKJ lines by the pegawai's group (unit, jabatan kind, ...) and competency.

    Each line gets a key (group, competency, assessed, required) counted by np.bincount over blocks of
    groups spanning at most _BLOCK_BINS bins (so the counters stay in cache; rows are ordered by group by
    a stable argsort first unless they already are, as the loader delivers them by unit). Each block's
    joint counts become the aggregates at once by a [36, 8] matrix product (exact: integers < 2**53), so
    no table of every (group, competency, assessed, required) is ever held. Memory: the [n_groups,
    n_competencies, 8] result and cache-sized temporaries.
    """
    width = n_competencies + 1  # column 0 collects padding (competency -1 + 1)
    per_group = width * _CODES
    group = np.asarray(employee_group)
    n = len(group)
    permuted = n_groups * per_group > _BLOCK_BINS and n > 1 and bool(np.any(group[1:] < group[:-1]))
    order = np.argsort(group, kind="stable") if permuted else None
    sorted_groups = group[order] if order is not None else group
    out = np.zeros((n_groups, n_competencies, 8), dtype=np.int64)
    groups_per_block = max(1, _BLOCK_BINS // per_group)
    boundaries = np.searchsorted(sorted_groups, np.arange(0, n_groups + groups_per_block, groups_per_block))
    row_chunk = max(1, (1 << 17) // max(1, matrix.required.shape[1]))  # ~128k lines: cache-sized keys
    for b in range(len(boundaries) - 1):
        lo_row, hi_row = int(boundaries[b]), int(boundaries[b + 1])
        if lo_row == hi_row:
            continue
        g0 = b * groups_per_block
        g1 = min(n_groups, g0 + groups_per_block)
        span = (g1 - g0) * per_group
        counts = np.zeros(span, dtype=np.int64)
        for r0 in range(lo_row, hi_row, row_chunk):
            r1 = min(hi_row, r0 + row_chunk)
            if order is None:  # rows already in group order: views, no copies
                comp, ass, req = matrix.competency[r0:r1], matrix.assessed[r0:r1], matrix.required[r0:r1]
            else:
                idx = order[r0:r1]
                comp, ass, req = matrix.competency[idx], matrix.assessed[idx], matrix.required[idx]
            key = np.multiply(comp, _CODES, dtype=np.int64)
            key += ((sorted_groups[r0:r1].astype(np.int64) - g0) * per_group + _CODES)[:, None]
            code = np.multiply(ass, 6, dtype=np.int8)
            code += req
            key += code
            counts += np.bincount(key.reshape(-1), minlength=span)
        joint = counts.reshape(g1 - g0, width, _CODES)[:, 1:, :].astype(np.float64)
        out[g0:g1] = np.rint(joint @ _WEIGHTS)
    levels = out[:, :, :6]
    lines = levels.sum(axis=2)
    return GroupAggregates(
        lines=lines, assessed=lines - levels[:, :, 0], below=out[:, :, 6], gap_sum=out[:, :, 7], levels=levels
    )


def jpm_distribution(
    result: JpmResult, employee_group: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per group: counts per mapping category [n_groups, 4] and mean JPM (NaN when none is defined).

    Pegawai whose jabatan has no SKJ are left out, as in the jpm export. The mean is over the rounded JPM
    of the pegawai with a defined JPM (as printed), computed exactly in integers then divided.
    """
    with_skj = result.has_skj
    n_cat = len(MAPPING_CATEGORIES)
    counts = np.bincount(
        employee_group[with_skj].astype(np.int64) * n_cat + result.mapping[with_skj],
        minlength=n_groups * n_cat,
    ).reshape(n_groups, n_cat)
    defined = result.jpm_hundredths >= 0
    groups = employee_group[defined]
    sums = np.bincount(groups, weights=result.jpm_hundredths[defined], minlength=n_groups)
    n_defined = counts[:, :NOT_ASSESSED].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n_defined > 0, sums / np.maximum(n_defined, 1) / 100.0, np.nan)
    return counts, mean


@dataclass(frozen=True)
class Analysis:
    """Everything the mapping pages and the national report need, from one SkjArrays.

    gaps: int8 [n, k] (-1: not assessed or padding); jpm: per pegawai; by_unit / by_kind / by_competency:
    line aggregates per unit x competency, position kind x competency, and per competency ([1, c]);
    unit_categories: [n_units, 4] pegawai per mapping category (no-SKJ pegawai left out); unit_mean_jpm:
    [n_units] mean of the defined JPMs (NaN when none).
    """

    gaps: np.ndarray
    jpm: JpmResult
    by_unit: GroupAggregates
    by_kind: GroupAggregates
    by_competency: GroupAggregates
    unit_categories: np.ndarray
    unit_mean_jpm: np.ndarray


def analyse(
    arrays: SkjArrays,
    n_units: int,
    n_kinds: int,
    n_competencies: int,
    settings: JpmSettings | None = None,
) -> Analysis:
    """All gaps, JPM, both categories and the unit / kind / competency aggregates in one call."""
    result = jpm(arrays, settings)
    by_unit = aggregate(arrays, arrays.unit, n_units, n_competencies)
    unit_categories, unit_mean = jpm_distribution(result, arrays.unit, n_units)
    return Analysis(
        gaps=line_gaps(arrays.required, arrays.assessed),
        jpm=result,
        by_unit=by_unit,
        by_kind=aggregate(arrays, arrays.position_kind, n_kinds, n_competencies),
        by_competency=by_unit.total(),
        unit_categories=unit_categories,
        unit_mean_jpm=unit_mean,
    )
