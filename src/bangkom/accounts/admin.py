from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from bangkom.accounts.models import ApiToken, RoleAssignment, User
from bangkom.accounts.services import token_revoke
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


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedModelAdmin):
    """Tokens are created with `bangkom api-token create` (the only moment the secret exists in clear); here
    they can be looked at, renamed and revoked. Nothing that identifies the secret can be edited."""

    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("prefix", "name", "user__username")
    readonly_fields = ("user", "prefix", "key_hash", "created_at", "last_used_at", "revoked_at")
    fields = ("name", *readonly_fields)
    actions = ["revoke_tokens"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke instead: the row keeps the audit trail readable

    @admin.action(description=_("Cabut token terpilih"))
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            token_revoke(actor=request.user, token=token)
