from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from bangkom.accounts.models import RoleAssignment, User
from bangkom.audit.admin import AuditedModelAdmin


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    raw_id_fields = ("agency",)

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        # Roles change only through the audited RoleAssignment admin below.
        return False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (*DjangoUserAdmin.fieldsets, ("bangkom", {"fields": ("employee",)}))  # type: ignore[misc]
    raw_id_fields = ("employee",)
    inlines = [RoleAssignmentInline]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AuditedModelAdmin):
    list_display = ("user", "role", "agency", "granted_at")
    list_filter = ("role", "agency")
    search_fields = ("user__username",)
    raw_id_fields = ("user",)
