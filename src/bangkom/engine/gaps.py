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
    line_employee: np.ndarray,
    required: np.ndarray,
    assessed: np.ndarray,
    n_employees: int,
    settings: JpmSettings | None = None,
) -> JpmResult:
    """JPM and both categories for every pegawai from their SKJ lines (no loop over pegawai)."""
    settings = settings or JpmSettings()
    used = np.minimum(assessed, required) if settings.capped else assessed
    sum_req = np.bincount(line_employee, weights=required, minlength=n_employees).astype(np.int64)
    sum_ass = np.bincount(line_employee, weights=used, minlength=n_employees).astype(np.int64)
    missing = np.bincount(line_employee, weights=(assessed == 0), minlength=n_employees) > 0
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
