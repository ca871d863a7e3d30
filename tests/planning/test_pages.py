"""The admin instansi's AKPK page: aggregated needs, downloads, and nobody else gets in."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from bangkom.jobs.models import Job, JobStatus
from bangkom.planning.models import Akpk, Need
from bangkom.planning.services import needs_gather
from tests.planning.conftest import Plan


def test_akpk_page_lists_aggregates(plan: Plan, django_assert_max_num_queries: Any) -> None:
    needs_gather(actor=plan.org.users["admin_a"], akpk=plan.akpk)
    client = plan.org.client("admin_a")
    with django_assert_max_num_queries(12):
        response = client.get("/akpk/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "A.T.1" in body and "Bidang A1" in body
    assert response.context["akpk"] == plan.akpk
    assert [(r.unit_code, r.competency_code, r.employees) for r in response.context["rows"]] == [
        ("A-U0", "A.T.1", 1),
        ("A-U1", "A.T.1", 1),
        ("A-U1", "M.1", 2),
        ("A-U1", "M.4", 1),
    ]


def test_akpk_downloads(plan: Plan) -> None:
    needs_gather(actor=plan.org.users["admin_a"], akpk=plan.akpk)
    client = plan.org.client("admin_a")
    csv_response = client.get("/akpk/", {"format": "csv", "per": "kompetensi"})
    lines = csv_response.content.decode().splitlines()
    assert lines[0] == "competency_code,competency_name,employees,needs,mean_gap"
    assert lines[1] == "A.T.1,Pengelolaan Anggaran,2,2,1.50"
    assert len(lines) == 4
    xlsx = client.get("/akpk/", {"format": "xlsx", "akpk": plan.akpk.pk})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("unit_code", "unit_name", "competency_code")
    assert len(rows) == 5


def test_akpk_page_without_akpk(plan: Plan) -> None:
    Akpk.objects.all().delete()
    response = plan.org.client("admin_a").get("/akpk/")
    assert response.status_code == 200
    assert response.context["akpk"] is None


@pytest.mark.parametrize("user", ["staf1", "kabid", "kepala", "nasional", "penyelenggara_a", "pegawai_b"])
def test_akpk_page_is_for_admin_instansi(plan: Plan, user: str) -> None:
    assert plan.org.client(user).get("/akpk/").status_code == 403


def test_akpk_of_another_instansi_is_not_found(plan: Plan) -> None:
    other = Akpk.objects.create(agency=plan.org.agency_b, year=2026)
    client = plan.org.client("admin_a")
    assert client.get("/akpk/", {"akpk": other.pk}).status_code == 404
    assert client.get("/akpk/", {"akpk": other.pk, "format": "csv"}).status_code == 404
    assert client.get("/akpk/", {"instansi": plan.org.agency_b.pk}).status_code == 404


def test_create_akpk_and_gather_through_a_job(plan: Plan) -> None:
    client = plan.org.client("admin_a")
    response = client.post("/akpk/buat/", {"instansi": plan.org.agency_a.pk, "tahun": "2027"})
    assert response.status_code == 302
    new = Akpk.objects.get(agency=plan.org.agency_a, year=2027)
    assert f"akpk={new.pk}" in response["Location"]
    again = client.post("/akpk/buat/", {"instansi": plan.org.agency_a.pk, "tahun": "2027"}, follow=True)
    assert "sudah ada" in again.content.decode()
    assert Akpk.objects.filter(agency=plan.org.agency_a).count() == 2

    response = client.post(f"/akpk/{plan.akpk.pk}/himpun/")
    assert response.status_code == 302
    job = Job.objects.get(kind="akpk_gather")
    assert response["Location"] == f"/pekerjaan/{job.pk}/"
    assert job.status == JobStatus.SUCCEEDED  # the sync runner in tests
    assert job.result["created"] == 5
    assert Need.objects.filter(akpk=plan.akpk).count() == 5


def test_actions_are_refused_outside_the_instansi(plan: Plan) -> None:
    admin_b = plan.org.client("admin_b")
    assert admin_b.post(f"/akpk/{plan.akpk.pk}/himpun/").status_code == 404
    assert admin_b.post("/akpk/buat/", {"instansi": plan.org.agency_a.pk, "tahun": "2027"}).status_code == 404
    assert plan.org.client("kepala").post(f"/akpk/{plan.akpk.pk}/himpun/").status_code == 403
    assert plan.org.client("admin_a").get(f"/akpk/{plan.akpk.pk}/himpun/").status_code == 405
    assert not Job.objects.exists()
    assert not Need.objects.exists()


def test_gather_job_fails_cleanly_on_an_approved_akpk(plan: Plan) -> None:
    Akpk.objects.filter(pk=plan.akpk.pk).update(status="approved", approved_at=plan.akpk.created_at)
    response = plan.org.client("admin_a").post(f"/akpk/{plan.akpk.pk}/himpun/", follow=True)
    assert "sudah disetujui" in response.content.decode()
    assert not Job.objects.exists()
