"""engine/hours.py: yearly JP status per employment type (DOMAIN.md), by table and by property."""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bangkom.engine.hours import (
    JP_UNITS,
    MIX_CATEGORIES,
    STATUSES,
    CreditError,
    FormRule,
    JpRules,
    credit_jp,
    days_elapsed,
    forecast_year_end,
    format_jp,
    mix_shares,
    mix_totals,
    months_spanned,
    unit_compliance,
    year_bounds,
    yearly_ledger,
)


@pytest.mark.parametrize(
    ("kind", "records", "status", "shortfall"),
    [
        ("pns", [], "kurang", 2000),
        ("pns", [1999], "kurang", 1),
        ("pns", [1000, 1000], "memenuhi", 0),
        ("cpns", [750, 250], "kurang", 1000),
        ("pns", [10000], "memenuhi", 0),  # no maximum for PNS
        ("pppk", [], "memenuhi", 0),  # PPPK: a maximum, not a minimum
        ("pppk", [2400], "memenuhi", 0),
        ("pppk", [2401], "melebihi", 0),
    ],
)
def test_status_table(kind: str, records: list[int], status: str, shortfall: int) -> None:
    ledger = yearly_ledger(np.zeros(len(records), np.int64), np.array(records, np.int64), [kind], JpRules.defaults())
    assert (STATUSES[ledger.status[0]], int(ledger.shortfall[0]), int(ledger.total[0])) == (
        status,
        shortfall,
        sum(records),
    )


@pytest.mark.parametrize(("h", "text"), [(2000, "20"), (750, "7.5"), (1225, "12.25"), (0, "0"), (5, "0.05")])
def test_format_jp(h: int, text: str) -> None:
    assert format_jp(h) == text


@given(
    st.lists(st.tuples(st.integers(0, 4), st.integers(0, 5000)), max_size=40),
    st.lists(st.sampled_from(["pns", "cpns", "pppk"]), min_size=5, max_size=5),
)
def test_ledger_equals_reference(records: list[tuple[int, int]], kinds: list[str]) -> None:
    ledger = yearly_ledger(
        np.array([e for e, _ in records], np.int64),
        np.array([j for _, j in records], np.int64),
        kinds,
        JpRules.defaults(),
    )
    for i, kind in enumerate(kinds):
        total = sum(j for e, j in records if e == i)
        lo, hi = (0, 2400) if kind == "pppk" else (2000, None)
        expected = "kurang" if total < lo else "melebihi" if hi is not None and total > hi else "memenuhi"
        assert (int(ledger.total[i]), STATUSES[ledger.status[i]], int(ledger.shortfall[i])) == (
            total,
            expected,
            max(0, lo - total),
        )


# --- JP credited per form (DOMAIN.md "Forms of development": agency-practice defaults) -------------------------

D = dt.date


