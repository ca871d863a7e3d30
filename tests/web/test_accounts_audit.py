"""Login (argon2, lock-out), language switch, audit of assessments/SKJ/roles, and query counts pinned."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.test import Client
from django.urls import reverse

from bangkom.accounts.models import Role, RoleAssignment
from bangkom.accounts.services import role_grant, role_revoke
from bangkom.audit.models import AuditEvent
from bangkom.competency.models import Assessment, Competency, Requirement
from bangkom.competency.services import assessment_record, requirement_delete, requirement_set

from ..conftest import PASSWORD, Org


def test_password_is_hashed_with_argon2_and_login_works(org: Org) -> None:
    user = org.users["staf1"]
    assert identify_hasher(user.password).algorithm == "argon2"
    client = Client()
    response = client.post(reverse("login"), {"username": "staf1", "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.get(reverse("profile")).status_code == 200


def test_lockout_after_repeated_failures(org: Org) -> None:
    client = Client()
    for _ in range(5):
        response = client.post(reverse("login"), {"username": "staf1", "password": "salah-sekali"})
    assert response.status_code == 429
    assert "Akun dikunci sementara" in response.content.decode()
    # Even the right password is refused while locked.
    response = client.post(reverse("login"), {"username": "staf1", "password": PASSWORD})
    assert response.status_code == 429


def test_wrong_password_message_in_indonesian(org: Org) -> None:
    response = Client().post(reverse("login"), {"username": "staf1", "password": "salah"})
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()


def test_language_switch_to_english(org: Org) -> None:
    client = org.client("staf1")
    assert "Profil saya" in client.get(reverse("profile")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/profil/"})
    html = client.get(reverse("profile")).content.decode()
    assert "My profile" in html and "Profil saya" not in html


def test_assessment_change_is_audited_with_before_and_after(org: Org) -> None:
    actor = org.users["admin_a"]
    m1 = Competency.objects.get(code="M.1")
    on = dt.date(2025, 5, 1)
    assessment_record(
        actor=actor, employee=org.staf1, competency=m1, assessed_on=on, level=2, method="atasan"
    )
    assessment_record(
        actor=actor, employee=org.staf1, competency=m1, assessed_on=on, level=3, method="atasan"
    )
    events = list(AuditEvent.objects.filter(entity="competency.assessment").order_by("id"))
    assert [e.action for e in events] == ["create", "update"]
    assert events[0].before is None and events[0].after["level"] == 2
    assert events[1].before["level"] == 2 and events[1].after["level"] == 3
    assert {e.actor_id for e in events} == {actor.pk} and {e.agency_id for e in events} == {org.agency_a.pk}
    # Recording the same values again changes nothing and writes no event.
    assessment_record(
        actor=actor, employee=org.staf1, competency=m1, assessed_on=on, level=3, method="atasan"
    )
    assert AuditEvent.objects.filter(entity="competency.assessment").count() == 2
    assert Assessment.objects.filter(employee=org.staf1).count() == 1


def test_skj_changes_are_audited(org: Org) -> None:
    actor = org.users["admin_a"]
    m2 = Competency.objects.get(code="M.2")
    req = requirement_set(actor=actor, position=org.pos_a, competency=m2, required_level=3)
    requirement_set(actor=actor, position=org.pos_a, competency=m2, required_level=4)
    requirement_delete(actor=actor, requirement=req)
    events = list(AuditEvent.objects.filter(entity="competency.requirement").order_by("id"))
    assert [
        (e.action, (e.before or {}).get("required_level"), (e.after or {}).get("required_level"))
        for e in events
    ] == [("create", None, 3), ("update", 3, 4), ("delete", 4, None)]
    assert not Requirement.objects.filter(position=org.pos_a, competency=m2).exists()


def test_role_changes_are_audited(org: Org) -> None:
    actor = org.users["admin_a"]
    grant = role_grant(actor=actor, user=org.users["kabid"], role=Role.PENYELENGGARA, agency=org.agency_a)
    role_revoke(actor=actor, assignment=grant)
    events = list(AuditEvent.objects.filter(entity="accounts.roleassignment").order_by("id"))
    assert [e.action for e in events] == ["create", "delete"]
    assert events[0].after["role"] == "penyelenggara" and events[1].before["user_id"] == org.users["kabid"].pk
    assert not RoleAssignment.objects.filter(user=org.users["kabid"]).exists()


def test_audit_page_shows_own_instansi_only(org: Org) -> None:
    m1 = Competency.objects.get(code="M.1")
    assessment_record(
        actor=org.users["admin_a"],
        employee=org.staf1,
        competency=m1,
        assessed_on=dt.date(2025, 1, 1),
        level=2,
        method="diri",
    )
    assessment_record(
        actor=org.users["admin_b"],
        employee=org.pegawai_b,
        competency=m1,
        assessed_on=dt.date(2025, 1, 1),
        level=4,
        method="diri",
    )
    html_a = org.client("admin_a").get(reverse("audit_list")).content.decode()
    html_b = org.client("admin_b").get(reverse("audit_list")).content.decode()
    assert "admin_a" in html_a and "admin_b" not in html_a
    assert "admin_b" in html_b and "admin_a" not in html_b


def _add_people(org: Org, n: int) -> None:
    from bangkom.org.models import Employee

    from ..conftest import next_nip

    for i in range(n):
        Employee.objects.create(
            nip=next_nip(),
            name=f"Tambahan {i}",
            agency=org.agency_a,
            unit=org.unit_a2,
            position=org.pos_a_staff,
            employment_type="pns",
            supervisor=org.kabid,
        )


@pytest.mark.parametrize("extra", [0, 30])
def test_query_counts_do_not_grow_with_rows(org: Org, django_assert_num_queries: Any, extra: int) -> None:
    _add_people(org, extra)
    for code in ("M.1", "M.2", "M.3"):
        comp = Competency.objects.get(code=code)
        Requirement.objects.create(position=org.pos_a_staff, competency=comp, required_level=2)
        Assessment.objects.create(
            employee=org.staf1, competency=comp, assessed_on=dt.date(2024, 1, 1), level=1, method="diri"
        )
    client = org.client("admin_a")
    # session + user + role grants + own pegawai lookups, then the page's own queries.
    with django_assert_num_queries(5):
        assert client.get(reverse("employee_list")).status_code == 200
    with django_assert_num_queries(6):
        assert client.get(reverse("employee_detail", args=[org.staf1.pk])).status_code == 200
    with django_assert_num_queries(5):
        assert client.get(reverse("position_list")).status_code == 200
    with django_assert_num_queries(5):
        assert client.get(reverse("position_detail", args=[org.pos_a_staff.pk])).status_code == 200
    with django_assert_num_queries(4):
        assert client.get("/api/v1/employees").status_code == 200


def test_indonesian_by_default_even_for_an_english_browser(org: Org) -> None:
    client = org.client("staf1")
    html = client.get(reverse("profile"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Profil saya" in html and 'lang="id"' in html
