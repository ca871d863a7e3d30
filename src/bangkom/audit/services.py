"""Writing the audit trail. Every service that changes assessments, SKJ, records or roles calls record()."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any, NotRequired, TypedDict, Unpack

from django.db import models
from django.db.models.fields.files import FieldFile

from bangkom.audit.models import AuditEvent


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of an instance (FKs as ids), ready to store as JSON."""
    out: dict[str, Any] = {}
    for f in instance._meta.concrete_fields:
        if fields is not None and f.name not in fields:
            continue
        out[f.attname] = _jsonable(getattr(instance, f.attname))
    return out


class EventFields(TypedDict):
    """What an audit event says: who (a user, or None for the system), what, on which object, where."""

    actor: Any
    action: str
    entity: str
    object_id: NotRequired[Any]
    agency_id: NotRequired[int | None]
    before: NotRequired[dict[str, Any] | None]
    after: NotRequired[dict[str, Any] | None]
    summary: NotRequired[str]


def event(**fields: Unpack[EventFields]) -> AuditEvent:
    """An audit event, not saved yet (record saves one, record_all several at once)."""
    actor = fields["actor"]
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEvent(
        actor_id=actor_id,
        action=fields["action"],
        entity=fields["entity"],
        object_id=str(fields.get("object_id") or ""),
        agency_id=fields.get("agency_id"),
        before=fields.get("before"),
        after=fields.get("after"),
        summary=fields.get("summary", "")[:500],
    )


def record(**fields: Unpack[EventFields]) -> AuditEvent:
    """Save one audit event (see event())."""
    audit_event = event(**fields)
    audit_event.save(force_insert=True)
    return audit_event


def record_all(events: list[AuditEvent]) -> None:
    """Save the events made with event() in one insert (a service that changes many rows at once)."""
    AuditEvent.objects.bulk_create(events)


def record_change(
    *,
    actor: Any,
    instance: models.Model,
    before: dict[str, Any] | None,
    agency_id: int | None,
    action: str = "",
) -> AuditEvent | None:
    """Audit a saved instance against its snapshot before the change; nothing when nothing changed."""
    after = snapshot(instance)
    if before == after:
        return None
    return record(
        actor=actor,
        action=action or ("create" if before is None else "update"),
        entity=instance._meta.label_lower,
        object_id=instance.pk,
        agency_id=agency_id,
        before=before,
        after=after,
    )
