"""Reads of the LRS settings pages, scoped to one instansi the caller has already been checked against."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from bangkom.lrs.models import Activity, ActivityCredit, Client, CreditedStatement, Statement


def clients_of(agency_id: int) -> QuerySet[Client]:
    return Client.objects.filter(agency_id=agency_id).order_by("-active", "name")


def credits_of(agency_id: int, q: str = "") -> QuerySet[ActivityCredit]:
    qs = ActivityCredit.objects.filter(agency_id=agency_id).select_related("form").order_by("title")
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(activity_id__icontains=q))
    return qs


def credit_counts(agency_id: int) -> dict[str, int]:
    """Learning records credited per mapped activity IRI."""
    rows = (
        CreditedStatement.objects.filter(statement__agency_id=agency_id, statement__activity_rows__direct=True)
        .values_list("statement__activity_rows__activity")
        .annotate(n=Count("record_id", distinct=True))
    )
    return {activity: n for activity, n in rows if activity}


def known_activities(agency_id: int, limit: int = 500) -> list[tuple[str, str]]:
    """Activities the store has seen (IRI, a display name), newest definitions first, for the mapping form."""
    out = []
    for activity_id, definition in Activity.objects.filter(agency_id=agency_id).values_list(
        "activity_id", "definition"
    )[:limit]:
        names: Any = (definition or {}).get("name") or {}
        name = names.get("id-ID") or names.get("id") or next(iter(names.values()), "") if names else ""
        out.append((activity_id, str(name)))
    return out


def statement_count(agency_id: int) -> int:
    return Statement.objects.filter(agency_id=agency_id).count()
