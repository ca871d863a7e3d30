"""Reads of organisation data, always scoped to the requesting user.

Scope of personal data (pegawai rows and everything hanging from them):
- a pegawai sees themself;
- an atasan also sees every direct and indirect subordinate (the supervisor chain);
- an admin instansi sees every pegawai of their instansi;
- admin nasional and penyelenggara see no personal rows through this selector (aggregates only).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from bangkom.accounts.roles import roles_for
from bangkom.org.models import Agency, Employee, Position


def subordinate_ids_sql(employee_id: int) -> RawSQL:
    """Ids of all direct and indirect subordinates, as a subquery (recursive CTE, PostgreSQL and SQLite).

    UNION (not UNION ALL) makes the recursion stop even if bad data ever formed a cycle.
    """
    table = Employee._meta.db_table
    sql = (
        f"WITH RECURSIVE sub(id) AS ("  # noqa: S608 - table name from model meta, value bound
        f"SELECT id FROM {table} WHERE supervisor_id = %s "
        f"UNION SELECT e.id FROM {table} e JOIN sub ON e.supervisor_id = sub.id) SELECT id FROM sub"
    )
    return RawSQL(sql, (employee_id,))  # noqa: S611 - only the bound id varies


def employee_scope_q(user: Any) -> Q:
    roles = roles_for(user)
    q = Q(pk__in=[])
    if roles.admin_agency_ids:
        q |= Q(agency_id__in=roles.admin_agency_ids)
    if roles.employee_id is not None:
        q |= Q(pk=roles.employee_id)
        if roles.is_atasan:
            q |= Q(pk__in=subordinate_ids_sql(roles.employee_id))
    return q


def is_atasan_of(user: Any, employee: Employee) -> bool:
    """The user is an atasan anywhere up the pegawai's supervisor chain (never of themself)."""
    roles = roles_for(user)
    if roles.employee_id is None or not roles.is_atasan or roles.employee_id == employee.pk:
        return False
    return Employee.objects.filter(pk=employee.pk, pk__in=subordinate_ids_sql(roles.employee_id)).exists()


def employees_visible_to(user: Any) -> QuerySet[Employee]:
    return Employee.objects.filter(employee_scope_q(user))


def subordinates_of(user: Any) -> QuerySet[Employee]:
    """The user's own chain (direct and indirect), without the user."""
    roles = roles_for(user)
    if roles.employee_id is None:
        return Employee.objects.none()
    return Employee.objects.filter(pk__in=subordinate_ids_sql(roles.employee_id))


def employee_list(
    user: Any, *, search: str = "", agency_id: int | None = None, unit_id: int | None = None
) -> QuerySet[Employee]:
    qs = employees_visible_to(user).select_related("agency", "unit", "position", "supervisor")
    if agency_id:
        qs = qs.filter(agency_id=agency_id)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if search:
        term = search.strip()
        qs = qs.filter(Q(nip__startswith=term) | Q(name__icontains=term) | Q(position__name__icontains=term))
    return qs.order_by("name", "nip")


def employee_get(user: Any, pk: int) -> Employee | None:
    """One pegawai if the user may see them, else None (callers answer 404: no hint that the id exists)."""
    return (
        employees_visible_to(user)
        .select_related("agency", "unit", "position", "supervisor")
        .filter(pk=pk)
        .first()
    )


def agencies_visible_to(user: Any) -> QuerySet[Agency]:
    """Instansi whose reference data (units, jabatan, SKJ) the user may read; not personal data."""
    roles = roles_for(user)
    if roles.is_admin_nasional or roles.is_superuser:
        return Agency.objects.all()
    ids = set(roles.admin_agency_ids) | set(roles.penyelenggara_agency_ids)
    if roles.employee_agency_id is not None:
        ids.add(roles.employee_agency_id)
    return Agency.objects.filter(pk__in=ids)


def position_list(user: Any, *, search: str = "", agency_id: int | None = None) -> QuerySet[Position]:
    qs = Position.objects.filter(agency__in=agencies_visible_to(user)).select_related("agency", "unit")
    if agency_id:
        qs = qs.filter(agency_id=agency_id)
    if search:
        term = search.strip()
        qs = qs.filter(Q(code__icontains=term) | Q(name__icontains=term))
    return qs.order_by("agency__code", "code")


def position_get(user: Any, pk: int) -> Position | None:
    return position_list(user).filter(pk=pk).first()
