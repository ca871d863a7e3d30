from django.contrib import admin

from bangkom.org.models import Agency, Employee, Position, Unit


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "region_code", "underdeveloped")
    list_filter = ("kind", "underdeveloped")
    search_fields = ("code", "name")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "agency", "parent")
    list_filter = ("agency",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
    list_select_related = ("agency", "parent")


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "functional_level", "agency", "unit")
    list_filter = ("kind", "agency")
    search_fields = ("code", "name")
    raw_id_fields = ("unit",)
    list_select_related = ("agency", "unit")


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ("nip", "name", "employment_type", "agency", "position")
    list_filter = ("employment_type", "agency")
    search_fields = ("nip", "name")
    raw_id_fields = ("unit", "position", "supervisor")
    list_select_related = ("agency", "position")
