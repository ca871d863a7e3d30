"""JP compliance of an instansi per unit kerja (admin instansi dashboard): counts from the year ledger, names
only for the rows a page or a download shows. Callers check that the user administers the instansi."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, overload

import numpy as np

from bangkom.engine.hours import KURANG, MIX_CATEGORIES, STATUSES, mix_shares, unit_compliance
from bangkom.learning.ledger import YearLedger, load_year_ledger
from bangkom.org.models import Agency, Employee, Unit


@dataclass(frozen=True)
class UnitRow:
    unit: Unit
    obliged: int
    meeting: int
    short: int
    forecast_short: int
    over_maximum: int
    total: int  # hundredths
    mix: tuple[float, float, float]  # shares of 70, 20, 10

    @property
    def share_meeting(self) -> float | None:
        return self.meeting / self.obliged if self.obliged else None


@dataclass(frozen=True)
class PersonRow:
    employee_id: int
    nip: str
    name: str
    unit_name: str
    employment_type: str
    total: int
    minimum: int
    shortfall: int
    projected: int
    status: str
    forecast_below: bool


class PeopleRows(Sequence[PersonRow]):
    """Pegawai rows by index into the ledger, names fetched only for the slice asked (Paginator-friendly)."""

    def __init__(self, data: YearLedger, index: np.ndarray, units: dict[int, Unit]) -> None:
        self.data, self.positions, self.units = data, index, units

    def __len__(self) -> int:
        return len(self.positions)

    @overload
    def __getitem__(self, i: int) -> PersonRow: ...
    @overload
    def __getitem__(self, i: slice) -> list[PersonRow]: ...
    def __getitem__(self, i: int | slice) -> PersonRow | list[PersonRow]:
        if isinstance(i, int):
            return self._rows(self.positions[i : i + 1])[0]
        return self._rows(self.positions[i])

    def _rows(self, idx: np.ndarray) -> list[PersonRow]:
        d, led = self.data, self.data.ledger
        ids = [int(d.employee_ids[k]) for k in idx]
        people = {
            pk: (nip, name) for pk, nip, name in Employee.objects.filter(pk__in=ids).values_list("id", "nip", "name")
        }
        out = []
        for k in idx.tolist():
            pk = int(d.employee_ids[k])
            nip, name = people[pk]
            unit = self.units.get(int(d.unit_ids[k]))
            out.append(
                PersonRow(
                    employee_id=pk,
                    nip=nip,
                    name=name,
                    unit_name=unit.name if unit else "",
                    employment_type=d.employment_type[k],
                    total=int(led.total[k]),
                    minimum=int(led.minimum[k]),
                    shortfall=int(led.shortfall[k]),
                    projected=int(d.forecast.projected[k]),
                    status=STATUSES[int(led.status[k])],
                    forecast_below=bool(d.forecast.below[k]),
                )
            )
        return out


@dataclass
class Compliance:
    agency: Agency
    year: int
    data: YearLedger
    units: list[UnitRow]
    overall: UnitRow | None
    people_at_risk: PeopleRows  # below the minimum now or projected below at year end, largest shortfall first

    @property
    def mix_labels(self) -> tuple[str, ...]:
        return MIX_CATEGORIES


def agency_compliance(
    agency: Agency, year: int, today: dt.date, *, search: str = "", unit_id: int | None = None
) -> Compliance:
    data = load_year_ledger(agency, year, today)
    units = {u.pk: u for u in Unit.objects.filter(agency=agency)}
    unit_ids, inverse = np.unique(data.unit_ids, return_inverse=True)
    comp = unit_compliance(inverse, len(unit_ids), data.ledger, data.forecast, data.mix)
    rows = []
    for j, uid in enumerate(unit_ids.tolist()):
        shares = mix_shares(comp.mix[j])
        rows.append(
            UnitRow(
                unit=units[uid],
                obliged=int(comp.obliged[j]),
                meeting=int(comp.meeting[j]),
                short=int(comp.short[j]),
                forecast_short=int(comp.forecast_short[j]),
                over_maximum=int(comp.over_maximum[j]),
                total=int(comp.total[j]),
                mix=(float(shares[0]), float(shares[1]), float(shares[2])),
            )
        )
    rows.sort(key=lambda r: (-(r.short + r.forecast_short), r.unit.name))
    overall = None
    if len(unit_ids):
        shares = mix_shares(comp.mix)
        overall = UnitRow(
            unit=Unit(name=agency.name, code=agency.code),
            obliged=int(comp.obliged.sum()),
            meeting=int(comp.meeting.sum()),
            short=int(comp.short.sum()),
            forecast_short=int(comp.forecast_short.sum()),
            over_maximum=int(comp.over_maximum.sum()),
            total=int(comp.total.sum()),
            mix=(float(shares[0]), float(shares[1]), float(shares[2])),
        )
    led = data.ledger
    risk = (led.minimum > 0) & ((led.status == KURANG) | data.forecast.below)
    if unit_id is not None:
        risk &= data.unit_ids == unit_id
    if search.strip():
        term = search.strip()
        matching = Employee.objects.filter(agency=agency)
        matching = matching.filter(nip__startswith=term) if term.isdigit() else matching.filter(name__icontains=term)
        wanted = np.array(sorted(matching.values_list("id", flat=True)), dtype=np.int64)
        risk &= np.isin(data.employee_ids, wanted)
    idx = np.flatnonzero(risk)
    expected = np.maximum(led.shortfall[idx], data.forecast.expected_shortfall[idx])
    idx = idx[np.lexsort((data.employee_ids[idx], -expected))]
    return Compliance(agency, year, data, rows, overall, PeopleRows(data, idx, units))


def mix_percent(shares: Sequence[float]) -> list[Any]:
    return [round(100 * s) for s in shares]
