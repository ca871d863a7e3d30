from django.contrib import admin

from bangkom.audit.admin import AuditedModelAdmin
from bangkom.mentoring.models import Programme


@admin.register(Programme)
class ProgrammeAdmin(AuditedModelAdmin):
    """Reference view for staff; programmes are run from the programme pages (services keep the rules)."""

    list_display = ("name", "agency", "kind", "start_date", "end_date", "status")
    list_filter = ("kind", "status")
    list_select_related = ("agency",)
    search_fields = ("name",)
    raw_id_fields = ("agency", "unit", "created_by")
    readonly_fields = ("status", "created_by", "created_at", "published_at")
