"""The JSON API under /api/v1: schema, authentication, scope, payloads, pagination and query counts."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest
from django.test import Client

from bangkom.competency.models import Assessment, Competency, Requirement
from bangkom.jobs.models import Job, JobStatus
from bangkom.org.models import Employee, Position

from ..conftest import Org, next_nip

REQUIRED_ROUTES = {
    "/api/v1/me",
    "/api/v1/employees",
    "/api/v1/employees/{employee_id}",
    "/api/v1/employees/{employee_id}/competencies",
    "/api/v1/positions",
    "/api/v1/positions/{position_id}",
    "/api/v1/jobs/{job_id}",
}


def _schema() -> dict[str, Any]:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_openapi_schema_is_served_with_every_route(db: Any) -> None:
    schema = _schema()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) >= REQUIRED_ROUTES
    for path in REQUIRED_ROUTES:
        assert "get" in schema["paths"][path], path


def _concrete(path: str) -> str:
    return re.sub(r"\{job_id\}", str(uuid.uuid4()), re.sub(r"\{\w+_id\}", "1", path))


def test_every_route_in_the_schema_refuses_anonymous(db: Any) -> None:
    """Table-driven from the schema itself, so a route added later is covered without editing this test."""
    paths = _schema()["paths"]
    assert len(paths) >= len(REQUIRED_ROUTES)
    for path, operations in paths.items():
        for method in operations:
            response = getattr(Client(), method)(_concrete(path))
            assert response.status_code == 401, (method, path, response.status_code)


def test_me_for_each_kind_of_user(org: Org) -> None:
    kabid = org.client("kabid").get("/api/v1/me").json()
    assert kabid["username"] == "kabid" and set(kabid["roles"]) == {"pegawai", "atasan"}
    assert kabid["employee"]["nip"] == org.kabid.nip and kabid["employee"]["supervisor_nip"] == org.kepala.nip
    national = org.client("nasional").get("/api/v1/me").json()
    assert national == {"username": "nasional", "roles": ["admin_nasional"], "employee": None}
    admin = org.client("admin_a").get("/api/v1/me").json()
    assert admin["roles"] == ["admin_instansi"] and admin["employee"] is None


def _add_staff(org: Org, n: int) -> None:
    Employee.objects.bulk_create(
        Employee(
            nip=next_nip(),
            name=f"Tambahan {i:03d}",
            agency=org.agency_a,
            unit=org.unit_a2,
            position=org.pos_a_staff,
            employment_type="pns",
            supervisor=org.kabid,
        )
        for i in range(n)
    )


def test_employees_are_paginated_by_fifty_and_searchable(org: Org) -> None:
    _add_staff(org, 60)
    client = org.client("admin_a")
    first = client.get("/api/v1/employees").json()
    assert first["count"] == 65 and len(first["items"]) == 50
    second = client.get("/api/v1/employees", {"page": 2}).json()
    assert len(second["items"]) == 15
    assert not {e["id"] for e in first["items"]} & {e["id"] for e in second["items"]}
    found = client.get("/api/v1/employees", {"q": "Staf"}).json()
    assert {e["nip"] for e in found["items"]} == {org.staf1.nip, org.staf2.nip}
    by_nip = client.get("/api/v1/employees", {"q": org.staf2.nip}).json()
    assert [e["name"] for e in by_nip["items"]] == ["Staf Dua"]
    # Search never widens the scope: admin B finds nobody of instansi A.
    assert org.client("admin_b").get("/api/v1/employees", {"q": "Staf"}).json()["count"] == 0


def test_employee_detail_payload(org: Org) -> None:
    data = org.client("kabid").get(f"/api/v1/employees/{org.staf2.pk}").json()
    assert data == {
        "id": org.staf2.pk,
        "nip": org.staf2.nip,
        "name": "Staf Dua",
        "employment_type": "pppk",
        "agency_code": "A",
        "unit_code": "A-U1",
        "position_code": "A-J2",
        "position_name": "Analis",
        "supervisor_nip": org.kabid.nip,
    }


def test_competencies_give_current_levels_and_gaps(org: Org) -> None:
    m1, m2 = Competency.objects.get(code="M.1"), Competency.objects.get(code="M.2")
    Requirement.objects.create(position=org.pos_a_staff, competency=m1, required_level=3)
    Requirement.objects.create(position=org.pos_a_staff, competency=m2, required_level=2)
    for on, level in [(dt.date(2025, 2, 1), 1), (dt.date(2024, 2, 1), 3)]:
        Assessment.objects.create(employee=org.staf1, competency=m1, assessed_on=on, level=level, method="diri")
    rows = org.client("kepala").get(f"/api/v1/employees/{org.staf1.pk}/competencies").json()
    assert [(r["code"], r["required_level"], r["current_level"], r["assessed_on"], r["gap"]) for r in rows] == [
        ("M.1", 3, 1, "2025-02-01", 2),
        ("M.2", 2, None, None, None),
    ]


@pytest.mark.parametrize(
    ("viewer", "codes"),
    [("admin_a", {"A-J1", "A-J2"}), ("admin_b", {"B-J1"}), ("nasional", {"A-J1", "A-J2", "B-J1"})],
)
def test_positions_are_limited_to_visible_instansi(org: Org, viewer: str, codes: set[str]) -> None:
    data = org.client(viewer).get("/api/v1/positions").json()
    assert {p["code"] for p in data["items"]} == codes


def test_position_detail_has_its_skj(org: Org) -> None:
    Requirement.objects.create(
        position=org.pos_a_staff, competency=Competency.objects.get(code="M.3"), required_level=4
    )
    data = org.client("admin_a").get(f"/api/v1/positions/{org.pos_a_staff.pk}").json()
    assert data["code"] == "A-J2" and data["kind"] == "pelaksana" and data["unit_code"] == "A-U1"
    assert [(r["competency_code"], r["required_level"]) for r in data["requirements"]] == [("M.3", 4)]
    assert org.client("admin_b").get(f"/api/v1/positions/{org.pos_a_staff.pk}").status_code == 404
    assert org.client("admin_a").get("/api/v1/positions/987654").status_code == 404


def test_job_is_visible_to_its_creator_only(org: Org) -> None:
    job = Job.objects.create(
        kind="import",
        status=JobStatus.FAILED,
        progress=40,
        message="ditolak",
        error_report="units.csv:2: kode kosong\n",
        created_by=org.users["admin_a"],
        agency=org.agency_a,
    )
    data = org.client("admin_a").get(f"/api/v1/jobs/{job.pk}").json()
    assert (data["status"], data["progress"], data["message"], data["has_error_report"]) == (
        "failed",
        40,
        "ditolak",
        True,
    )
    for other in ("admin_b", "staf1", "nasional"):
        assert org.client(other).get(f"/api/v1/jobs/{job.pk}").status_code == 404, other
    assert org.client("admin_a").get(f"/api/v1/jobs/{uuid.uuid4()}").status_code == 404


@pytest.mark.parametrize("extra", [0, 40])
def test_api_query_counts_are_pinned(org: Org, django_assert_num_queries: Any, extra: int) -> None:
    """session + user + role grants (+ own pegawai: agency and subordinates) and then the route's own reads."""
    _add_staff(org, extra)
    Position.objects.bulk_create(
        Position(agency=org.agency_a, code=f"A-X{i}", name="Tambahan", kind="pelaksana", unit=org.unit_a)
        for i in range(extra)
    )
    for code in ("M.1", "M.2", "M.3"):
        comp = Competency.objects.get(code=code)
        Requirement.objects.create(position=org.pos_a_staff, competency=comp, required_level=2)
        Assessment.objects.create(
            employee=org.staf1, competency=comp, assessed_on=dt.date(2024, 1, 1), level=1, method="diri"
        )
    job = Job.objects.create(kind="import", created_by=org.users["admin_a"])
    admin = org.client("admin_a")
    cases = [
        ("/api/v1/me", 3),
        ("/api/v1/employees", 4),  # + count, page
        (f"/api/v1/employees/{org.staf1.pk}", 4),
        (f"/api/v1/employees/{org.staf1.pk}/competencies", 6),  # + SKJ with levels, descriptions
        ("/api/v1/positions", 4),  # + count, page (the visible instansi are a subquery)
        (f"/api/v1/positions/{org.pos_a_staff.pk}", 5),  # + jabatan, its SKJ
        (f"/api/v1/jobs/{job.pk}", 3),
    ]
    for url, n in cases:
        with django_assert_num_queries(n):
            assert admin.get(url).status_code == 200, url
    staf1 = org.client("staf1")
    with django_assert_num_queries(8):  # + own pegawai: agency and whether they supervise anyone
        assert staf1.get(f"/api/v1/employees/{org.staf1.pk}/competencies").status_code == 200