def h(jp: str | int | Decimal) -> int:
    """JP written as text ("7.5") or an int, in hundredths, rounded half up (Decimal, not the engine)."""
    return int((Decimal(str(jp)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# DOMAIN.md, written out here by hand: coaching/mentoring 2 JP a session, at most 2 sessions a month; belajar
# mandiri and komunitas belajar at most 2 JP a day (JP as stated); magang, detasering, pertukaran 20 JP a
# kegiatan; patok banding 10 JP; e-learning 3 JP a module unless the module states its JP.
COACHING = FormRule(unit="sesi", jp_per_unit=h(2), max_units_per_month=2)
BELAJAR_MANDIRI = FormRule(unit="jp", max_jp_per_day=h(2))
MAGANG = FormRule(unit="kegiatan", jp_per_unit=h(20))
PATOK_BANDING = FormRule(unit="kegiatan", jp_per_unit=h(10))
E_LEARNING = FormRule(unit="modul", jp_per_unit=h(3))
KLASIKAL = FormRule()  # JP as on the certificate
PER_HARI = FormRule(unit="hari", jp_per_unit=h(8))  # an instansi's own rule: 8 JP a day of activity
PER_HARI_CAPPED = FormRule(unit="hari", jp_per_unit=h(8), max_jp_per_day=h(6))


@pytest.mark.parametrize(
    ("rule", "start", "end", "quantity", "stated", "jp", "claimed"),
    [
        # unit "jp": the certificate's JP, whatever the dates
        (KLASIKAL, D(2026, 3, 2), D(2026, 3, 6), None, "32", "32", "32"),
        (KLASIKAL, D(2026, 3, 2), D(2026, 3, 2), None, "0.75", "0.75", "0.75"),
        (KLASIKAL, D(2026, 3, 2), D(2026, 3, 2), "4", "12", "12", "12"),  # a quantity is ignored
        # coaching: 2 JP a session, at most 2 sessions for every calendar month spanned
        (COACHING, D(2026, 5, 4), D(2026, 5, 28), "1", None, "2", "2"),
        (COACHING, D(2026, 5, 4), D(2026, 5, 28), "2", None, "4", "4"),  # exactly at the cap: not capped
        (COACHING, D(2026, 5, 4), D(2026, 5, 28), "5", None, "4", "10"),  # 5 sessions in one month
        (COACHING, D(2026, 5, 4), D(2026, 7, 20), "5", None, "10", "10"),  # 5 sessions across 3 months
        (COACHING, D(2026, 5, 31), D(2026, 6, 1), "5", None, "8", "10"),  # two days, two months
        (COACHING, D(2025, 11, 15), D(2026, 1, 10), "7", None, "12", "14"),  # 3 months over new year
        (COACHING, D(2026, 1, 1), D(2026, 12, 31), "24", None, "48", "48"),
        (COACHING, D(2026, 1, 1), D(2026, 12, 31), "30", None, "48", "60"),
        (COACHING, D(2026, 5, 4), D(2026, 5, 4), "0", None, "0", "0"),
        # belajar mandiri: JP as stated, at most 2 JP for every day spanned
        (BELAJAR_MANDIRI, D(2026, 2, 10), D(2026, 2, 10), None, "1.5", "1.5", "1.5"),
        (BELAJAR_MANDIRI, D(2026, 2, 10), D(2026, 2, 10), None, "10", "2", "10"),
        (BELAJAR_MANDIRI, D(2026, 2, 10), D(2026, 2, 11), None, "4", "4", "4"),  # exactly at the cap
        (BELAJAR_MANDIRI, D(2026, 2, 10), D(2026, 2, 12), None, "10", "6", "10"),
        (BELAJAR_MANDIRI, D(2026, 2, 10), D(2026, 2, 16), None, "10", "10", "10"),
        (BELAJAR_MANDIRI, D(2028, 2, 28), D(2028, 3, 1), None, "8", "6", "8"),  # 29 Feb 2028 counts
        (BELAJAR_MANDIRI, D(2026, 2, 28), D(2026, 3, 1), None, "8", "4", "8"),  # no 29 Feb in 2026
        (BELAJAR_MANDIRI, D(2025, 12, 31), D(2026, 1, 1), None, "5", "4", "5"),
        # magang / patok banding: JP per kegiatan
        (MAGANG, D(2026, 6, 1), D(2026, 8, 31), "1", None, "20", "20"),
        (MAGANG, D(2026, 6, 1), D(2026, 8, 31), "2", None, "40", "40"),
        (PATOK_BANDING, D(2026, 9, 14), D(2026, 9, 15), "1", None, "10", "10"),
        (PATOK_BANDING, D(2026, 9, 14), D(2026, 9, 15), "3", None, "30", "30"),
        # e-learning: 3 JP a module unless the module states its JP
        (E_LEARNING, D(2026, 4, 1), D(2026, 4, 30), "1", None, "3", "3"),
        (E_LEARNING, D(2026, 4, 1), D(2026, 4, 30), "4", None, "12", "12"),
        (E_LEARNING, D(2026, 4, 1), D(2026, 4, 30), None, "7.5", "7.5", "7.5"),
        (E_LEARNING, D(2026, 4, 1), D(2026, 4, 30), "4", "5", "5", "5"),  # stated JP wins over modules
        # hari: JP per day of activity, optionally capped per day spanned
        (PER_HARI, D(2026, 10, 5), D(2026, 10, 7), "3", None, "24", "24"),
        (PER_HARI, D(2026, 10, 5), D(2026, 10, 5), "0.5", None, "4", "4"),
        (PER_HARI_CAPPED, D(2026, 10, 5), D(2026, 10, 7), "3", None, "18", "24"),
        (PER_HARI_CAPPED, D(2026, 10, 5), D(2026, 10, 9), "3", None, "24", "24"),
        # fractional quantities: hundredths of a unit, JP rounded half up to hundredths
        (COACHING, D(2026, 5, 4), D(2026, 6, 28), "2.5", None, "5", "5"),
        (COACHING, D(2026, 5, 4), D(2026, 5, 28), "2.5", None, "4", "5"),
        (E_LEARNING, D(2026, 4, 1), D(2026, 4, 30), "1.25", None, "3.75", "3.75"),
        (E_LEARNING, D(2026, 4, 1), D(2026, 4, 30), "0.01", None, "0.03", "0.03"),
        (FormRule(unit="sesi", jp_per_unit=h("2.5")), D(2026, 1, 5), D(2026, 1, 5), "0.33", None, "0.83", "0.83"),
        (FormRule(unit="sesi", jp_per_unit=h("0.5")), D(2026, 1, 5), D(2026, 1, 5), "0.01", None, "0.01", "0.01"),
        (FormRule(unit="hari", jp_per_unit=h("1.25")), D(2026, 1, 5), D(2026, 1, 9), "2.2", None, "2.75", "2.75"),
        (FormRule(unit="kegiatan", jp_per_unit=h("0.3")), D(2026, 1, 5), D(2026, 1, 5), "0.15", None, "0.05", "0.05"),
        (FormRule(unit="kegiatan", jp_per_unit=h("0.3")), D(2026, 1, 5), D(2026, 1, 5), "0.14", None, "0.04", "0.04"),
    ],
)
def test_credit_jp_table(
    rule: FormRule, start: dt.date, end: dt.date, quantity: str | None, stated: str | None, jp: str, claimed: str
) -> None:
    credit = credit_jp(
        rule,
        start=start,
        end=end,
        quantity=None if quantity is None else h(quantity),
        stated_jp=None if stated is None else h(stated),
    )
    assert (credit.jp, credit.claimed, credit.capped) == (h(jp), h(claimed), h(jp) < h(claimed))


def test_credit_jp_table_covers_every_unit() -> None:
    assert {r.unit for r in (KLASIKAL, COACHING, BELAJAR_MANDIRI, MAGANG, E_LEARNING, PER_HARI)} == set(JP_UNITS)


@pytest.mark.parametrize(
    ("rule", "start", "end", "quantity", "stated", "code"),
    [
        (KLASIKAL, D(2026, 3, 6), D(2026, 3, 5), None, 100, "dates"),
        (COACHING, D(2026, 1, 1), D(2025, 12, 31), 100, None, "dates"),
        (COACHING, D(2026, 1, 2), D(2026, 1, 1), None, None, "dates"),  # dates are checked first
        (COACHING, D(2026, 1, 1), D(2026, 1, 1), -1, None, "negative"),
        (MAGANG, D(2026, 1, 1), D(2026, 1, 1), -100, None, "negative"),
        (KLASIKAL, D(2026, 1, 1), D(2026, 1, 1), None, -1, "negative"),
        (E_LEARNING, D(2026, 1, 1), D(2026, 1, 1), 100, -50, "negative"),
        (KLASIKAL, D(2026, 1, 1), D(2026, 1, 1), None, None, "jp_required"),
        (KLASIKAL, D(2026, 1, 1), D(2026, 1, 1), 300, None, "jp_required"),
        (BELAJAR_MANDIRI, D(2026, 1, 1), D(2026, 1, 3), None, None, "jp_required"),
        (COACHING, D(2026, 1, 1), D(2026, 1, 1), None, None, "quantity_required"),
        (COACHING, D(2026, 1, 1), D(2026, 1, 1), None, 400, "quantity_required"),
        (MAGANG, D(2026, 1, 1), D(2026, 1, 1), None, None, "quantity_required"),
        (PER_HARI, D(2026, 1, 1), D(2026, 1, 1), None, None, "quantity_required"),
        (E_LEARNING, D(2026, 1, 1), D(2026, 1, 1), None, None, "quantity_required"),
    ],
)
def test_credit_jp_errors(
    rule: FormRule, start: dt.date, end: dt.date, quantity: int | None, stated: int | None, code: str
) -> None:
    with pytest.raises(CreditError) as err:
        credit_jp(rule, start=start, end=end, quantity=quantity, stated_jp=stated)
    assert err.value.code == code
    assert isinstance(err.value, ValueError)


def _months_by_walking(start: dt.date, end: dt.date) -> int:
    months = set()
    day = start
    while day <= end:
        months.add((day.year, day.month))
        day += dt.timedelta(days=1)
    return len(months)


@st.composite
def _spans(draw: st.DrawFn, max_days: int = 800) -> tuple[dt.date, dt.date]:
    start = draw(st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31)))
    return start, start + dt.timedelta(days=draw(st.integers(0, max_days)))


def _reference_credit(
    unit: str,
    per_unit: Decimal,
    per_month: int | None,
    per_day: Decimal | None,
    start: dt.date,
    end: dt.date,
    quantity: Decimal | None,
    stated: Decimal | None,
) -> tuple[Decimal, Decimal]:
    """(credited, claimed) JP in Decimal, from the FormRule docstring and DOMAIN.md, rounded to hundredths."""
    cent = Decimal("0.01")
    if unit == "jp" or (unit == "modul" and stated is not None):
        assert stated is not None
        claimed = credited = stated
    else:
        assert quantity is not None
        claimed = (quantity * per_unit).quantize(cent, rounding=ROUND_HALF_UP)
        units = quantity if per_month is None else min(quantity, Decimal(per_month * _months_by_walking(start, end)))
        credited = (units * per_unit).quantize(cent, rounding=ROUND_HALF_UP)
    if per_day is not None:
        credited = min(credited, per_day * ((end - start).days + 1))
    return credited, claimed


@given(
    st.sampled_from(JP_UNITS),
    st.integers(0, 5000),
    st.one_of(st.none(), st.integers(0, 5)),
    st.one_of(st.none(), st.integers(1, 1000)),
    _spans(120),
    st.integers(0, 100_000),
    st.one_of(st.none(), st.integers(0, 10_000)),
)
def test_credit_jp_equals_reference(
    unit: str,
    per_unit: int,
    per_month: int | None,
    per_day: int | None,
    span: tuple[dt.date, dt.date],
    quantity: int,
    stated: int | None,
) -> None:
    start, end = span
    if unit == "jp" and stated is None:
        stated = quantity
    rule = FormRule(unit=unit, jp_per_unit=per_unit, max_units_per_month=per_month, max_jp_per_day=per_day)
    credit = credit_jp(rule, start=start, end=end, quantity=quantity, stated_jp=stated)
    c = Decimal("0.01")
    credited, claimed = _reference_credit(
        unit,
        per_unit * c,
        per_month,
        None if per_day is None else per_day * c,
        start,
        end,
        quantity * c,
        None if stated is None else stated * c,
    )
    assert (credit.jp, credit.claimed) == (h(credited), h(claimed))
    assert credit.capped == (credit.jp < credit.claimed)
    assert credit.jp <= credit.claimed
    if per_month is None and per_day is None:
        assert not credit.capped


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (D(2026, 5, 1), D(2026, 5, 31), 1),
        (D(2026, 5, 31), D(2026, 6, 1), 2),
        (D(2025, 12, 31), D(2026, 1, 1), 2),
        (D(2025, 11, 15), D(2026, 1, 10), 3),
        (D(2026, 1, 1), D(2026, 12, 31), 12),
        (D(2024, 12, 1), D(2026, 1, 31), 14),
        (D(2024, 2, 29), D(2024, 2, 29), 1),
    ],
)
def test_months_spanned(start: dt.date, end: dt.date, months: int) -> None:
    assert months_spanned(start, end) == months


