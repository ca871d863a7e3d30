"""Reads of AKPK needs and the catalogue, scoped to the requesting user through org.selectors.

Needs are personal data: a pegawai sees their own, an atasan those of their whole chain, an admin instansi
those of their instansi (employee_scope_q). The catalogue is not personal: national offerings and those of the
instansi the user belongs to or administers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, F, Q, QuerySet

from bangkom.engine.textnum import plain_int
from bangkom.org.selectors import agencies_visible_to, employee_scope_q
from bangkom.planning.models import Akpk, Need, NeedStatus, Offering


def needs_visible_to(user: Any, *, akpk: Akpk | None = None) -> QuerySet[Need]:
    qs = Need.objects.filter(employee__in=_scoped_employee_ids(user))
    if akpk is not None:
        qs = qs.filter(akpk=akpk)
    return qs


def _scoped_employee_ids(user: Any) -> Any:
    from bangkom.org.models import Employee

    return Employee.objects.filter(employee_scope_q(user)).values("pk")


def need_list(user: Any, *, akpk: Akpk | None = None, status: str = "", source: str = "") -> QuerySet[Need]:
    qs = needs_visible_to(user, akpk=akpk).select_related("employee", "competency", "akpk")
    if status:
        qs = qs.filter(status=status)
    if source:
        qs = qs.filter(source=source)
    return qs.order_by("employee__name", "employee__nip", "competency__code", "source")


def need_get(user: Any, pk: int) -> Need | None:
    return needs_visible_to(user).select_related("employee", "competency", "akpk").filter(pk=pk).first()


def akpk_list(user: Any) -> QuerySet[Akpk]:
    """AKPK of the instansi whose reference data the user may read (the rows hold no personal data)."""
    return (
        Akpk.objects.filter(agency__in=agencies_visible_to(user))
        .select_related("agency")
        .order_by("agency__code", "-year")
    )


def akpk_get(user: Any, pk: int) -> Akpk | None:
    return akpk_list(user).filter(pk=pk).first()


@dataclass(frozen=True)
class NeedAggregate:
    unit_id: int
    unit_code: str
    unit_name: str
    competency_id: int
    competency_code: str
    competency_name: str
    employees: int  # distinct pegawai with at least one need on this competency
    needs: int  # need rows (one pegawai may have several sources)
    mean_gap: float | None  # mean of target - current over rows with a known current level


def need_aggregates(
    user: Any, akpk: Akpk, *, include_rejected: bool = False, by_unit: bool = True
) -> list[NeedAggregate]:
    """Needs of the AKPK per unit kerja and competency (or per competency only), within the user's scope.

    Rejected needs are left out unless asked for. One grouped query.
    """
    qs = needs_visible_to(user, akpk=akpk)
    if not include_rejected:
        qs = qs.exclude(status=NeedStatus.REJECTED)
    keys = ["competency_id", "competency__code", "competency__name"]
    if by_unit:
        keys = ["employee__unit_id", "employee__unit__code", "employee__unit__name", *keys]
    rows = (
        qs.values(*keys)
        .annotate(
            n_employees=Count("employee_id", distinct=True),
            n_needs=Count("id"),
            mean_gap=Avg(F("target_level") - F("current_level"), filter=Q(current_level__isnull=False)),
        )
        .order_by(*(["employee__unit__code"] if by_unit else []), "competency__code")
    )
    return [
        NeedAggregate(
            unit_id=r.get("employee__unit_id") or 0,
            unit_code=r.get("employee__unit__code") or "",
            unit_name=r.get("employee__unit__name") or "",
            competency_id=r["competency_id"],
            competency_code=r["competency__code"],
            competency_name=r["competency__name"],
            employees=r["n_employees"],
            needs=r["n_needs"],
            mean_gap=None if r["mean_gap"] is None else round(float(r["mean_gap"]), 2),
        )
        for r in rows
    ]


def offerings_visible_to(user: Any, *, active_only: bool = True) -> QuerySet[Offering]:
    """National offerings and those of the instansi the user may read."""
    qs = Offering.objects.filter(Q(agency__isnull=True) | Q(agency__in=agencies_visible_to(user)))
    if active_only:
        qs = qs.filter(active=True)
    return qs.select_related("agency", "form").prefetch_related("competencies__competency")


def offering_get(user: Any, pk: int) -> Offering | None:
    return offerings_visible_to(user, active_only=False).filter(pk=pk).first()


def need_counts(user: Any, akpk: Akpk) -> dict[str, dict[str, int]]:
    """Need rows of the AKPK within the user's scope, by status and by source (one grouped query)."""
    out: dict[str, dict[str, int]] = {"status": {}, "source": {}}
    rows = needs_visible_to(user, akpk=akpk).values("status", "source").annotate(n=Count("id")).order_by()
    for r in rows:
        out["status"][r["status"]] = out["status"].get(r["status"], 0) + r["n"]
        out["source"][r["source"]] = out["source"].get(r["source"], 0) + r["n"]
    return out


