"""The yearly JP ledger of an instansi (or a scoped part of it), loaded in bulk and computed by engine/hours.

The database does the per-pegawai sums (one GROUP BY over the year's records, JP as integer hundredths, one
conditional sum per 70-20-10 category plus the records still awaiting verification and those planned) and
ships them packed (dbarrays); the engine does status, forecast and the per-unit counts. Nothing here decides
who may see what: callers pass an Employee queryset already scoped by org.selectors, or an instansi.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.db.models import BigIntegerField, Case, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast, Round

from bangkom.dbarrays import fetch_numeric
from bangkom.engine.hours import (
    MIX_CATEGORIES,
    STATUSES,
    Forecast,
    JpRules,
    Ledger,
    days_elapsed,
    forecast_year_end,
    progress_percent,
    year_bounds,
    yearly_ledger,
)
from bangkom.learning.models import DevelopmentForm, LearningRecord, RecordStatus
from bangkom.org.models import Agency, Employee, EmploymentType

EMPLOYMENT_TYPES: tuple[str, ...] = tuple(EmploymentType.values)


def jp_rules_for(agency: Agency) -> JpRules:
    """The instansi's JP minimum (PNS/CPNS) and maximum (PPPK), DOMAIN.md defaults unless overridden."""
    return JpRules.defaults(float(agency.setting("jp_minimum_pns")), float(agency.setting("jp_maximum_pppk")))


@dataclass
class YearLedger:
    year: int
    today: dt.date
    employee_ids: np.ndarray  # int64 [n], ascending
    unit_ids: np.ndarray  # int64 [n]
    employment_type: list[str]  # [n]
    ledger: Ledger
    mix: np.ndarray  # int64 hundredths [n, 3], MIX_CATEGORIES order
    pending: np.ndarray  # int64 hundredths [n], submitted and not yet verified
    planned: np.ndarray  # int64 hundredths [n], planned activities ending today or later in the year
    forecast: Forecast

    def index_of(self, employee_id: int) -> int | None:
        i = int(np.searchsorted(self.employee_ids, employee_id))
        return i if i < len(self.employee_ids) and self.employee_ids[i] == employee_id else None


def _hundredths() -> Cast:
    return Cast(Round(F("jp") * 100), BigIntegerField())


def _forms_by_category() -> list[list[int]]:
    rows = list(DevelopmentForm.objects.values_list("id", "mix_category"))
    return [[pk for pk, cat in rows if cat == c] for c in MIX_CATEGORIES]


def load_year_ledger(
    agency: Agency, year: int, today: dt.date, *, employees: QuerySet[Employee] | None = None
) -> YearLedger:
    """Ledger, mix and forecast for the pegawai of one instansi (all, or the scoped queryset given)."""
    staff = (employees if employees is not None else Employee.objects.all()).filter(agency=agency).order_by()
    etype = Case(
        *[When(employment_type=t, then=Value(i)) for i, t in enumerate(EMPLOYMENT_TYPES)],
        output_field=IntegerField(),
    )
    emp = fetch_numeric(
        staff.annotate(etype=etype), [("id", "int8"), ("unit_id", "int8"), ("etype", "int2")], order_by="id"
    )
    ids = emp["id"]
    n = len(ids)
    first, last = year_bounds(year)
    h = _hundredths()
    verified = Q(status=RecordStatus.VERIFIED)
    sums = {
        f"v{c}": Sum(h, filter=verified & Q(form_id__in=forms), default=0)
        for c, forms in zip(MIX_CATEGORIES, _forms_by_category(), strict=True)
    }
    grouped = (
        LearningRecord.objects.filter(employee__in=staff, end_date__gte=first, end_date__lte=last)
        .order_by()
        .values("employee_id")
        .annotate(
            **sums,
            pending=Sum(h, filter=Q(status=RecordStatus.SUBMITTED), default=0),
            planned=Sum(h, filter=Q(status=RecordStatus.PLANNED, end_date__gte=today), default=0),
        )
    )
    cols = [
        ("employee_id", "int8"),
        *[(f"v{c}", "int8") for c in MIX_CATEGORIES],
        ("pending", "int8"),
        ("planned", "int8"),
    ]
    rec = fetch_numeric(grouped, cols)
    at = np.searchsorted(ids, rec["employee_id"]) if n else np.zeros(0, dtype=np.int64)
    mix = np.zeros((n, 3), dtype=np.int64)
    pending = np.zeros(n, dtype=np.int64)
    planned = np.zeros(n, dtype=np.int64)
    for k, c in enumerate(MIX_CATEGORIES):
        mix[at, k] = rec[f"v{c}"]
    pending[at] = rec["pending"]
    planned[at] = rec["planned"]
    types = [EMPLOYMENT_TYPES[t] for t in emp["etype"].tolist()]
    total = mix.sum(axis=1)
    ledger = yearly_ledger(np.arange(n), total, types, jp_rules_for(agency))
    elapsed, days = days_elapsed(year, today)
    forecast = forecast_year_end(
        ledger.total, pending, planned, ledger.minimum, elapsed_days=elapsed, days_in_year=days
    )
    return YearLedger(year, today, ids, emp["unit_id"], types, ledger, mix, pending, planned, forecast)


@dataclass(frozen=True)
class JpSummary:
    """One pegawai's year, read from a YearLedger (all JP in hundredths)."""

    year: int
    total: int
    minimum: int
    maximum: int  # -1 = none
    status: str
    shortfall: int
    pending: int
    planned: int
    projected: int
    forecast_below: bool
    mix: tuple[int, int, int]  # MIX_CATEGORIES order

    @property
    def percent(self) -> int:
        return progress_percent(self.total, self.minimum, self.maximum)


def summary_at(data: YearLedger, i: int) -> JpSummary:
    led = data.ledger
    return JpSummary(
        year=data.year,
        total=int(led.total[i]),
        minimum=int(led.minimum[i]),
        maximum=int(led.maximum[i]),
        status=STATUSES[int(led.status[i])],
        shortfall=int(led.shortfall[i]),
        pending=int(data.pending[i]),
        planned=int(data.planned[i]),
        projected=int(data.forecast.projected[i]),
        forecast_below=bool(data.forecast.below[i]),
        mix=(int(data.mix[i][0]), int(data.mix[i][1]), int(data.mix[i][2])),
    )


def year_summary(employee: Employee, year: int, today: dt.date) -> JpSummary:
    """One pegawai's year (the caller has already checked that the user may see them)."""
    return summary_at(
        load_year_ledger(employee.agency, year, today, employees=Employee.objects.filter(pk=employee.pk)), 0
    )


def jp_summary(employee: Employee, today: dt.date) -> JpSummary:
    """This year's JP of one pegawai."""
    return year_summary(employee, today.year, today)