@given(_spans())
def test_months_spanned_counts_calendar_months(span: tuple[dt.date, dt.date]) -> None:
    assert months_spanned(*span) == _months_by_walking(*span)


# --- year bounds and elapsed days -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "today", "expected"),
    [
        (2028, D(2028, 1, 1), (1, 366)),
        (2028, D(2028, 2, 29), (31 + 29, 366)),
        (2028, D(2028, 3, 1), (31 + 29 + 1, 366)),
        (2028, D(2028, 12, 31), (366, 366)),
        (2026, D(2026, 3, 1), (31 + 28 + 1, 365)),
        (2026, D(2026, 12, 31), (365, 365)),
        (2026, D(2027, 6, 1), (365, 365)),  # a past year is complete
        (2028, D(2031, 1, 1), (366, 366)),
        (2027, D(2026, 6, 1), (0, 365)),  # a future year has not begun
        (2027, D(2026, 12, 31), (0, 365)),
        (2100, D(2100, 12, 31), (365, 365)),  # not a leap year
        (2000, D(2000, 12, 31), (366, 366)),  # a leap year
    ],
)
def test_days_elapsed(year: int, today: dt.date, expected: tuple[int, int]) -> None:
    assert days_elapsed(year, today) == expected


@given(st.integers(2000, 2040), st.dates(min_value=D(1999, 1, 1), max_value=D(2041, 12, 31)))
def test_days_elapsed_counts_days_in_year_up_to_today(year: int, today: dt.date) -> None:
    first, last = year_bounds(year)
    assert (first, last) == (D(year, 1, 1), D(year, 12, 31))
    in_year = [first + dt.timedelta(days=i) for i in range(370) if (first + dt.timedelta(days=i)).year == year]
    assert days_elapsed(year, today) == (sum(1 for d in in_year if d <= today), len(in_year))


