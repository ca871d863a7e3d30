"""What a user may do, computed once per request from the linked pegawai and the explicit role grants."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bangkom.accounts.models import Role, RoleAssignment


@dataclass(frozen=True)
class Roles:
    user_id: int
    employee_id: int | None = None
    employee_agency_id: int | None = None
    is_atasan: bool = False
    admin_agency_ids: frozenset[int] = field(default_factory=frozenset)
    penyelenggara_agency_ids: frozenset[int] = field(default_factory=frozenset)
    is_admin_nasional: bool = False
    is_superuser: bool = False

    @property
    def is_pegawai(self) -> bool:
        return self.employee_id is not None

    @property
    def is_admin_instansi(self) -> bool:
        return bool(self.admin_agency_ids)

    @property
    def is_penyelenggara(self) -> bool:
        return bool(self.penyelenggara_agency_ids)

    def names(self) -> list[str]:
        out = []
        if self.is_pegawai:
            out.append("pegawai")
        if self.is_atasan:
            out.append("atasan")
        if self.is_admin_instansi:
            out.append(Role.ADMIN_INSTANSI.value)
        if self.is_penyelenggara:
            out.append(Role.PENYELENGGARA.value)
        if self.is_admin_nasional:
            out.append(Role.ADMIN_NASIONAL.value)
        return out


def roles_for(user: Any) -> Roles:
    """Roles of a user, cached on the user object for the rest of the request."""
    cached = getattr(user, "_bangkom_roles", None)
    if cached is not None:
        return cached
    if not getattr(user, "is_authenticated", False):
        return Roles(user_id=0)
    from bangkom.org.models import Employee

    admin: set[int] = set()
    provider: set[int] = set()
    national = False
    grants = RoleAssignment.objects.filter(user_id=user.pk).values_list("role", "agency_id")
    for role, granted_agency in grants:
        if role == Role.ADMIN_INSTANSI and granted_agency is not None:
            admin.add(granted_agency)
        elif role == Role.PENYELENGGARA and granted_agency is not None:
            provider.add(granted_agency)
        elif role == Role.ADMIN_NASIONAL:
            national = True
    employee_id: int | None = user.employee_id
    agency_id: int | None = None
    is_atasan = False
    if employee_id is not None:
        agency_id = Employee.objects.filter(pk=employee_id).values_list("agency_id", flat=True).first()
        is_atasan = Employee.objects.filter(supervisor_id=employee_id).exists()
    roles = Roles(
        user_id=user.pk,
        employee_id=employee_id,
        employee_agency_id=agency_id,
        is_atasan=is_atasan,
        admin_agency_ids=frozenset(admin),
        penyelenggara_agency_ids=frozenset(provider),
        is_admin_nasional=national,
        is_superuser=bool(user.is_superuser),
    )
    user._bangkom_roles = roles
    return roles
