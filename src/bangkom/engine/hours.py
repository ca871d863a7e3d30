"""The yearly JP ledger: totals per pegawai from verified records, status against minimum/maximum, shortfall.

Pure NumPy, no Django. JP are carried as integer hundredths (records hold 2 decimals), so sums are exact.
A record counts in the year of its end date (CONTRACT.md). PNS and CPNS must reach a minimum (PP 11/2017
art. 203(4), 20 JP); PPPK have a maximum (PP 49/2018 art. 40(1), 24 JP). Both are settings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

STATUSES: tuple[str, ...] = ("kurang", "memenuhi", "melebihi")
KURANG, MEMENUHI, MELEBIHI = 0, 1, 2


@dataclass(frozen=True)
class JpRules:
    """Minimum and maximum JP a year, in hundredths; -1 means no maximum. Index by employment type code."""

    minimum: dict[str, int]
    maximum: dict[str, int]

    @classmethod
    def defaults(cls, minimum_pns: float = 20, maximum_pppk: float = 24) -> JpRules:
        lo, hi = round(minimum_pns * 100), round(maximum_pppk * 100)
        return cls(minimum={"pns": lo, "cpns": lo, "pppk": 0}, maximum={"pns": -1, "cpns": -1, "pppk": hi})


@dataclass(frozen=True)
class Ledger:
    total: np.ndarray  # int64 hundredths [n]
    minimum: np.ndarray  # int64 hundredths [n]
    maximum: np.ndarray  # int64 hundredths [n], -1 = none
    status: np.ndarray  # int8 [n], index into STATUSES
    shortfall: np.ndarray  # int64 hundredths [n]


def yearly_ledger(
    record_employee: np.ndarray,
    record_jp_hundredths: np.ndarray,
    employment_type: list[str],
    rules: JpRules,
) -> Ledger:
    """Totals, status and shortfall for every pegawai (records already filtered to verified and the year)."""
    n = len(employment_type)
    total = np.bincount(record_employee, weights=record_jp_hundredths, minlength=n).round().astype(np.int64)
    minimum = np.array([rules.minimum[t] for t in employment_type], dtype=np.int64)
    maximum = np.array([rules.maximum[t] for t in employment_type], dtype=np.int64)
    status = np.full(n, MEMENUHI, dtype=np.int8)
    status[(maximum >= 0) & (total > maximum)] = MELEBIHI
    status[total < minimum] = KURANG
    return Ledger(total, minimum, maximum, status, np.maximum(minimum - total, 0))


def format_jp(hundredths: int) -> str:
    """JP without trailing zeros: 2000 -> "20", 750 -> "7.5", 1225 -> "12.25"."""
    whole, frac = divmod(abs(int(hundredths)), 100)
    sign = "-" if hundredths < 0 else ""
    return f"{sign}{whole}" if frac == 0 else f"{sign}{whole}.{frac:02d}".rstrip("0")