# --- 70-20-10 mix, forecast, per-unit compliance (properties) ---------------------------------------------------

_records = st.lists(st.tuples(st.integers(0, 5), st.integers(0, 2), st.integers(0, 100_000)), max_size=60)


@given(_records)
def test_mix_totals_rows_are_the_per_employee_totals(records: list[tuple[int, int, int]]) -> None:
    n = 6
    emp = np.array([e for e, _, _ in records], np.int64)
    cat = np.array([c for _, c, _ in records], np.int64)
    jp = np.array([j for _, _, j in records], np.int64)
    mix = mix_totals(emp, cat, jp, n)
    assert mix.shape == (n, 3)
    assert mix.dtype == np.int64
    assert mix.sum(axis=1).tolist() == np.bincount(emp, weights=jp, minlength=n).astype(np.int64).tolist()
    for i in range(n):
        for k in range(3):
            assert mix[i, k] == sum(j for e, c, j in records if (e, c) == (i, k))


def test_mix_categories_order() -> None:
    assert MIX_CATEGORIES == ("70", "20", "10")


@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 10**6)), max_size=30))
def test_mix_shares(rows: list[tuple[int, int, int]]) -> None:
    mix = np.array(rows, np.int64).reshape(-1, 3)
    shares = mix_shares(mix)
    whole = sum(sum(r) for r in rows)
    assert shares.shape == (3,)
    if whole == 0:
        assert shares.tolist() == [0.0, 0.0, 0.0]
    else:
        assert shares.sum() == pytest.approx(1.0)
        for k in range(3):
            assert shares[k] == pytest.approx(sum(r[k] for r in rows) / whole)
        assert ((shares >= 0) & (shares <= 1)).all()


