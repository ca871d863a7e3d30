from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from bangkom.audit.models import AuditEvent
from bangkom.audit.services import record, record_change, snapshot


class AuditedModelAdmin(admin.ModelAdmin):
    """Saves and deletes made in the Django admin are audited like those made through services."""

    def _agency_id(self, obj: models.Model) -> int | None:
        return getattr(obj, "agency_id", None)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = None
        if change and obj.pk is not None:
            old = type(obj).objects.filter(pk=obj.pk).first()
            before = snapshot(old) if old is not None else None
        super().save_model(request, obj, form, change)
        record_change(actor=request.user, instance=obj, before=before, agency_id=self._agency_id(obj))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        before, pk, agency_id = snapshot(obj), obj.pk, self._agency_id(obj)
        super().delete_model(request, obj)
        record(
            actor=request.user,
            action="delete",
            entity=obj._meta.label_lower,
            object_id=pk,
            agency_id=agency_id,
            before=before,
            after=None,
        )

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "agency", "action", "entity", "object_id", "summary")
    list_filter = ("action", "entity")
    search_fields = ("object_id", "summary")
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
