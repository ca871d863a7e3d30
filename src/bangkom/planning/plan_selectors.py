"""Reads of plan runs and IDP items, every one scoped to the requesting user.

Admin instansi: the runs of their instansi's AKPK. Pegawai: their own IDP items (adopted runs only). Atasan:
the IDP items of their chain (direct and indirect subordinates).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, DecimalField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce

from bangkom.accounts.roles import roles_for
from bangkom.learning.ledger import load_year_ledger
from bangkom.learning.models import LearningRecord, RecordStatus
from bangkom.org.models import Employee
from bangkom.org.selectors import subordinates_of
from bangkom.planning.models import Akpk, PlanGap, PlanItem, PlanItemStatus, PlanRun


def akpk_for_admin(user: Any, pk: int) -> Akpk | None:
    return Akpk.objects.select_related("agency").filter(pk=pk, agency_id__in=roles_for(user).admin_agency_ids).first()


def run_for_admin(user: Any, pk: int) -> PlanRun | None:
    return (
        PlanRun.objects.select_related("akpk__agency", "job", "created_by", "adopted_by")
        .filter(pk=pk, akpk__agency_id__in=roles_for(user).admin_agency_ids)
        .first()
    )


def runs_of(akpk: Akpk) -> QuerySet[PlanRun]:
    return PlanRun.objects.filter(akpk=akpk).select_related("job", "created_by").order_by("-created_at", "-pk")


def _search(qs: QuerySet[Any], q: str, prefix: str = "employee__") -> QuerySet[Any]:
    q = (q or "").strip()
    if not q:
        return qs
    return qs.filter(Q(**{f"{prefix}name__icontains": q}) | Q(**{f"{prefix}nip__startswith": q}))


def run_items(run: PlanRun, q: str = "") -> QuerySet[PlanItem]:
    qs = PlanItem.objects.filter(run=run).select_related("employee__unit", "offering__form", "record")
    return _search(qs, q).order_by("employee__name", "employee_id", "offering__title")


def run_gaps(run: PlanRun, kind: str, q: str = "", reason: str = "") -> QuerySet[PlanGap]:
    qs = PlanGap.objects.filter(run=run, kind=kind).select_related("employee__unit", "competency")
    if reason:
        qs = qs.filter(reason=reason)
    return _search(qs, q).order_by("employee__name", "employee_id", "competency__code")


def run_employees(run: PlanRun, q: str = "") -> QuerySet[Employee]:
    """The instansi's pegawai with the JP and the number of items the plan gives each (the forecast table)."""
    jp = Coalesce(
        Sum("plan_items__offering__jp", filter=Q(plan_items__run=run)),
        Value(Decimal(0)),
        output_field=DecimalField(max_digits=9, decimal_places=2),
    )
    qs = (
        Employee.objects.filter(agency_id=run.akpk.agency_id)
        .select_related("unit")
        .annotate(plan_jp=jp, plan_items_count=Count("plan_items", filter=Q(plan_items__run=run)))
    )
    return _search(qs, q, prefix="").order_by("name", "pk")


@dataclass(frozen=True)
class ForecastRow:
    employee: Employee
    jp_now: Decimal
    jp_plan: Decimal
    jp_minimum: Decimal
    items: int

    @property
    def jp_after(self) -> Decimal:
        return self.jp_now + self.jp_plan

    @property
    def below(self) -> bool:
        return self.jp_after < self.jp_minimum


def forecast_rows(run: PlanRun, employees: list[Employee], today: dt.date) -> list[ForecastRow]:
    """JP verified this year plus JP of the plan, against the minimum, for one page of pegawai."""
    ids = [e.pk for e in employees]
    year = load_year_ledger(run.akpk.agency, run.akpk.year, today, employees=Employee.objects.filter(pk__in=ids))
    out = []
    for e in employees:
        i = year.index_of(e.pk)
        now = Decimal(int(year.ledger.total[i])) / 100 if i is not None else Decimal(0)
        minimum = Decimal(int(year.ledger.minimum[i])) / 100 if i is not None else Decimal(0)
        out.append(
            ForecastRow(e, now, Decimal(getattr(e, "plan_jp", 0)), minimum, int(getattr(e, "plan_items_count", 0)))
        )
    return out


def idp_items_of(employee: Employee) -> QuerySet[PlanItem]:
    """A pegawai's IDP: the items of adopted runs (newest year first)."""
    return (
        PlanItem.objects.filter(employee=employee, run__adopted_at__isnull=False)
        .select_related("run__akpk", "offering__form", "record", "decided_by")
        .order_by("-run__akpk__year", "offering__start_date", "offering__title")
    )


def my_idp_items(user: Any) -> QuerySet[PlanItem]:
    roles = roles_for(user)
    if roles.employee_id is None:
        return PlanItem.objects.none()
    return idp_items_of(Employee(pk=roles.employee_id))


def idp_items_to_decide(user: Any, q: str = "", status: str = PlanItemStatus.PROPOSED) -> QuerySet[PlanItem]:
    """IDP items of the user's chain (adopted runs), by default those waiting for a decision."""
    qs = PlanItem.objects.filter(employee__in=subordinates_of(user), run__adopted_at__isnull=False).select_related(
        "employee__unit", "offering__form", "run__akpk", "record"
    )
    if status:
        qs = qs.filter(status=status)
    return _search(qs, q).order_by("employee__name", "employee_id", "offering__title")


def records_to_link(item: PlanItem) -> QuerySet[LearningRecord]:
    """The pegawai's records of the plan's year that may report this item (not rejected, not linked elsewhere);
    those of the offering's form first."""
    taken = PlanItem.objects.filter(run=item.run, record__isnull=False).exclude(pk=item.pk).values("record_id")
    return (
        LearningRecord.objects.filter(employee_id=item.employee_id, end_date__year=item.run.akpk.year)
        .exclude(status=RecordStatus.REJECTED)
        .exclude(pk__in=taken)
        .order_by(Case(When(form_id=item.offering.form_id, then=0), default=1), "-end_date")
    )
