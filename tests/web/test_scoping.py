"""Every page and API route, for every role: who may see which pegawai, also by editing ids in URLs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from bangkom.learning.models import LearningRecord, RecordStatus

from ..conftest import Org

PEOPLE = ("kepala", "kabid", "staf1", "staf2", "kasubag", "pegawai_b")
# Who may open whose detail page / API record (kepala <- kabid <- {staf1, staf2}; kepala <- kasubag).
VISIBLE = {
    "staf1": {"staf1"},
    "staf2": {"staf2"},
    "kabid": {"kabid", "staf1", "staf2"},
    "kasubag": {"kasubag"},
    "kepala": {"kepala", "kabid", "staf1", "staf2", "kasubag"},
    "pegawai_b": {"pegawai_b"},
    "admin_a": {"kepala", "kabid", "staf1", "staf2", "kasubag"},
    "admin_b": {"pegawai_b"},
    "nasional": set(),
    "penyelenggara_a": set(),
}
CASES = [(viewer, target) for viewer in sorted(VISIBLE) for target in PEOPLE]


@pytest.mark.parametrize(("viewer", "target"), CASES)
def test_employee_detail_page(org: Org, viewer: str, target: str) -> None:
    emp = getattr(org, target)
    response = org.client(viewer).get(reverse("employee_detail", args=[emp.pk]))
    if target in VISIBLE[viewer]:
        assert response.status_code == 200
        assert emp.nip in response.content.decode()
    else:
        assert response.status_code == 404
        assert emp.nip not in response.content.decode()


@pytest.mark.parametrize(("viewer", "target"), CASES)
def test_employee_api_detail(org: Org, viewer: str, target: str) -> None:
    emp = getattr(org, target)
    for suffix in ("", "competencies"):
        url = f"/api/v1/employees/{emp.pk}" + (f"/{suffix}" if suffix else "")
        response = org.client(viewer).get(url)
        expected = 200 if target in VISIBLE[viewer] else 404
        assert response.status_code == expected, (url, response.content)


@pytest.mark.parametrize(("viewer", "target"), CASES)
def test_learning_record_api_by_id(org: Org, viewer: str, target: str) -> None:
    """Reading, verifying or rejecting someone's record by editing its id: only within scope, never one's own."""
    emp = getattr(org, target)
    rec = LearningRecord.objects.create(
        employee=emp,
        form_id=3,
        title="Pelatihan",
        provider="BPSDM",
        start_date=dt.date(2025, 3, 3),
        end_date=dt.date(2025, 3, 4),
        jp=8,
        status=RecordStatus.SUBMITTED,
    )
    client = org.client(viewer)
    url = f"/api/v1/records/{rec.pk}"
    visible = target in VISIBLE[viewer]
    assert client.get(url).status_code == (200 if visible else 404)
    decide = 200 if visible and viewer != target else 404
    assert client.post(f"{url}/reject", {"reason": "salah"}, content_type="application/json").status_code == decide
    rec.refresh_from_db()
    assert rec.status == (RecordStatus.REJECTED if decide == 200 else RecordStatus.SUBMITTED)
    rec.status = RecordStatus.SUBMITTED
    rec.save()
    assert client.post(f"{url}/verify").status_code == decide
    rec.refresh_from_db()
    assert rec.status == (RecordStatus.VERIFIED if decide == 200 else RecordStatus.SUBMITTED)


@pytest.mark.parametrize("viewer", sorted(VISIBLE))
def test_employee_list_page_and_api_show_only_scope(org: Org, viewer: str) -> None:
    client = org.client(viewer)
    nips = {name: getattr(org, name).nip for name in PEOPLE}
    page = client.get(reverse("employee_list"))
    api = client.get("/api/v1/employees")
    assert api.status_code == 200
    api_nips = {row["nip"] for row in api.json()["items"]}
    assert api_nips == {nips[n] for n in VISIBLE[viewer]}
    if viewer.startswith("admin_") or viewer in ("kabid", "kepala"):
        assert page.status_code == 200
        html = page.content.decode()
        for name in PEOPLE:
            # An atasan's list shows their chain (themself included); an admin the whole instansi.
            assert (nips[name] in html) == (name in VISIBLE[viewer]), name
    else:
        assert page.status_code == 403


@pytest.mark.parametrize(
    ("viewer", "position", "expected"),
    [
        ("admin_a", "pos_a", 200),
        ("admin_a", "pos_b", 404),
        ("admin_b", "pos_a", 404),
        ("admin_b", "pos_b", 200),
        ("nasional", "pos_a", 200),
        ("nasional", "pos_b", 200),
        ("staf1", "pos_a", 403),
    ],
)
def test_position_pages(org: Org, viewer: str, position: str, expected: int) -> None:
    pk = getattr(org, position).pk
    assert org.client(viewer).get(reverse("position_detail", args=[pk])).status_code == expected
    api_expected = 404 if expected == 404 else 200
    assert org.client(viewer).get(f"/api/v1/positions/{pk}").status_code == api_expected


def test_profile_is_own(org: Org) -> None:
    response = org.client("staf1").get(reverse("profile"))
    assert response.status_code == 200
    html = response.content.decode()
    assert org.staf1.nip in html and org.staf2.nip not in html
    assert org.client("admin_a").get(reverse("profile")).status_code == 404  # admin without a pegawai record


def test_me_api(org: Org) -> None:
    data = org.client("kabid").get("/api/v1/me").json()
    assert data["employee"]["nip"] == org.kabid.nip
    assert set(data["roles"]) == {"pegawai", "atasan"}


@pytest.mark.parametrize(
    "url",
    ["/", "/profil/", "/pegawai/", "/pegawai/1/", "/jabatan/", "/jabatan/1/", "/impor/", "/audit/"],
)
def test_anonymous_is_sent_to_login(db: Any, url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/me",
        "/api/v1/employees",
        "/api/v1/employees/1",
        "/api/v1/positions",
        "/api/v1/records",
        "/api/v1/records/1",
    ],
)
def test_anonymous_api_is_refused(db: Any, url: str) -> None:
    assert Client().get(url).status_code == 401


@pytest.mark.parametrize(
    ("viewer", "code"), [("admin_a", 200), ("kabid", 403), ("staf1", 403), ("nasional", 403)]
)
def test_admin_pages_need_admin_instansi(org: Org, viewer: str, code: int) -> None:
    client = org.client(viewer)
    assert client.get(reverse("import")).status_code == code
    assert client.get(reverse("audit_list")).status_code == code


def test_openapi_schema_lists_the_routes(db: Any) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/v1/me",
        "/api/v1/employees",
        "/api/v1/employees/{employee_id}",
        "/api/v1/positions",
        "/api/v1/jobs/{job_id}",
        "/api/v1/records",
        "/api/v1/records/{record_id}",
        "/api/v1/records/{record_id}/verify",
        "/api/v1/records/{record_id}/reject",
    } <= set(schema["paths"])