def test_mix_shares_examples() -> None:
    assert mix_shares(np.array([[7000, 2000, 1000]])).tolist() == pytest.approx([0.7, 0.2, 0.1])
    assert mix_shares(np.array([[0, 500, 0], [0, 0, 500]])).tolist() == pytest.approx([0, 0.5, 0.5])
    assert mix_shares(np.zeros((0, 3), np.int64)).tolist() == [0, 0, 0]


_amounts = st.integers(0, 10**7)


@given(
    st.lists(st.tuples(_amounts, _amounts, _amounts, st.sampled_from([0, 2000])), min_size=1, max_size=20),
    st.sampled_from([365, 366]),
    st.integers(0, 400),
)
def test_forecast_year_end(rows: list[tuple[int, int, int, int]], days: int, elapsed: int) -> None:
    total, pending, planned, minimum = (np.array(c, np.int64) for c in zip(*rows, strict=True))
    fc = forecast_year_end(total, pending, planned, minimum, elapsed_days=elapsed, days_in_year=days)
    floor = total + pending + planned
    assert (fc.projected >= floor).all()
    assert fc.below.tolist() == (fc.projected < minimum).tolist()
    assert fc.expected_shortfall.tolist() == [max(0, int(m - p)) for m, p in zip(minimum, fc.projected, strict=True)]
    closed = forecast_year_end(total, pending, planned, minimum, elapsed_days=days, days_in_year=days)
    assert closed.projected.tolist() == floor.tolist()
    # a year not yet begun has no pace: nothing is carried over
    if elapsed == 0:
        assert fc.projected.tolist() == floor.tolist()
    # the pace so far carried over the remaining days (floor of the exact fraction), when the year has begun
    if 1 <= elapsed <= days:
        expected = [
            int(t + p + q + math.floor(Fraction(int(t) * (days - elapsed), elapsed)))
            for t, p, q in zip(total, pending, planned, strict=True)
        ]
        assert fc.projected.tolist() == expected


