"""The yearly JP ledger: totals per pegawai from verified records, status against minimum/maximum, shortfall.

Pure NumPy, no Django. JP are carried as integer hundredths (records hold 2 decimals), so sums are exact.
A record counts in the year of its end date (CONTRACT.md). PNS and CPNS must reach a minimum (PP 11/2017
art. 203(4), 20 JP); PPPK have a maximum (PP 49/2018 art. 40(1), 24 JP). Both are settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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


# --- JP credited per form ---------------------------------------------------------------------------------

JP_UNITS: tuple[str, ...] = ("jp", "sesi", "hari", "kegiatan", "modul")


class CreditError(ValueError):
    """Input that a form's rule cannot turn into JP; `code` names the reason for the caller's message."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class FormRule:
    """How one form of development is credited, all JP in hundredths.

    unit "jp": the JP stated on the certificate; "modul": jp_per_unit per module unless the module states its
    JP; "sesi", "hari", "kegiatan": quantity x jp_per_unit. Caps: at most max_units_per_month units for every
    calendar month the activity spans, and at most max_jp_per_day JP for every day it spans.
    """

    unit: str = "jp"
    jp_per_unit: int | None = None
    max_units_per_month: int | None = None
    max_jp_per_day: int | None = None


@dataclass(frozen=True)
class Credit:
    jp: int  # hundredths credited
    claimed: int  # hundredths before the caps
    capped: bool


def months_spanned(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def credit_jp(
    rule: FormRule, *, start: date, end: date, quantity: int | None = None, stated_jp: int | None = None
) -> Credit:
    """JP credited for one activity (quantity in hundredths of a unit, stated JP in hundredths)."""
    if end < start:
        raise CreditError("dates")
    if (quantity is not None and quantity < 0) or (stated_jp is not None and stated_jp < 0):
        raise CreditError("negative")
    if rule.unit == "jp" or (rule.unit == "modul" and stated_jp is not None):
        if stated_jp is None:
            raise CreditError("jp_required")
        claimed = stated_jp
        units = None
    else:
        if quantity is None:
            raise CreditError("quantity_required")
        units = quantity
        if rule.max_units_per_month is not None:
            units = min(units, rule.max_units_per_month * 100 * months_spanned(start, end))
        rate = rule.jp_per_unit or 0
        claimed = (quantity * rate + 50) // 100
    jp = claimed if units is None else ((units * (rule.jp_per_unit or 0)) + 50) // 100
    if rule.max_jp_per_day is not None:
        jp = min(jp, rule.max_jp_per_day * ((end - start).days + 1))
    return Credit(jp=jp, claimed=claimed, capped=jp < claimed)


# --- 70-20-10 mix, forecast, units ---------------------------------------------------------------------------

MIX_CATEGORIES: tuple[str, ...] = ("70", "20", "10")


def mix_totals(
    record_employee: np.ndarray, record_category: np.ndarray, record_jp_hundredths: np.ndarray, n: int
) -> np.ndarray:
    """JP per pegawai and 70-20-10 category (index into MIX_CATEGORIES), int64 hundredths [n, 3]."""
    flat = np.asarray(record_employee, dtype=np.int64) * 3 + np.asarray(record_category, dtype=np.int64)
    sums = np.bincount(flat, weights=np.asarray(record_jp_hundredths, dtype=np.float64), minlength=n * 3)
    return sums.round().astype(np.int64).reshape(n, 3)


def mix_shares(mix: np.ndarray) -> np.ndarray:
    """Shares (0..1) of each category in the sum of rows given; zeros when nothing was recorded."""
    totals = np.asarray(mix, dtype=np.float64).reshape(-1, 3).sum(axis=0)
    whole = totals.sum()
    return totals / whole if whole > 0 else np.zeros(3)


@dataclass(frozen=True)
class Forecast:
    projected: np.ndarray  # int64 hundredths [n]
    below: np.ndarray  # bool [n]: expected to end the year under the minimum
    expected_shortfall: np.ndarray  # int64 hundredths [n]


def forecast_year_end(
    total: np.ndarray,
    pending: np.ndarray,
    planned: np.ndarray,
    minimum: np.ndarray,
    *,
    elapsed_days: int,
    days_in_year: int,
) -> Forecast:
    """Year-end JP if the pace so far continues, plus records awaiting verification and planned activities.

    Pace = verified JP so far / elapsed days, carried over the remaining days. A closed year (elapsed =
    days_in_year) projects exactly what is counted plus what still waits for verification; a year not yet
    begun (elapsed 0) has no pace, so nothing is carried over.
    """
    elapsed = max(1, min(elapsed_days, days_in_year))
    remaining = days_in_year - elapsed if elapsed_days > 0 else 0
    total = np.asarray(total, dtype=np.int64)
    pace_part = (total * remaining) // elapsed
    projected = total + np.asarray(pending, dtype=np.int64) + np.asarray(planned, dtype=np.int64) + pace_part
    minimum = np.asarray(minimum, dtype=np.int64)
    return Forecast(projected, projected < minimum, np.maximum(minimum - projected, 0))


@dataclass(frozen=True)
class UnitCompliance:
    obliged: np.ndarray  # pegawai with a minimum (PNS, CPNS) [u]
    meeting: np.ndarray  # of those, at or above the minimum [u]
    short: np.ndarray  # of those, below the minimum now [u]
    forecast_short: np.ndarray  # of those, projected below the minimum at year end [u]
    over_maximum: np.ndarray  # pegawai above a maximum (PPPK) [u]
    total: np.ndarray  # JP counted, hundredths [u]
    mix: np.ndarray  # JP per 70-20-10 category, hundredths [u, 3]


def unit_compliance(
    unit_index: np.ndarray, n_units: int, ledger: Ledger, forecast: Forecast, mix: np.ndarray
) -> UnitCompliance:
    """Counts per unit; unit_index maps each pegawai to 0..n_units-1."""
    unit_index = np.asarray(unit_index, dtype=np.int64)
    obliged = ledger.minimum > 0

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(unit_index[mask], minlength=n_units).astype(np.int64)

    mix_units = np.zeros((n_units, 3), dtype=np.int64)
    for k in range(3):
        mix_units[:, k] = np.bincount(unit_index, weights=mix[:, k], minlength=n_units).round().astype(np.int64)
    return UnitCompliance(
        obliged=count(obliged),
        meeting=count(obliged & (ledger.status != KURANG)),
        short=count(obliged & (ledger.status == KURANG)),
        forecast_short=count(obliged & forecast.below),
        over_maximum=count(ledger.status == MELEBIHI),
        total=np.bincount(unit_index, weights=ledger.total, minlength=n_units).round().astype(np.int64),
        mix=mix_units,
    )


def year_bounds(year: int) -> tuple[date, date]:
    """The dates a record's end date must fall between to count in the year (CONTRACT.md)."""
    return date(year, 1, 1), date(year, 12, 31)


def days_elapsed(year: int, today: date) -> tuple[int, int]:
    """(elapsed days including today, days in the year); a past year is complete, a future one not begun."""
    first, last = year_bounds(year)
    total = (last - first).days + 1
    if today < first:
        return 0, total
    return min((today - first).days + 1, total), total


def progress_percent(total: int, minimum: int, maximum: int) -> int:
    """Progress towards the minimum (PNS/CPNS) or, without one, towards the maximum (PPPK), capped at 100."""
    target = minimum if minimum > 0 else maximum
    return min(100, round(100 * total / target)) if target > 0 else 100
