from typing import Any

from django.contrib import admin

from bangkom.audit.admin import AuditedModelAdmin
from bangkom.planning.models import Akpk, Need, Offering, OfferingCompetency, PriorityCompetency


@admin.register(Akpk)
class AkpkAdmin(AuditedModelAdmin):
    list_display = ("agency", "year", "status", "gathered_at", "approved_at")
    list_filter = ("status", "year")
    list_select_related = ("agency",)
    readonly_fields = ("created_by", "created_at", "gathered_at", "approved_by", "approved_at")


@admin.register(Need)
class NeedAdmin(AuditedModelAdmin):
    def _agency_id(self, obj: Any) -> int | None:
        return obj.employee.agency_id

    list_display = ("employee", "competency", "current_level", "target_level", "priority", "source", "status")
    list_filter = ("source", "status")
    search_fields = ("employee__nip", "competency__code")
    raw_id_fields = ("akpk", "employee", "proposed_by", "atasan_reviewed_by", "reviewed_by")
    list_select_related = ("employee", "competency")


@admin.register(PriorityCompetency)
class PriorityCompetencyAdmin(AuditedModelAdmin):
    list_display = ("agency", "year", "competency", "weight")
    list_filter = ("year", "agency")
    list_select_related = ("agency", "competency")


class OfferingCompetencyInline(admin.TabularInline):
    model = OfferingCompetency
    extra = 0


@admin.register(Offering)
class OfferingAdmin(AuditedModelAdmin):
    list_display = ("title", "agency", "form", "jp", "cost_per_participant", "seats", "modality", "start_date")
    list_filter = ("modality", "form", "active")
    search_fields = ("title", "provider")
    list_select_related = ("agency", "form")
    inlines = [OfferingCompetencyInline]
