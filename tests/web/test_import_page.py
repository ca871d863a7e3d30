"""The admin's import page: upload, background job with progress, error report download, scope."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from bangkom.jobs.models import Job, JobStatus
from bangkom.org.models import Unit

from ..conftest import Org


@pytest.fixture(autouse=True)
def _var_dir(tmp_path: Path) -> Any:
    with override_settings(VAR_DIR=tmp_path):
        yield


def _upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_upload_runs_import_and_shows_counts(org: Org) -> None:
    client = org.client("admin_a")
    units = "agency_code;code;name;parent_code\nA;A-U9;Bidang Baru;A-U0\n"
    response = client.post(reverse("import"), {"files": [_upload("units.csv", units)]})
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("job_detail", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED and job.created_by == org.users["admin_a"]
    assert Unit.objects.get(code="A-U9").parent == org.unit_a
    page = client.get(response.url).content.decode()
    assert "units" in page and 'value="100"' in page
    status = client.get(reverse("job_status", args=[job.pk])).json()
    assert status == {**status, "status": "succeeded", "progress": 100, "finished": True}


def test_refused_rows_are_listed_and_downloadable(org: Org) -> None:
    client = org.client("admin_a")
    units = "agency_code,code,name,parent_code\nA,A-U8,Ok,\nA,A-U7,Salah induk,TIDAK-ADA\n"
    response = client.post(reverse("import"), {"files": [_upload("units.csv", units)]})
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert not Unit.objects.filter(code__in=["A-U8", "A-U7"]).exists()  # nothing written
    page = client.get(response.url).content.decode()
    assert "units.csv:3:" in page
    report = client.get(reverse("job_report", args=[job.pk]))
    assert report["Content-Disposition"].startswith("attachment")
    assert report.content.decode().startswith("units.csv:3:")


def test_admin_cannot_import_into_another_instansi(org: Org) -> None:
    client = org.client("admin_a")
    units = "agency_code,code,name,parent_code\nB,B-U9,Menyusup,\n"
    client.post(reverse("import"), {"files": [_upload("units.csv", units)]})
    assert Job.objects.get().status == JobStatus.FAILED
    assert not Unit.objects.filter(code="B-U9").exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [("data.txt", "hanya berkas .csv atau .xlsx"), ("pegawai.csv", "nama berkas harus salah satu dari")],
)
def test_bad_upload_is_refused_before_any_job(org: Org, name: str, message: str) -> None:
    response = org.client("admin_a").post(reverse("import"), {"files": [_upload(name, "a,b\n1,2\n")]})
    assert response.status_code == 200 and message in response.content.decode()
    assert not Job.objects.exists()


def test_oversized_upload_is_refused(org: Org) -> None:
    with override_settings(BANGKOM_IMPORT_MAX_UPLOAD_BYTES=10):
        response = org.client("admin_a").post(
            reverse("import"), {"files": [_upload("units.csv", "agency_code,code,name\nA,X,Y\n")]}
        )
    assert "melebihi batas" in response.content.decode() and not Job.objects.exists()


def test_job_of_another_user_is_invisible(org: Org) -> None:
    org.client("admin_a").post(
        reverse("import"), {"files": [_upload("units.csv", "agency_code,code,name\nA,Z,Z\n")]}
    )
    job = Job.objects.get()
    other = org.client("admin_b")
    for name in ("job_detail", "job_status", "job_report"):
        assert other.get(reverse(name, args=[job.pk])).status_code == 404
    assert other.get(f"/api/v1/jobs/{job.pk}").status_code == 404
    assert org.client("admin_a").get(f"/api/v1/jobs/{job.pk}").json()["status"] == "succeeded"