@given(_amounts, _amounts, _amounts, _amounts, st.integers(1, 366))
def test_forecast_is_monotone_in_total(a: int, b: int, pending: int, planned: int, elapsed: int) -> None:
    lo, hi = sorted((a, b))
    fc = forecast_year_end(
        np.array([lo, hi]),
        np.array([pending] * 2),
        np.array([planned] * 2),
        np.array([2000] * 2),
        elapsed_days=elapsed,
        days_in_year=366,
    )
    assert fc.projected[0] <= fc.projected[1]


def test_forecast_examples() -> None:
    # 10 JP by 1 July 2026 (day 182 of 365): pace 10/182 a day over 183 more days
    fc = forecast_year_end(
        np.array([1000, 0, 2000]),
        np.array([0, 500, 0]),
        np.array([0, 1000, 0]),
        np.array([2000, 2000, 0]),
        elapsed_days=182,
        days_in_year=365,
    )
    assert fc.projected.tolist() == [1000 + 1000 * 183 // 182, 1500, 2000 + 2000 * 183 // 182]
    assert fc.below.tolist() == [False, True, False]
    assert fc.expected_shortfall.tolist() == [0, 500, 0]
    # before the year begins: what is known, no extrapolation of JP verified ahead of time
    early = forecast_year_end(
        np.array([500]), np.array([100]), np.array([300]), np.array([2000]), elapsed_days=0, days_in_year=366
    )
    assert early.projected.tolist() == [900]
    assert early.expected_shortfall.tolist() == [1100]


@given(
    st.lists(
        st.tuples(
            st.integers(0, 3),  # unit
            st.sampled_from(["pns", "cpns", "pppk"]),
            st.tuples(_amounts, _amounts, _amounts),  # mix
            _amounts,  # pending
            st.integers(1, 365),  # elapsed
        ),
        max_size=30,
    ),
)
def test_unit_compliance(rows: list[tuple[int, str, tuple[int, int, int], int, int]]) -> None:
    n_units = 4
    n = len(rows)
    unit = np.array([r[0] for r in rows], np.int64)
    kinds = [r[1] for r in rows]
    mix = np.array([r[2] for r in rows], np.int64).reshape(n, 3)
    ledger = yearly_ledger(np.arange(n), mix.sum(axis=1), kinds, JpRules.defaults())
    pending = np.array([r[3] for r in rows], np.int64)
    elapsed = rows[0][4] if rows else 100
    fc = forecast_year_end(
        ledger.total, pending, np.zeros(n, np.int64), ledger.minimum, elapsed_days=elapsed, days_in_year=365
    )
    uc = unit_compliance(unit, n_units, ledger, fc, mix)
    for arr in (uc.obliged, uc.meeting, uc.short, uc.forecast_short, uc.over_maximum, uc.total):
        assert arr.shape == (n_units,)
    assert uc.mix.shape == (n_units, 3)
    assert (uc.obliged == uc.meeting + uc.short).all()
    assert (uc.mix.sum(axis=1) == uc.total).all()
    # sums over units are the whole-population counts, computed here from the rows
    obliged = [k in ("pns", "cpns") for k in kinds]
    totals = [sum(r[2]) for r in rows]
    assert int(uc.obliged.sum()) == sum(obliged)
    assert int(uc.short.sum()) == sum(1 for o, t in zip(obliged, totals, strict=True) if o and t < 2000)
    assert int(uc.meeting.sum()) == sum(1 for o, t in zip(obliged, totals, strict=True) if o and t >= 2000)
    assert int(uc.over_maximum.sum()) == sum(1 for k, t in zip(kinds, totals, strict=True) if k == "pppk" and t > 2400)
    assert int(uc.forecast_short.sum()) == int((fc.below & (ledger.minimum > 0)).sum())
    assert int(uc.total.sum()) == sum(totals)
    assert uc.mix.sum(axis=0).tolist() == [sum(r[2][k] for r in rows) for k in range(3)]
    # and per unit, from the rows
    for u in range(n_units):
        mine = [i for i in range(n) if rows[i][0] == u]
        assert int(uc.obliged[u]) == sum(obliged[i] for i in mine)
        assert int(uc.short[u]) == sum(1 for i in mine if obliged[i] and totals[i] < 2000)
        assert int(uc.total[u]) == sum(totals[i] for i in mine)
