from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from bangkom.accounts.roles import roles_for
from bangkom.audit.models import AuditEvent


def audit_events_visible_to(user: Any, *, entity: str = "") -> QuerySet[AuditEvent]:
    """Admin instansi see their instansi's events; superusers everything; nobody else anything."""
    roles = roles_for(user)
    if roles.is_superuser:
        qs = AuditEvent.objects.all()
    elif roles.admin_agency_ids:
        qs = AuditEvent.objects.filter(agency_id__in=roles.admin_agency_ids)
    else:
        return AuditEvent.objects.none()
    if entity:
        qs = qs.filter(entity=entity)
    return qs.select_related("actor", "agency").order_by("-at", "-id")


def audit_changes(event: AuditEvent, limit: int = 30) -> list[dict[str, Any]]:
    """The fields whose value differs between before and after (all of them for a create or a delete)."""
    before, after = event.before or {}, event.after or {}
    keys = [k for k in dict.fromkeys([*before, *after]) if k != "id" and before.get(k) != after.get(k)]
    return [{"field": k, "before": before.get(k), "after": after.get(k)} for k in keys[:limit]]
