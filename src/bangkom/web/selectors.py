"""Aggregates for the home page. Counts only: no personal rows leave these functions."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from bangkom.accounts.roles import roles_for
from bangkom.org.models import Agency, Employee, Position
from bangkom.org.selectors import agencies_visible_to


def _count_per_agency(model: type[Employee] | type[Position]) -> Coalesce:
    """A correlated COUNT per instansi (served by the agency_id index).

    Two Count() over joins would multiply employees by positions per instansi, which at national scale
    (hundreds of thousands of pegawai times thousands of jabatan) is far too many rows.
    """
    counted = (
        model.objects.filter(agency_id=OuterRef("pk"))
        .order_by()
        .values("agency_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def agency_statistics(user: Any) -> QuerySet[Agency]:
    """Every instansi the user may see with its number of pegawai and jabatan, in one query."""
    return (
        agencies_visible_to(user)
        .annotate(n_employees=_count_per_agency(Employee), n_positions=_count_per_agency(Position))
        .order_by("code")
    )


def admin_employee_count(user: Any) -> int:
    """Number of pegawai in the instansi the user administers (0 for anyone else)."""
    roles = roles_for(user)
    if not roles.admin_agency_ids:
        return 0
    return Employee.objects.filter(agency_id__in=roles.admin_agency_ids).count()