# --- Reads for the needs and catalogue pages ------------------------------------------------------------------


def need_search(
    user: Any,
    akpk: Akpk,
    *,
    search: str = "",
    source: str = "",
    status: str = "",
    unit_id: int | None = None,
) -> QuerySet[Need]:
    """Needs of the AKPK within the user's scope, searched by pegawai name, NIP or competency code/name."""
    qs = need_list(user, akpk=akpk, status=status, source=source).select_related("employee__unit")
    if unit_id:
        qs = qs.filter(employee__unit_id=unit_id)
    term = search.strip()
    if term:
        qs = qs.filter(
            Q(employee__name__icontains=term)
            | Q(employee__nip__icontains=term)
            | Q(competency__code__icontains=term)
            | Q(competency__name__icontains=term)
        )
    return qs


def need_units(akpk: Akpk) -> QuerySet[Any]:
    """Unit kerja of the AKPK's instansi, for the filter (reference data, not personal)."""
    from bangkom.org.models import Unit

    return Unit.objects.filter(agency_id=akpk.agency_id).order_by("code")


def proposable_employees(user: Any, akpk: Akpk) -> QuerySet[Any]:
    """Whom the user may propose a need for in this AKPK: themself and their chain, inside the instansi."""
    from bangkom.accounts.roles import roles_for
    from bangkom.org.models import Employee
    from bangkom.org.selectors import subordinate_ids_sql

    roles = roles_for(user)
    if roles.employee_id is None:
        return Employee.objects.none()
    q = Q(pk=roles.employee_id)
    if roles.is_atasan:
        q |= Q(pk__in=subordinate_ids_sql(roles.employee_id))
    return Employee.objects.filter(q, agency_id=akpk.agency_id).order_by("name", "nip")


def competencies_for(agency_ids: Any) -> QuerySet[Any]:
    """National competencies and the teknis competencies of the given instansi."""
    from bangkom.competency.models import Competency

    return Competency.objects.filter(Q(agency__isnull=True) | Q(agency_id__in=list(agency_ids))).order_by("code")


def offering_search(
    user: Any,
    *,
    search: str = "",
    form_id: int | None = None,
    modality: str = "",
    provider: str = "",
    active: bool | None = True,
    owner: str = "",
) -> QuerySet[Offering]:
    """The catalogue the user may read, filtered; owner is "nasional", an instansi id, or empty for all."""
    qs = offerings_visible_to(user, active_only=False)
    if active is not None:
        qs = qs.filter(active=active)
    if form_id:
        qs = qs.filter(form_id=form_id)
    if modality:
        qs = qs.filter(modality=modality)
    if provider.strip():
        qs = qs.filter(provider__icontains=provider.strip())
    if owner == "nasional":
        qs = qs.filter(agency__isnull=True)
    elif (owner_id := plain_int(owner)) is not None:
        qs = qs.filter(agency_id=owner_id)
    term = search.strip()
    if term:
        qs = qs.filter(
            Q(title__icontains=term)
            | Q(provider__icontains=term)
            | Q(location__icontains=term)
            | Q(competencies__competency__code__icontains=term)
            | Q(competencies__competency__name__icontains=term)
        ).distinct()
    return qs.order_by("title", "pk")
