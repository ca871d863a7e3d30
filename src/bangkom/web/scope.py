"""Which instansi an admin-instansi page shows: one the user administers, chosen with ?instansi=."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from bangkom.accounts.roles import roles_for
from bangkom.org.models import Agency


@dataclass
class AgencyScope:
    agency: Agency
    agencies: list[Agency]


def administered_agency(request: HttpRequest, *, foreign: type[Exception] = Http404) -> AgencyScope:
    """The instansi of ?instansi= (default the first the user administers). A user who administers no
    instansi gets 403; an instansi they do not administer raises `foreign`."""
    roles = roles_for(request.user)
    if not roles.is_admin_instansi:
        raise PermissionDenied
    agencies = list(Agency.objects.filter(pk__in=roles.admin_agency_ids).order_by("code"))
    chosen = request.GET.get("instansi", "")
    agency = next((a for a in agencies if str(a.pk) == chosen), None) if chosen else agencies[0]
    if agency is None:
        raise foreign
    return AgencyScope(agency=agency, agencies=agencies)
