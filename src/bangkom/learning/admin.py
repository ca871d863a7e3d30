from typing import Any

from django.contrib import admin

from bangkom.audit.admin import AuditedModelAdmin
from bangkom.learning.models import AgencyJpRule, DevelopmentForm, JpRecap, LearningRecord


@admin.register(DevelopmentForm)
class DevelopmentFormAdmin(AuditedModelAdmin):
    list_display = (
        "id",
        "name",
        "path",
        "mix_category",
        "jp_unit",
        "jp_per_unit",
        "max_units_per_month",
        "max_jp_per_day",
    )
    list_filter = ("path", "mix_category", "jp_unit")


@admin.register(AgencyJpRule)
class AgencyJpRuleAdmin(AuditedModelAdmin):
    list_display = ("agency", "form", "jp_unit", "jp_per_unit", "max_units_per_month", "max_jp_per_day")
    list_filter = ("agency",)
    list_select_related = ("agency", "form")


@admin.register(LearningRecord)
class LearningRecordAdmin(AuditedModelAdmin):
    def _agency_id(self, obj: Any) -> int | None:
        return obj.employee.agency_id

    list_display = ("employee", "title", "form", "start_date", "end_date", "jp", "status", "source")
    list_filter = ("status", "source", "form")
    search_fields = ("employee__nip", "title", "certificate_no")
    raw_id_fields = ("employee", "submitted_by", "verified_by")
    list_select_related = ("employee", "form")
    readonly_fields = ("evidence_type", "created_at", "updated_at", "verified_at", "verified_by", "submitted_by")


@admin.register(JpRecap)
class JpRecapAdmin(admin.ModelAdmin):
    list_display = ("code", "employee", "year", "total_hundredths", "record_count", "issued_at")
    search_fields = ("code", "employee__nip")
    raw_id_fields = ("employee", "issued_by")
    readonly_fields = ("code", "digest", "total_hundredths", "record_count", "issued_at", "issued_by")
