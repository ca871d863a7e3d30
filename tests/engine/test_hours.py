"""engine/hours.py: yearly JP status per employment type (DOMAIN.md), by table and by property."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bangkom.engine.hours import STATUSES, JpRules, format_jp, yearly_ledger


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
