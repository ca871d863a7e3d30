from typing import Any

from django.contrib import admin

from bangkom.audit.admin import AuditedModelAdmin
from bangkom.competency.models import Assessment, Competency, CompetencyLevel, Requirement


class CompetencyLevelInline(admin.TabularInline):
    model = CompetencyLevel
    extra = 0
    max_num = 5


@admin.register(Competency)
class CompetencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "type", "agency")
    list_filter = ("type", "agency")
    search_fields = ("code", "name")
    inlines = [CompetencyLevelInline]


@admin.register(Requirement)
class RequirementAdmin(AuditedModelAdmin):
    list_display = ("position", "competency", "required_level")
    list_filter = ("competency__type", "position__agency")
    search_fields = ("position__code", "position__name", "competency__code")
    raw_id_fields = ("position",)
    list_select_related = ("position", "competency")

    def _agency_id(self, obj: Any) -> int | None:
        return obj.position.agency_id


@admin.register(Assessment)
class AssessmentAdmin(AuditedModelAdmin):
    list_display = ("employee", "competency", "assessed_on", "level", "method")
    list_filter = ("method", "competency")
    search_fields = ("employee__nip", "employee__name")
    raw_id_fields = ("employee", "assessor")
    date_hierarchy = "assessed_on"
    list_select_related = ("employee", "competency")

    def _agency_id(self, obj: Any) -> int | None:
        return obj.employee.agency_id
