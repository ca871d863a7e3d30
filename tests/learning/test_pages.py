"""JP pages: progress, recording with evidence, verification queue, compliance downloads, rules; scope by URL."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image

from bangkom.learning.models import AgencyJpRule, LearningRecord, RecordStatus

TODAY = timezone.localdate()
YEAR = TODAY.year
DAY = TODAY - dt.timedelta(days=1) if TODAY.month > 1 or TODAY.day > 1 else TODAY


def make(employee: Any, jp: str, status: str = RecordStatus.VERIFIED, form: int = 3, title: str = "", **kw: Any) -> Any:
    return LearningRecord.objects.create(
        employee=employee,
        title=title or f"Kegiatan {LearningRecord.objects.count() + 1}",
        start_date=kw.pop("start", DAY),
        end_date=kw.pop("end", DAY),
        form_id=form,
        provider="BPSDM",
        jp=Decimal(jp),
        status=status,
        **kw,
    )


def png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, format="PNG")
    return buf.getvalue()


def post_data(**over: Any) -> dict[str, Any]:
    base = {
        "form": "3",
        "title": "Bimtek Tata Naskah",
        "provider": "Setda",
        "start_date": DAY.isoformat(),
        "end_date": DAY.isoformat(),
        "jp": "8",
        "quantity": "",
        "certificate_no": "",
    }
    base.update(over)
    return base


@pytest.mark.django_db
def test_pegawai_page_shows_progress_mix_and_records(org: Any, django_assert_max_num_queries: Any) -> None:
    make(org.staf1, "12.5")
    make(org.staf1, "4", form=14)  # coaching: 20
    make(org.staf1, "3", status=RecordStatus.SUBMITTED)
    c = org.client("staf1")
    url = reverse("jp_employee", args=[org.staf1.pk])
    with django_assert_max_num_queries(16):
        resp = c.get(url, {"tahun": YEAR})
    body = resp.content.decode()
    assert resp.status_code == 200
    assert "16,5" in body and "dari 20 JP" in body  # verified only: 12.5 + 4, Indonesian decimal comma
    assert 'style="width:82%"' in body  # 16.5 / 20 rounded
    assert "3 JP menunggu verifikasi" in body
    assert "76%" in body and "24%" in body  # mix: 12.5 formal (10), 4 from others (20)
    assert reverse("jp_mine") in body
    assert reverse("recap_pdf", args=[org.staf1.pk, YEAR]) in body


@pytest.mark.django_db
def test_my_jp_redirects_to_own_page(org: Any) -> None:
    resp = org.client("staf1").get(reverse("jp_mine"))
    assert resp.status_code == 302 and resp["Location"].endswith(reverse("jp_employee", args=[org.staf1.pk]))


@pytest.mark.django_db
def test_pegawai_records_with_evidence_then_atasan_verifies(org: Any) -> None:
    c = org.client("staf1")
    upload = SimpleUploadedFile("sertifikat.png", png(), content_type="image/png")
    resp = c.post(reverse("jp_record_create", args=[org.staf1.pk]), post_data(evidence=upload))
    assert resp.status_code == 302
    rec = LearningRecord.objects.get(employee=org.staf1)
    assert rec.status == RecordStatus.SUBMITTED and rec.evidence_type == "image/png"
    ev = c.get(reverse("jp_record_evidence", args=[rec.pk]))
    assert ev.status_code == 200 and ev["Content-Type"] == "image/png"
    assert org.client("staf2").get(reverse("jp_record_evidence", args=[rec.pk])).status_code == 404

    kabid = org.client("kabid")
    queue = kabid.get(reverse("jp_verification"))
    assert "Bimtek Tata Naskah" in queue.content.decode()
    assert "Bimtek Tata Naskah" not in org.client("kasubag").get(reverse("jp_verification")).content.decode()
    resp = kabid.post(reverse("jp_record_decide", args=[rec.pk]), {"action": "reject", "reason": ""})
    assert resp.status_code == 302
    rec.refresh_from_db()
    assert rec.status == RecordStatus.SUBMITTED  # no reason: not rejected
    kabid.post(reverse("jp_record_decide", args=[rec.pk]), {"action": "verify"})
    rec.refresh_from_db()
    assert rec.status == RecordStatus.VERIFIED and rec.verified_by == org.users["kabid"]


PAGE_REFUSALS = [
    ("JP not a number", {"jp": "delapan"}, "Masukkan sebuah bilangan"),
    ("negative JP", {"jp": "-1"}, "tidak negatif"),
    ("end before start", {"end_date": (DAY - dt.timedelta(days=2)).isoformat()}, "sebelum tanggal mulai"),
    ("unknown form", {"form": "99"}, "Masukkan pilihan yang valid"),
    ("bad date", {"start_date": "31/02/2026"}, "Masukkan tanggal yang valid"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "over", "message"), PAGE_REFUSALS, ids=[p[0] for p in PAGE_REFUSALS])
def test_page_refuses_bad_input_in_indonesian(org: Any, case: str, over: dict[str, Any], message: str) -> None:
    resp = org.client("staf1").post(reverse("jp_record_create", args=[org.staf1.pk]), post_data(**over))
    assert resp.status_code == 200
    assert message in resp.content.decode()
    assert not LearningRecord.objects.exists()


@pytest.mark.django_db
def test_page_refuses_wrong_evidence_type(org: Any) -> None:
    fake = SimpleUploadedFile("bukti.pdf", b"#!/bin/sh\necho hi\n", content_type="application/pdf")
    resp = org.client("staf1").post(reverse("jp_record_create", args=[org.staf1.pk]), post_data(evidence=fake))
    assert "harus PDF atau gambar" in resp.content.decode()
    assert not LearningRecord.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("user", "target", "status"),
    [
        ("staf1", "pegawai_b", 404),
        ("staf1", "staf2", 404),
        ("admin_b", "staf1", 404),
        ("kasubag", "staf1", 404),
        ("kabid", "staf1", 200),
        ("admin_a", "staf1", 200),
    ],
)
def test_pages_of_someone_else_are_scoped(org: Any, user: str, target: str, status: int) -> None:
    employee = getattr(org, target)
    c = org.client(user)
    assert c.get(reverse("jp_employee", args=[employee.pk])).status_code == status
    assert c.get(reverse("jp_record_create", args=[employee.pk])).status_code == status
    rec = make(employee, "2", status=RecordStatus.SUBMITTED)
    assert c.get(reverse("jp_record_edit", args=[rec.pk])).status_code == status
    if status == 404:
        before = LearningRecord.objects.count()
        assert c.post(reverse("jp_record_create", args=[employee.pk]), post_data()).status_code == 404
        assert c.post(reverse("jp_record_decide", args=[rec.pk]), {"action": "verify"}).status_code == 404
        assert c.post(reverse("jp_record_delete", args=[rec.pk])).status_code == 404
        assert LearningRecord.objects.count() == before
        assert LearningRecord.objects.get(pk=rec.pk).status == RecordStatus.SUBMITTED


@pytest.mark.django_db
def test_delete_asks_for_confirmation(org: Any) -> None:
    rec = make(org.staf1, "2", status=RecordStatus.SUBMITTED)
    c = org.client("staf1")
    page = c.get(reverse("jp_record_delete", args=[rec.pk]))
    assert "Ya, hapus" in page.content.decode() and LearningRecord.objects.filter(pk=rec.pk).exists()
    c.post(reverse("jp_record_delete", args=[rec.pk]))
    assert not LearningRecord.objects.filter(pk=rec.pk).exists()


@pytest.mark.django_db
def test_compliance_dashboard_counts_and_downloads(org: Any, django_assert_max_num_queries: Any) -> None:
    make(org.kepala, "20")  # meets
    make(org.kabid, "19.99")  # short by 0.01
    make(org.staf2, "30")  # PPPK above 24
    c = org.client("admin_a")
    url = reverse("jp_compliance")
    with django_assert_max_num_queries(14):
        resp = c.get(url, {"tahun": YEAR})
    body = resp.content.decode()
    assert resp.status_code == 200
    assert "1 dari 4 PNS/CPNS" in body  # kepala, kabid, staf1, kasubag are obliged; only kepala meets
    assert "Kabid A" in body and "Staf Satu" in body and "Kepala A" not in body.split('id="kurang"')[1]
    assert "Pegawai B" not in body

    units = c.get(url, {"tahun": YEAR, "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(units.content.decode())))
    by_code = {r["unit_code"]: r for r in rows}
    assert by_code["A-U0"]["obliged"] == "2" and by_code["A-U0"]["meeting"] == "1"  # kepala, kasubag
    assert by_code["A-U1"]["obliged"] == "2" and by_code["A-U1"]["over_maximum"] == "1"  # kabid, staf1; staf2

    people = c.get(url, {"tahun": YEAR, "format": "xlsx", "tabel": "pegawai"})
    wb = load_workbook(io.BytesIO(people.content))
    sheet = list(wb.active.iter_rows(values_only=True))
    assert sheet[0][0] == "nip"
    shortfalls = {r[1]: r[6] for r in sheet[1:]}
    assert shortfalls["Kabid A"] == "0.01" and shortfalls["Staf Satu"] == "20"
    assert set(shortfalls) == {"Kabid A", "Staf Satu", "Kasubag A"}


@pytest.mark.django_db
@pytest.mark.parametrize("user", ["staf1", "kabid", "nasional", "penyelenggara_a"])
def test_compliance_and_rules_are_for_admin_instansi(org: Any, user: str) -> None:
    c = org.client(user)
    assert c.get(reverse("jp_compliance")).status_code == 403
    assert c.get(reverse("jp_rules")).status_code == 403


@pytest.mark.django_db
def test_admin_cannot_pick_another_instansi(org: Any) -> None:
    c = org.client("admin_b")
    assert c.get(reverse("jp_compliance"), {"instansi": org.agency_a.pk}).status_code == 404
    assert c.get(reverse("jp_rules"), {"instansi": org.agency_a.pk}).status_code == 404


def _rules_post(client: Any, agency_pk: int, change: dict[int, dict[str, str]]) -> Any:
    page = client.get(reverse("jp_rules"))
    forms = page.context["formset"].forms
    data: dict[str, str] = {"form-TOTAL_FORMS": str(len(forms)), "form-INITIAL_FORMS": str(len(forms))}
    for i, f in enumerate(forms):
        values = {k: "" if v is None else str(v) for k, v in f.initial.items()}
        values.update(change.get(f.initial["form_id"], {}))
        for k, v in values.items():
            data[f"form-{i}-{k}"] = v
    return client.post(f"{reverse('jp_rules')}?instansi={agency_pk}", data)


@pytest.mark.django_db
def test_rules_page_saves_an_override_and_refuses_bad_rows(org: Any) -> None:
    c = org.client("admin_a")
    resp = _rules_post(c, org.agency_a.pk, {14: {"jp_per_unit": "3"}})
    assert resp.status_code == 302
    rule = AgencyJpRule.objects.get(agency=org.agency_a, form_id=14)
    assert rule.jp_per_unit == Decimal(3) and rule.max_units_per_month == 2
    resp = _rules_post(c, org.agency_a.pk, {15: {"jp_per_unit": ""}, 20: {"jp_per_unit": "x"}})
    assert resp.status_code == 200
    assert AgencyJpRule.objects.filter(agency=org.agency_a).count() == 1
    resp = _rules_post(c, org.agency_a.pk, {15: {"jp_per_unit": ""}})
    assert "wajib diisi" in resp.content.decode()
    assert AgencyJpRule.objects.filter(agency=org.agency_a).count() == 1


@pytest.mark.django_db
def test_atasan_sees_the_whole_chain_with_jp_and_downloads_it(org: Any, django_assert_max_num_queries: Any) -> None:
    make(org.staf1, "25")
    make(org.staf2, "3", status=RecordStatus.SUBMITTED)
    c = org.client("kabid")
    with django_assert_max_num_queries(12):
        resp = c.get(reverse("jp_team"), {"tahun": YEAR})
    body = resp.content.decode()
    assert resp.status_code == 200
    assert "Staf Satu" in body and "Staf Dua" in body and "Kasubag A" not in body and "Kabid A</a>" not in body
    download = c.get(reverse("jp_team"), {"tahun": YEAR, "format": "csv"}).content.decode()
    rows = list(csv.DictReader(io.StringIO(download)))
    by_name = {r["name"]: r for r in rows}
    assert set(by_name) == {"Staf Satu", "Staf Dua"}
    assert by_name["Staf Satu"]["status"] == "memenuhi" and by_name["Staf Dua"]["jp_waiting"] == "3"
    kepala_rows = org.client("kepala").get(reverse("jp_team"), {"format": "csv"}).content.decode()
    assert "Kasubag A" in kepala_rows and "Staf Satu" in kepala_rows  # indirect subordinates too
    assert org.client("staf1").get(reverse("jp_team")).status_code == 403
    assert org.client("admin_a").get(reverse("jp_team")).status_code == 403


@pytest.mark.django_db
def test_rules_post_with_a_tampered_management_form_is_not_a_500(org: Any) -> None:
    page = org.client("admin_a").get(reverse("jp_rules"))
    forms = page.context["formset"].forms
    data: dict[str, str] = {"form-TOTAL_FORMS": str(len(forms)), "form-INITIAL_FORMS": "0"}
    for i, f in enumerate(forms):
        for k, v in f.initial.items():
            data[f"form-{i}-{k}"] = "" if v is None else str(v)
    resp = org.client("admin_a").post(f"{reverse('jp_rules')}?instansi={org.agency_a.pk}", data)
    assert resp.status_code in (200, 302)  # was a KeyError: unchanged "extra" rows have no cleaned_data
    assert not AgencyJpRule.objects.filter(agency=org.agency_a).exists()
