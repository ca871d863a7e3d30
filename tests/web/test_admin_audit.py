"""Changes made in the Django admin (reference data) are audited like those made through services."""

from __future__ import annotations

from django.test import Client

from bangkom.accounts.models import RoleAssignment
from bangkom.audit.models import AuditEvent
from bangkom.competency.models import Competency, Requirement

from ..conftest import Org, make_user


def _superuser_client(org: Org) -> Client:
    root = make_user("root", org.users["staf1"].password, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(root)
    return client


def test_requirement_edit_in_admin_is_audited(org: Org) -> None:
    req = Requirement.objects.create(
        position=org.pos_a, competency=Competency.objects.get(code="M.4"), required_level=2
    )
    client = _superuser_client(org)
    response = client.post(
        f"/admin/competency/requirement/{req.pk}/change/",
        {"position": org.pos_a.pk, "competency": req.competency_id, "required_level": 3},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(entity="competency.requirement")
    assert (event.action, event.before["required_level"], event.after["required_level"]) == ("update", 2, 3)
    assert event.agency_id == org.agency_a.pk and event.actor.username == "root"


def test_role_grant_in_admin_is_audited(org: Org) -> None:
    client = _superuser_client(org)
    response = client.post(
        "/admin/accounts/roleassignment/add/",
        {"user": org.users["kasubag"].pk, "role": "admin_instansi", "agency": org.agency_a.pk},
    )
    assert response.status_code == 302
    grant = RoleAssignment.objects.get(user=org.users["kasubag"])
    event = AuditEvent.objects.get(entity="accounts.roleassignment")
    assert (event.action, event.object_id, event.after["role"]) == ("create", str(grant.pk), "admin_instansi")
