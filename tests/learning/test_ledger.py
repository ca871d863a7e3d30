"""learning/ledger.py: the yearly JP ledger loaded from the database equals a plain-Python computation.

The reference reads the rows this test wrote (Decimal JP, dates, statuses, the form's 70-20-10 category) and
applies DOMAIN.md and CONTRACT.md directly: verified records count in the year of their end date, PNS/CPNS at
least 20 JP, PPPK at most 24; submitted records of the year are pending; planned records of the year still to
end (today or later) are planned; the forecast carries the pace so far (verified JP / elapsed days) over the
rest of the year. Runs on SQLite, and on PostgreSQL when DATABASE_URL names one.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from bangkom.learning.ledger import YearLedger, load_year_ledger
from bangkom.learning.models import DevelopmentForm, LearningRecord, RecordStatus
from bangkom.org.models import Agency, Employee, Unit
from bangkom.org.selectors import employee_list, employees_visible_to

from ..conftest import Org, next_nip

YEAR = 2026
D = dt.date
STATUS_NAMES = ("kurang", "memenuhi", "melebihi")
# JP whose x100 is not exact in binary floating point (SQLite keeps decimals as REAL): 0.29*100 = 28.999...
TRICKY_JP = ["0.29", "0.57", "1.15", "2.01", "4.35", "0.01", "12.25", "7.5", "33.33", "0.07"]


@dataclass(frozen=True)
class Row:
    employee: int
    title: str
    start: dt.date
    end: dt.date
    form: int
    jp: Decimal
    status: str


@dataclass
class World:
    org: Org
    cpns: Employee
    pppk2: Employee
    empty_agency: Agency
    rows: list[Row]


def _add(rows: list[Row], e: Employee, start: dt.date, end: dt.date, form: int, jp: str, status: str) -> None:
    rows.append(Row(e.pk, f"Kegiatan {len(rows)}", start, end, form, Decimal(jp), status))


def _build(org: Org) -> World:
    a = org.agency_a
    cpns = Employee.objects.create(
        nip=next_nip("pns"),
        name="CPNS A",
        agency=a,
        unit=org.unit_a2,
        position=org.pos_a_staff,
        employment_type="cpns",
        supervisor=org.kabid,
    )
    pppk2 = Employee.objects.create(
        nip=next_nip("pppk"),
        name="PPPK Dua",
        agency=a,
        unit=org.unit_a,
        position=org.pos_a_staff,
        employment_type="pppk",
        supervisor=org.kasubag,
    )
    empty = Agency.objects.create(code="C", name="Kota C", kind="kota")
    Unit.objects.create(agency=empty, code="C-U0", name="Sekretariat C")
    rows: list[Row] = []
    v, s, p, r = (RecordStatus.VERIFIED, RecordStatus.SUBMITTED, RecordStatus.PLANNED, RecordStatus.REJECTED)
    # kepala (PNS): exactly 20 verified in the year over the three categories -> memenuhi
    _add(rows, org.kepala, D(YEAR, 2, 2), D(YEAR, 2, 6), 3, "12.25", v)  # 10
    _add(rows, org.kepala, D(YEAR, 3, 2), D(YEAR, 3, 31), 10, "5", v)  # 70
    _add(rows, org.kepala, D(YEAR, 4, 7), D(YEAR, 4, 7), 14, "2.75", v)  # 20
    _add(rows, org.kepala, D(YEAR - 1, 12, 1), D(YEAR - 1, 12, 31), 1, "30", v)  # previous year
    _add(rows, org.kepala, D(YEAR, 12, 30), D(YEAR + 1, 1, 1), 1, "30", v)  # ends next year
    _add(rows, org.kepala, D(YEAR, 5, 4), D(YEAR, 5, 5), 9, "4.5", s)
    _add(rows, org.kepala, D(YEAR, 5, 11), D(YEAR, 5, 12), 9, "8", r)
    _add(rows, org.kepala, D(YEAR, 6, 30), D(YEAR, 7, 1), 4, "1.25", p)  # ends on 1 July (a "today" below)
    _add(rows, org.kepala, D(YEAR, 6, 1), D(YEAR, 6, 30), 4, "3", p)  # ends the day before
    _add(rows, org.kepala, D(YEAR, 11, 2), D(YEAR, 11, 6), 5, "6", p)
    _add(rows, org.kepala, D(YEAR, 12, 28), D(YEAR + 1, 1, 8), 5, "6", p)  # planned, ends next year
    # kabid (PNS): 19.99 -> kurang by 0.01; one record starts in the previous year and ends in this one
    _add(rows, org.kabid, D(YEAR - 1, 12, 20), D(YEAR, 1, 5), 22, "9.99", v)  # 70
    _add(rows, org.kabid, D(YEAR, 8, 3), D(YEAR, 8, 3), 16, "10", v)  # 10
    # staf2 (PPPK): 24.01 -> melebihi; pppk2: exactly 24 -> memenuhi, and lots more in the next year
    _add(rows, org.staf2, D(YEAR, 1, 12), D(YEAR, 1, 16), 2, "24.01", v)
    _add(rows, pppk2, D(YEAR, 9, 1), D(YEAR, 9, 4), 2, "20", v)
    _add(rows, pppk2, D(YEAR, 9, 8), D(YEAR, 9, 8), 15, "4", v)
    _add(rows, pppk2, D(YEAR + 1, 1, 5), D(YEAR + 1, 1, 9), 2, "40", v)
    # staf1 (PNS): nothing verified, only submitted and planned; kasubag: no record at all
    _add(rows, org.staf1, D(YEAR, 3, 3), D(YEAR, 3, 3), 23, "2", s)
    _add(rows, org.staf1, D(YEAR, 10, 1), D(YEAR, 10, 2), 20, "10", p)
    # cpns: many small decimals that are not exact in binary
    for k, jp in enumerate(TRICKY_JP):
        _add(rows, cpns, D(YEAR, 1 + k, 10), D(YEAR, 1 + k, 11), 1 + (k * 7) % 25, jp, v)
    # another instansi: never in A's ledger
    _add(rows, org.pegawai_b, D(YEAR, 5, 5), D(YEAR, 5, 6), 3, "50", v)
    _add(rows, org.pegawai_b, D(YEAR, 5, 7), D(YEAR, 5, 8), 3, "5", s)
    # and a random spread: every form, every status, end dates around the year's edges and "today"s
    rng = random.Random(20260)
    people = [org.kepala, org.kabid, org.staf1, org.staf2, cpns, pppk2, org.pegawai_b]
    statuses = [v, v, v, s, p, p, r]
    for _ in range(160):
        e = rng.choice(people)
        end = D(YEAR, 1, 1) + dt.timedelta(days=rng.randint(-40, 400))
        start = end - dt.timedelta(days=rng.choice([0, 0, 1, 4, 30, 60]))
        amount = Decimal(rng.randint(1, 1600)) / (100 if rng.random() < 0.5 else 4)
        _add(rows, e, start, end, rng.randint(1, 25), str(amount.quantize(Decimal("0.01"))), rng.choice(statuses))
    LearningRecord.objects.bulk_create(
        LearningRecord(
            employee_id=row.employee,
            title=row.title,
            start_date=row.start,
            end_date=row.end,
            form_id=row.form,
            provider="BPSDM",
            jp=row.jp,
            status=row.status,
        )
        for row in rows
    )
    return World(org, cpns, pppk2, empty, rows)


@pytest.fixture
def world(org: Org) -> World:
    return _build(org)


@dataclass
class Expected:
    ids: list[int]
    units: list[int]
    types: list[str]
    total: list[int]
    minimum: list[int]
    maximum: list[int]
    status: list[str]
    shortfall: list[int]
    mix: list[list[int]]
    pending: list[int]
    planned: list[int]
    projected: list[int]


def _hundredths(jp: Decimal) -> int:
    value = jp * 100
    assert value == int(value)
    return int(value)


def _reference(
    rows: list[Row], people: list[Employee], year: int, today: dt.date, minimum_pns: Decimal, maximum_pppk: Decimal
) -> Expected:
    category = dict(DevelopmentForm.objects.values_list("id", "mix_category"))
    assert set(category.values()) == {"70", "20", "10"}
    people = sorted(people, key=lambda e: e.pk)
    first, last = D(year, 1, 1), D(year, 12, 31)
    days = 366 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 365
    if today < first:
        elapsed = 0
    elif today > last:
        elapsed = days
    else:
        elapsed = today.timetuple().tm_yday
    exp = Expected(*([] for _ in range(12)))
    for e in people:
        mine = [r for r in rows if r.employee == e.pk and r.end.year == year]
        verified = [r for r in mine if r.status == "verified"]
        total = sum((r.jp for r in verified), Decimal(0))
        pending = sum((r.jp for r in mine if r.status == "submitted"), Decimal(0))
        planned = sum((r.jp for r in mine if r.status == "planned" and r.end >= today), Decimal(0))
        lo = Decimal(0) if e.employment_type == "pppk" else minimum_pns
        hi = maximum_pppk if e.employment_type == "pppk" else None
        status = "kurang" if total < lo else "melebihi" if hi is not None and total > hi else "memenuhi"
        # pace so far over the days still to come; none before the year begins (nothing has elapsed)
        pace = Fraction(total) / elapsed * (days - elapsed) if elapsed else Fraction(0)
        exp.ids.append(e.pk)
        exp.units.append(e.unit_id)
        exp.types.append(e.employment_type)
        exp.total.append(_hundredths(total))
        exp.minimum.append(_hundredths(lo))
        exp.maximum.append(_hundredths(hi) if hi is not None else -1)
        exp.status.append(status)
        exp.shortfall.append(_hundredths(max(Decimal(0), lo - total)))
        exp.mix.append(
            [
                _hundredths(sum((r.jp for r in verified if category[r.form] == c), Decimal(0)))
                for c in ("70", "20", "10")
            ]
        )
        exp.pending.append(_hundredths(pending))
        exp.planned.append(_hundredths(planned))
        exp.projected.append(_hundredths(total + pending + planned) + math.floor(pace * 100))
    return exp


def _actual(data: YearLedger) -> Expected:
    lg = data.ledger
    return Expected(
        ids=data.employee_ids.tolist(),
        units=data.unit_ids.tolist(),
        types=list(data.employment_type),
        total=lg.total.tolist(),
        minimum=lg.minimum.tolist(),
        maximum=lg.maximum.tolist(),
        status=[STATUS_NAMES[s] for s in lg.status.tolist()],
        shortfall=lg.shortfall.tolist(),
        mix=data.mix.tolist(),
        pending=data.pending.tolist(),
        planned=data.planned.tolist(),
        projected=data.forecast.projected.tolist(),
    )


def _check_shapes(data: YearLedger) -> None:
    n = len(data.employee_ids)
    assert data.mix.shape == (n, 3)
    for arr in (data.unit_ids, data.ledger.total, data.ledger.status, data.pending, data.planned):
        assert arr.shape == (n,)
    assert (np.diff(data.employee_ids) > 0).all()
    assert data.ledger.total.tolist() == data.mix.sum(axis=1).tolist()
    # forecast flags follow the projection
    assert data.forecast.below.tolist() == (data.forecast.projected < data.ledger.minimum).tolist()
    assert (
        data.forecast.expected_shortfall.tolist()
        == np.maximum(data.ledger.minimum - data.forecast.projected, 0).tolist()
    )


TODAYS = [
    D(YEAR, 7, 1),  # mid-year; a planned record ends on this very day
    D(YEAR, 1, 1),
    D(YEAR, 12, 31),
    D(YEAR + 1, 2, 1),  # the year is over: no planned activity still to come
    D(YEAR - 1, 11, 1),  # the year has not begun
]


@pytest.mark.django_db
@pytest.mark.parametrize("today", TODAYS, ids=str)
def test_ledger_equals_reference(world: World, today: dt.date) -> None:
    a = world.org.agency_a
    data = load_year_ledger(a, YEAR, today)
    _check_shapes(data)
    people = list(Employee.objects.filter(agency=a))
    assert len(people) == 7
    expected = _reference(world.rows, people, YEAR, today, Decimal(20), Decimal(24))
    assert _actual(data) == expected
    assert (data.year, data.today) == (YEAR, today)


@pytest.mark.django_db
def test_ledger_hand_checked_cases(world: World) -> None:
    """A few rows of the reference checked by hand, so that the reference itself is pinned down."""
    org = world.org
    data = load_year_ledger(org.agency_a, YEAR, D(YEAR, 7, 1))
    random_rows = {r.employee for r in world.rows[-160:]}

    def at(e: Employee) -> int:
        i = data.index_of(e.pk)
        assert i is not None
        return i

    assert org.kasubag.pk not in random_rows
    i = at(org.kasubag)
    assert (int(data.ledger.total[i]), STATUS_NAMES[data.ledger.status[i]], int(data.ledger.shortfall[i])) == (
        0,
        "kurang",
        2000,
    )
    assert (int(data.pending[i]), int(data.planned[i]), int(data.forecast.projected[i])) == (0, 0, 0)
    assert data.index_of(org.pegawai_b.pk) is None
    assert data.index_of(-1) is None
    assert data.index_of(10**9) is None
    # every status occurs, every category holds JP, some JP are pending and planned
    assert set(data.ledger.status.tolist()) == {0, 1, 2}
    assert (data.mix.sum(axis=0) > 0).all()
    assert data.pending.sum() > 0 and data.planned.sum() > 0


@pytest.mark.django_db
def test_ledger_exact_cases_without_the_random_spread(org: Org) -> None:
    world = _build(org)
    LearningRecord.objects.filter(title__in=[r.title for r in world.rows[-160:]]).delete()
    data = load_year_ledger(org.agency_a, YEAR, D(YEAR, 7, 1))

    def row(e: Employee) -> tuple[int, str, int, list[int], int, int]:
        i = data.index_of(e.pk)
        assert i is not None
        lg = data.ledger
        return (
            int(lg.total[i]),
            STATUS_NAMES[lg.status[i]],
            int(lg.shortfall[i]),
            data.mix[i].tolist(),
            int(data.pending[i]),
            int(data.planned[i]),
        )

    assert row(org.kepala) == (2000, "memenuhi", 0, [500, 275, 1225], 450, 125 + 600)
    assert row(org.kabid) == (1999, "kurang", 1, [999, 0, 1000], 0, 0)
    assert row(org.staf2) == (2401, "melebihi", 0, [0, 0, 2401], 0, 0)
    assert row(world.pppk2) == (2400, "memenuhi", 0, [0, 400, 2000], 0, 0)
    assert row(org.staf1) == (0, "kurang", 2000, [0, 0, 0], 200, 1000)
    assert row(world.cpns)[0] == sum(int(Decimal(j) * 100) for j in TRICKY_JP)
    # 1 July 2026 is day 182 of 365: kepala's 20 JP carried over 183 more days, plus pending and planned
    i = data.index_of(org.kepala.pk)
    assert i is not None
    assert int(data.forecast.projected[i]) == 2000 + 450 + 725 + 2000 * 183 // 182


@pytest.mark.django_db
def test_agency_settings_change_minimum_and_maximum(world: World) -> None:
    a = world.org.agency_a
    a.settings = {"jp_minimum_pns": 25, "jp_maximum_pppk": 30.5}
    a.save()
    today = D(YEAR, 9, 15)
    data = load_year_ledger(a, YEAR, today)
    expected = _reference(
        world.rows, list(Employee.objects.filter(agency=a)), YEAR, today, Decimal(25), Decimal("30.5")
    )
    assert _actual(data) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("year", [YEAR - 1, YEAR + 1])
def test_other_years(world: World, year: int) -> None:
    a = world.org.agency_a
    today = D(YEAR, 7, 1)
    data = load_year_ledger(a, year, today)
    assert _actual(data) == _reference(
        world.rows, list(Employee.objects.filter(agency=a)), year, today, Decimal(20), Decimal(24)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("user", ["kabid", "kasubag", "staf1", "admin_a", "nasional", "pegawai_b"])
def test_scoped_employees_restrict_the_result(world: World, user: str) -> None:
    org = world.org
    a = org.agency_a
    today = D(YEAR, 7, 1)
    scope = employees_visible_to(org.users[user])
    visible = [e for e in scope if e.agency_id == a.pk]
    data = load_year_ledger(a, YEAR, today, employees=scope)
    assert data.employee_ids.tolist() == sorted(e.pk for e in visible)
    assert _actual(data) == _reference(world.rows, visible, YEAR, today, Decimal(20), Decimal(24))
    # the same rows as the whole instansi's ledger, restricted to the scope
    whole = _actual(load_year_ledger(a, YEAR, today))
    keep = [whole.ids.index(e) for e in data.employee_ids.tolist()]
    for name in ("total", "status", "shortfall", "mix", "pending", "planned", "projected"):
        assert getattr(_actual(data), name) == [getattr(whole, name)[k] for k in keep], name


@pytest.mark.django_db
def test_scoped_queryset_with_ordering_and_joins(world: World) -> None:
    org = world.org
    today = D(YEAR, 7, 1)
    scope = employee_list(org.users["kabid"])  # ordered by name, with select_related
    expected_people = [org.kabid, org.staf1, org.staf2, world.cpns]
    data = load_year_ledger(org.agency_a, YEAR, today, employees=scope)
    assert _actual(data) == _reference(world.rows, expected_people, YEAR, today, Decimal(20), Decimal(24))


@pytest.mark.django_db
def test_scope_outside_the_agency_and_empty(world: World) -> None:
    org = world.org
    today = D(YEAR, 7, 1)
    only_b = Employee.objects.filter(pk=org.pegawai_b.pk)
    for data in (
        load_year_ledger(org.agency_a, YEAR, today, employees=only_b),
        load_year_ledger(org.agency_a, YEAR, today, employees=Employee.objects.none()),
        load_year_ledger(world.empty_agency, YEAR, today),
    ):
        assert data.employee_ids.tolist() == []
        assert data.mix.shape == (0, 3)
        assert data.ledger.total.tolist() == data.pending.tolist() == data.forecast.projected.tolist() == []
    b = load_year_ledger(org.agency_b, YEAR, today)
    assert _actual(b) == _reference(world.rows, [org.pegawai_b], YEAR, today, Decimal(20), Decimal(24))
