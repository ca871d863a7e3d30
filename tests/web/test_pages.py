"""Page by page: what each role sees, search and pagination, audit, job page, uploads, weight, queries."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import URLPattern, reverse

from bangkom.competency.models import Assessment, Competency, Requirement
from bangkom.competency.services import assessment_record, requirement_set
from bangkom.jobs.models import Job, JobStatus
from bangkom.org.models import Employee, Position
from bangkom.web import urls as web_urls

from ..conftest import Org, next_nip

# ---- anonymous: every page of the web app, table-driven from its URLconf ----------------------------------


def _sample_url(pattern: URLPattern) -> str:
    kwargs: dict[str, Any] = {}
    for name, converter in pattern.pattern.converters.items():  # type: ignore[attr-defined]
        kwargs[name] = uuid.uuid4() if "UUID" in type(converter).__name__ else 1
    return reverse(str(pattern.name), kwargs=kwargs)


PROTECTED = [p for p in web_urls.urlpatterns if isinstance(p, URLPattern) and p.name not in ("login", "logout")]


@pytest.mark.parametrize("pattern", PROTECTED, ids=[str(p.name) for p in PROTECTED])
def test_every_page_sends_anonymous_to_login(db: Any, pattern: URLPattern) -> None:
    url = _sample_url(pattern)
    response = Client().get(url)
    assert response.status_code == 302, url
    assert response.url.startswith(reverse("login") + "?next=")


# ---- home per role ---------------------------------------------------------------------------------------


def test_home_of_a_pegawai_is_their_own_summary(org: Org) -> None:
    html = org.client("staf1").get(reverse("home")).content.decode()
    assert org.staf1.nip in html and "Analis" in html and reverse("profile") in html
    assert "Tim saya" not in html and reverse("import") not in html and reverse("audit_list") not in html
    assert org.staf2.nip not in html


@pytest.mark.parametrize(("viewer", "team"), [("kabid", 2), ("kepala", 4)])
def test_home_of_an_atasan_links_their_team(org: Org, viewer: str, team: int) -> None:
    html = org.client(viewer).get(reverse("home")).content.decode()
    assert "Tim saya" in html and f"{team} bawahan langsung dan tidak langsung" in html
    assert f'href="{reverse("employee_list")}"' in html


def test_home_of_an_admin_instansi_links_their_tools(org: Org) -> None:
    html = org.client("admin_a").get(reverse("home")).content.decode()
    for name in ("employee_list", "position_list", "import", "audit_list"):
        assert f'href="{reverse(name)}"' in html, name
    assert "(5)" in html  # pegawai of instansi A only


def test_home_of_admin_nasional_has_aggregates_only(org: Org) -> None:
    html = org.client("nasional").get(reverse("home")).content.decode()
    rows = re.findall(r"<tr><td>(\w+)</td><td>[^<]+</td><td>[^<]+</td><td class=\"num\">(\d+)</td>"
                      r"<td class=\"num\">(\d+)</td></tr>", html)
    assert rows == [("A", "5", "2"), ("B", "1", "1")]
    for person in (org.kepala, org.staf1, org.pegawai_b):
        assert person.nip not in html and person.name not in html
    assert f'href="{reverse("employee_list")}"' not in html


# ---- profile and detail ----------------------------------------------------------------------------------


def test_profile_shows_identity_skj_gap_and_level_description(org: Org) -> None:
    m1, m2 = Competency.objects.get(code="M.1"), Competency.objects.get(code="M.2")
    Requirement.objects.create(position=org.pos_a_staff, competency=m1, required_level=3)
    Requirement.objects.create(position=org.pos_a_staff, competency=m2, required_level=2)
    Assessment.objects.create(
        employee=org.staf2, competency=m1, assessed_on=dt.date(2025, 1, 2), level=1, method="atasan"
    )
    Assessment.objects.create(
        employee=org.staf2, competency=m1, assessed_on=dt.date(2020, 1, 2), level=5, method="atasan"
    )
    html = org.client("staf2").get(reverse("profile")).content.decode()
    for text in (org.staf2.nip, "Staf Dua", "PPPK", "Kabupaten A", "Bidang A1", "Analis", "Kabid A"):
        assert text in html, text
    row = html[html.index("<strong>M.1</strong>") :].split("</tr>")[0]
    cells = re.findall(r'<td class="num">(.*?)</td>', row, flags=re.S)
    assert cells[0] == "3" and cells[1].startswith("1<br>") and '<span class="bad">2</span>' in cells[2]
    assert m1.levels.get(level=3).description in row
    row2 = html[html.index("<strong>M.2</strong>") :].split("</tr>")[0]
    assert "belum dinilai" in row2


def test_detail_of_an_unknown_id_looks_like_an_unauthorised_one(org: Org) -> None:
    client = org.client("staf1")
    missing = client.get(reverse("employee_detail", args=[987654]))
    foreign = client.get(reverse("employee_detail", args=[org.staf2.pk]))
    assert missing.status_code == foreign.status_code == 404
    assert missing.content == foreign.content


# ---- lists: search and pagination ------------------------------------------------------------------------


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


def test_employee_list_pages_by_fifty_and_keeps_the_search(org: Org) -> None:
    _add_staff(org, 60)
    client = org.client("admin_a")
    first = client.get(reverse("employee_list")).content.decode()
    assert len(re.findall(r'href="/pegawai/\d+/"', first)) == 50 and "Halaman 1 dari 2" in first and "65 data" in first
    second = client.get(reverse("employee_list"), {"page": 2}).content.decode()
    assert len(re.findall(r'href="/pegawai/\d+/"', second)) == 15
    searched = client.get(reverse("employee_list"), {"q": "Tambahan"}).content.decode()
    assert "60 data" in searched and "?q=Tambahan&amp;page=2" in searched
    assert client.get(reverse("employee_list"), {"page": "zzz"}).status_code == 200  # bad page: first page


def test_atasan_list_is_their_chain_only(org: Org) -> None:
    html = org.client("kabid").get(reverse("employee_list"), {"q": "A"}).content.decode()
    assert org.staf1.nip in html and org.kabid.nip in html
    assert org.kasubag.nip not in html and org.kepala.nip not in html and org.pegawai_b.nip not in html


def test_position_list_search_pagination_and_skj_count(org: Org) -> None:
    Position.objects.bulk_create(
        Position(agency=org.agency_a, code=f"A-P{i:02d}", name=f"Pranata {i}", kind="pelaksana", unit=org.unit_a)
        for i in range(55)
    )
    Requirement.objects.create(position=org.pos_a, competency=Competency.objects.get(code="M.1"), required_level=3)
    Requirement.objects.create(position=org.pos_a, competency=Competency.objects.get(code="M.2"), required_level=3)
    client = org.client("admin_a")
    first = client.get(reverse("position_list")).content.decode()
    assert "57 data" in first and "Halaman 1 dari 2" in first and "B-J1" not in first
    row = first[first.index(">A-J1</a>") :].split("</tr>")[0]
    assert row.strip().endswith('<td class="num">2</td>')
    found = client.get(reverse("position_list"), {"q": "Pranata 5"}).content.decode()
    assert "A-P05" in found and "A-P50" in found and "A-P04" not in found


def test_position_detail_lists_the_skj(org: Org) -> None:
    Requirement.objects.create(
        position=org.pos_a_staff, competency=Competency.objects.get(code="SK.1"), required_level=2
    )
    html = org.client("admin_a").get(reverse("position_detail", args=[org.pos_a_staff.pk])).content.decode()
    assert "A-J2" in html and "SK.1" in html and '<td class="num">2</td>' in html


# ---- audit page ------------------------------------------------------------------------------------------


def test_audit_page_filters_by_entity_and_shows_the_diff(org: Org) -> None:
    actor = org.users["admin_a"]
    m1 = Competency.objects.get(code="M.1")
    for level in (2, 4):
        assessment_record(
            actor=actor, employee=org.staf1, competency=m1, assessed_on=dt.date(2025, 1, 1), level=level,
            method="atasan",
        )
    requirement_set(actor=actor, position=org.pos_a, competency=m1, required_level=3)
    client = org.client("admin_a")
    html = client.get(reverse("audit_list"), {"entity": "competency.assessment"}).content.decode()
    assert "Penilaian kompetensi" in html and "diubah" in html and "dibuat" in html
    assert "<code>level</code>: <del>2</del> &rarr; <ins>4</ins>" in html
    assert "<code>required_level</code>" not in html  # SKJ events filtered out
    everything = client.get(reverse("audit_list")).content.decode()
    assert "<code>required_level</code>: <del>—</del> &rarr; <ins>3</ins>" in everything
    assert "3 data" in everything


def test_audit_page_is_paginated(org: Org) -> None:
    actor = org.users["admin_a"]
    for i, comp in enumerate(Competency.objects.filter(agency__isnull=True).order_by("code")):
        for level in range(1, 7):
            assessment_record(
                actor=actor, employee=org.staf1, competency=comp, assessed_on=dt.date(2020 + level, 1, 1),
                level=1 + (i + level) % 5, method="diri",
            )
    client = org.client("admin_a")
    html = client.get(reverse("audit_list"), {"entity": "competency.assessment"}).content.decode()
    assert "54 data" in html and "Halaman 1 dari 2" in html
    assert "entity=competency.assessment&amp;page=2" in html
    assert html.count("<tr>") == 51  # header + 50


# ---- job page --------------------------------------------------------------------------------------------


def _job(org: Org, **fields: Any) -> Job:
    return Job.objects.create(kind="import", created_by=org.users["admin_a"], agency=org.agency_a, **fields)


def test_running_job_page_polls_and_refreshes_without_js(org: Org) -> None:
    job = _job(org, status=JobStatus.RUNNING, progress=35, message="Membaca employees.csv")
    html = org.client("admin_a").get(reverse("job_detail", args=[job.pk])).content.decode()
    assert '<meta http-equiv="refresh"' in html
    assert f'data-job-status-url="{reverse("job_status", args=[job.pk])}"' in html
    assert '<progress max="100" value="35">' in html and "Membaca employees.csv" in html
    assert "bangkom/job.js" in html
    status = org.client("admin_a").get(reverse("job_status", args=[job.pk])).json()
    assert status == {
        "status": "running",
        "progress": 35,
        "message": "Membaca employees.csv",
        "finished": False,
        "url": reverse("job_detail", args=[job.pk]),
    }


def test_finished_job_page_stops_polling(org: Org) -> None:
    job = _job(
        org,
        status=JobStatus.SUCCEEDED,
        progress=100,
        result={"counts": {"units": {"created": 3, "updated": 1, "unchanged": 0}}},
    )
    html = org.client("admin_a").get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "http-equiv" not in html and "job.js" not in html and "data-job-status-url" not in html
    assert '<td>units</td><td class="num">3</td><td class="num">1</td>' in html


def test_failed_job_lists_rows_and_offers_the_report(org: Org) -> None:
    report = "".join(f"employees.csv:{n}: NIP tidak valid\n" for n in range(2, 302))
    job = _job(org, status=JobStatus.FAILED, message="300 baris ditolak", error_report=report)
    client = org.client("admin_a")
    html = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "employees.csv:2: NIP tidak valid" in html and "employees.csv:201:" in html
    assert "employees.csv:202:" not in html  # preview; the whole list is in the download
    assert f'href="{reverse("job_report", args=[job.pk])}"' in html
    download = client.get(reverse("job_report", args=[job.pk]))
    assert download["Content-Type"].startswith("text/plain")
    assert download["Content-Disposition"] == f'attachment; filename="laporan-impor-{job.pk}.txt"'
    assert download.content.decode() == report


# ---- upload: several files at once -----------------------------------------------------------------------


def test_several_files_at_once_are_saved_under_their_names(org: Org, tmp_path: Path) -> None:
    units = "agency_code,code,name,parent_code\nA,A-U5,Bidang Lima,A-U0\n"
    positions = "agency_code,code,name,kind,unit_code\nA,A-J5,Penata Lima,pelaksana,A-U5\n"
    files = [
        SimpleUploadedFile("units.csv", units.encode(), content_type="text/csv"),
        SimpleUploadedFile("../../positions.csv", positions.encode(), content_type="text/csv"),
    ]
    with override_settings(VAR_DIR=tmp_path):
        response = org.client("admin_a").post(reverse("import"), {"files": files})
    job = Job.objects.get()
    assert response.status_code == 302, response.content.decode()[:500]
    folder = Path(job.params["path"])
    assert folder.parent == tmp_path / "imports" and sorted(p.name for p in folder.iterdir()) == [
        "positions.csv",
        "units.csv",
    ]
    assert job.params["restrict_agency_ids"] == [org.agency_a.pk] and job.params["lang"] == "id"
    assert job.status == JobStatus.SUCCEEDED, job.error_report
    assert Position.objects.get(code="A-J5").unit.code == "A-U5"


def test_upload_records_the_chosen_language(org: Org, tmp_path: Path) -> None:
    client = org.client("admin_a")
    client.post(reverse("set_language"), {"language": "en", "next": "/impor/"})
    page = client.get(reverse("import")).content.decode()
    assert 'lang="en"' in page
    bad = "agency_code,code,name\nA,,Tanpa kode\n"
    with override_settings(VAR_DIR=tmp_path):
        client.post(reverse("import"), {"files": [SimpleUploadedFile("units.csv", bad.encode())]})
    job = Job.objects.get()
    assert job.params["lang"] == "en" and job.status == JobStatus.FAILED
    assert job.error_report.startswith("units.csv:2:")


# ---- weight and phone use --------------------------------------------------------------------------------


def test_pages_are_light_and_self_contained(org: Org) -> None:
    css = Path(settings.PACKAGE_DIR / "web" / "static" / "bangkom" / "style.css")
    assert css.stat().st_size < 10 * 1024
    client = org.client("admin_a")
    for name in ("home", "employee_list", "position_list", "import", "audit_list"):
        html = client.get(reverse(name)).content.decode()
        assert 'name="viewport" content="width=device-width, initial-scale=1"' in html, name
        assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', html), name  # no CDN
        assert html.count("<table") == html.count('<div class="table-wrap"><table'), name  # tables scroll


def test_language_switch_renders_english_lists(org: Org) -> None:
    client = org.client("admin_a")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("employee_list")).content.decode()
    assert 'lang="en"' in html and "Search" in html and "Cari NIP" not in html


# ---- query counts ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [0, 30])
def test_home_audit_and_job_queries_do_not_grow(org: Org, django_assert_num_queries: Any, extra: int) -> None:
    _add_staff(org, extra)
    m1 = Competency.objects.get(code="M.1")
    Requirement.objects.create(position=org.pos_a_staff, competency=m1, required_level=3)
    for i in range(extra + 1):
        assessment_record(
            actor=org.users["admin_a"], employee=org.staf1, competency=m1,
            assessed_on=dt.date(2000, 1, 1) + dt.timedelta(days=i), level=1 + i % 5, method="diri",
        )
    job = _job(org, status=JobStatus.FAILED, error_report="units.csv:2: x\n" * (extra + 1))
    clients = {name: org.client(name) for name in ("staf1", "kabid", "admin_a", "nasional")}
    cases = [
        # session, user, grants, agency, subordinates?, own pegawai; JP: pegawai, forms, grouped records
        ("staf1", reverse("home"), 12),  # + open IDP items, overdue coaching sessions, open reaction surveys
        ("kabid", reverse("home"), 16),  # + size of the team, records waiting for verification, IDP to decide, L3 due
        ("admin_a", reverse("home"), 5),  # session, user, grants, count, records waiting for verification
        ("nasional", reverse("home"), 4),  # session, user, grants, instansi with both counts
        ("admin_a", reverse("audit_list"), 5),  # + count, page with actor
        ("admin_a", reverse("import"), 4),  # + recent jobs
        ("admin_a", reverse("job_detail", args=[job.pk]), 4),  # + grants for the navigation
        ("admin_a", reverse("job_status", args=[job.pk]), 3),
        ("staf1", reverse("profile"), 8),  # + pegawai, SKJ with levels, descriptions
    ]
    for viewer, url, n in cases:
        with django_assert_num_queries(n):
            assert clients[viewer].get(url).status_code == 200, (viewer, url)


def test_audit_page_in_english(org: Org) -> None:
    m1 = Competency.objects.get(code="M.1")
    for level in (2, 3):
        assessment_record(
            actor=org.users["admin_a"], employee=org.staf1, competency=m1, assessed_on=dt.date(2025, 1, 1),
            level=level, method="atasan",
        )
    client = org.client("admin_a")
    client.post(reverse("set_language"), {"language": "en", "next": "/audit/"})
    html = client.get(reverse("audit_list")).content.decode()
    assert "Audit trail" in html and ">updated<" in html and ">created<" in html and "diubah" not in html


@pytest.mark.parametrize("url", ["/pegawai/?q=a%00b", "/modul/?q=%00", "/pegawai/?page=1&q=x%00"])
def test_a_query_string_with_nul_is_a_400(org: Org, url: str) -> None:
    # PostgreSQL text cannot hold NUL: a search for one was a 500 (web.middleware.NulCharacterMiddleware).
    response = org.client("admin_a").get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    assert org.client("admin_a").get(url.replace("%00", "")).status_code == 200
