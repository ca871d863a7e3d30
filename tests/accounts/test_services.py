"""Role grants and revokes: audited with before/after, idempotent, validated, and seen at once by roles_for."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from bangkom.accounts.models import Role, RoleAssignment
from bangkom.accounts.roles import roles_for
from bangkom.accounts.services import role_grant, role_revoke
from bangkom.audit.models import AuditEvent

from ..conftest import Org


def _events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(entity="accounts.roleassignment").order_by("id"))


def test_grant_and_revoke_are_audited_with_before_and_after(org: Org) -> None:
    actor, kasubag = org.users["admin_a"], org.users["kasubag"]
    grant = role_grant(actor=actor, user=kasubag, role=Role.ADMIN_INSTANSI, agency=org.agency_a)
    grant_pk = grant.pk
    role_revoke(actor=actor, assignment=grant)
    created, deleted = _events()
    expected = {"user_id": kasubag.pk, "role": "admin_instansi", "agency_id": org.agency_a.pk}
    assert (created.action, created.before, created.after) == ("create", None, expected)
    assert (deleted.action, deleted.before, deleted.after) == ("delete", expected, None)
    assert created.object_id == deleted.object_id == str(grant_pk)
    assert {created.actor_id, deleted.actor_id} == {actor.pk}
    assert {created.agency_id, deleted.agency_id} == {org.agency_a.pk}


def test_granting_twice_changes_nothing(org: Org) -> None:
    actor, kabid = org.users["admin_a"], org.users["kabid"]
    first = role_grant(actor=actor, user=kabid, role=Role.PENYELENGGARA, agency=org.agency_a)
    second = role_grant(actor=actor, user=kabid, role=Role.PENYELENGGARA, agency=org.agency_a)
    assert first.pk == second.pk
    assert RoleAssignment.objects.filter(user=kabid).count() == 1 and len(_events()) == 1


def test_national_role_has_no_instansi(org: Org) -> None:
    actor, staf1 = org.users["nasional"], org.users["staf1"]
    role_grant(actor=actor, user=staf1, role=Role.ADMIN_NASIONAL, agency=None)
    assert _events()[0].agency_id is None and _events()[0].after["agency_id"] is None
    with pytest.raises(ValidationError):
        role_grant(actor=actor, user=org.users["staf2"], role=Role.ADMIN_NASIONAL, agency=org.agency_a)
    with pytest.raises(ValidationError):
        role_grant(actor=actor, user=org.users["staf2"], role=Role.ADMIN_INSTANSI, agency=None)
    with pytest.raises(ValidationError):
        role_grant(actor=actor, user=org.users["staf2"], role="raja", agency=org.agency_a)
    assert len(_events()) == 1 and not RoleAssignment.objects.filter(user=org.users["staf2"]).exists()


def test_roles_follow_a_grant_on_the_same_user_object(org: Org) -> None:
    kabid = org.users["kabid"]
    assert not roles_for(kabid).is_admin_instansi  # cached on the object from here on
    grant = role_grant(actor=org.users["admin_a"], user=kabid, role=Role.ADMIN_INSTANSI, agency=org.agency_a)
    assert roles_for(kabid).admin_agency_ids == frozenset({org.agency_a.pk})
    role_revoke(actor=org.users["admin_a"], assignment=grant)
    assert not roles_for(kabid).is_admin_instansi


def test_granted_admin_sees_the_instansi_pages(org: Org) -> None:
    from django.urls import reverse

    client = org.client("kasubag")
    assert client.get(reverse("audit_list")).status_code == 403
    role_grant(
        actor=org.users["admin_a"], user=org.users["kasubag"], role=Role.ADMIN_INSTANSI, agency=org.agency_a
    )
    assert client.get(reverse("audit_list")).status_code == 200
    assert org.pegawai_b.nip not in client.get(reverse("employee_list")).content.decode()
