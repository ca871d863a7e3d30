"""The yearly JP recap: PDF content, one code per unchanged content, public verification, scope."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from bangkom.audit.models import AuditEvent
from bangkom.learning.models import JpRecap, LearningRecord, RecordStatus
from bangkom.learning.recap import (
    RecapStale,
    mask_nip,
    normalize_code,
    recap_check,
    recap_issue,
    recap_pdf,
)
from bangkom.org.models import Employee
from bangkom.web import pdf as pdf_mod

from ..conftest import Org

YEAR = 2025


def add(employee: Employee, title: str, jp: str, *, start: dt.date, end: dt.date | None = None, **extra: Any) -> Any:
    fields: dict[str, Any] = {"form_id": 1, "provider": "BPSDM Provinsi", "status": RecordStatus.VERIFIED}
    fields.update(extra)
    return LearningRecord.objects.create(
        employee=employee, title=title, start_date=start, end_date=end or start, jp=Decimal(jp), **fields
    )


@pytest.fixture
def records(org: Org) -> list[LearningRecord]:
    """staf1 in 2025: 3 verified records counting (24.5 JP), plus records that must not count."""
    s = org.staf1
    return [
        add(
            s,
            "Pelatihan Analisis Kebijakan",
            "16",
            start=dt.date(2025, 3, 3),
            end=dt.date(2025, 3, 5),
            certificate_no="SERT-001",
        ),
        add(s, "Seminar Nasional Kepegawaian", "4.5", start=dt.date(2025, 6, 10)),
        # Starts in 2024, ends in 2025: counts in 2025 (the year of the end date).
        add(s, "Kursus Data Kepegawaian", "4", start=dt.date(2024, 12, 28), end=dt.date(2025, 1, 3)),
        add(s, "Diajukan belum diverifikasi", "10", start=dt.date(2025, 7, 1), status=RecordStatus.SUBMITTED),
        add(s, "Ditolak", "8", start=dt.date(2025, 7, 2), status=RecordStatus.REJECTED),
        add(s, "Rencana", "8", start=dt.date(2025, 11, 2), status=RecordStatus.PLANNED),
        add(s, "Tahun lalu", "12", start=dt.date(2024, 5, 2)),
        # Starts in 2025, ends in 2026: not in 2025.
        add(s, "Lintas tahun ke 2026", "6", start=dt.date(2025, 12, 30), end=dt.date(2026, 1, 2)),
        add(org.staf2, "Milik rekan", "30", start=dt.date(2025, 2, 2)),
    ]


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def download(client: Client, employee: Employee, year: int = YEAR) -> Any:
    return client.get(reverse("recap_pdf", args=[employee.pk, year]))


# --- service ------------------------------------------------------------------------------------------------


def test_issue_counts_verified_records_in_year_of_end_date(org: Org, records: list[LearningRecord]) -> None:
    recap = recap_issue(actor=org.users["staf1"], employee=org.staf1, year=YEAR)
    assert recap.total_hundredths == 2450
    assert recap.record_count == 3
    assert len(recap.code) == 14 and recap.code.count("-") == 2
    assert len(recap.digest) == 64
    assert recap.issued_by == org.users["staf1"]
    event = AuditEvent.objects.get(entity="learning.jprecap", object_id=str(recap.pk))
    assert event.action == "create" and event.agency_id == org.agency_a.pk
    assert event.after is not None and event.after["code"] == recap.code
    previous = recap_issue(actor=org.users["staf1"], employee=org.staf1, year=2024)
    assert (previous.total_hundredths, previous.record_count) == (1200, 1)  # the 2024-ending record only


def test_same_content_reuses_the_code(org: Org, records: list[LearningRecord]) -> None:
    first = recap_issue(actor=org.users["staf1"], employee=org.staf1, year=YEAR)
    # Changes that do not touch the verified records of the year keep the code.
    add(org.staf1, "Baru diajukan", "3", start=dt.date(2025, 8, 1), status=RecordStatus.SUBMITTED)
    records[6].title = "Tahun lalu (diubah)"
    records[6].save()
    again = recap_issue(actor=org.users["kabid"], employee=org.staf1, year=YEAR)
    assert again.pk == first.pk and again.code == first.code
    assert JpRecap.objects.count() == 1
    assert AuditEvent.objects.filter(entity="learning.jprecap").count() == 1


@pytest.mark.parametrize("change", ["jp", "title", "unverify", "delete", "new", "certificate", "nip"])
def test_changed_records_get_a_new_code_and_the_old_one_warns(
    org: Org, records: list[LearningRecord], change: str
) -> None:
    old = recap_issue(actor=org.users["staf1"], employee=org.staf1, year=YEAR)
    rec = records[1]
    if change == "jp":
        rec.jp = Decimal("4.25")
        rec.save()
    elif change == "title":
        rec.title = "Seminar Nasional Kepegawaian 2025"
        rec.save()
    elif change == "unverify":
        rec.status = RecordStatus.SUBMITTED
        rec.save()
    elif change == "delete":
        rec.delete()
    elif change == "new":
        add(org.staf1, "Bimtek SIASN", "2", start=dt.date(2025, 9, 9))
    elif change == "certificate":
        rec.certificate_no = "SERT-XYZ"
        rec.save()
    else:
        other_digit = "8" if org.staf1.nip.endswith("9") else "9"  # a different NIP whatever the fixture's
        Employee.objects.filter(pk=org.staf1.pk).update(nip=org.staf1.nip[:-1] + other_digit)
        org.staf1.refresh_from_db()
    check = recap_check(old.code)
    assert check is not None and not check.matches
    new = recap_issue(actor=org.users["staf1"], employee=org.staf1, year=YEAR)
    assert new.code != old.code
    assert JpRecap.objects.filter(employee=org.staf1, year=YEAR).count() == 2
    check_new = recap_check(new.code)
    assert check_new is not None and check_new.matches


def test_reverting_a_change_finds_the_earlier_recap_again(org: Org, records: list[LearningRecord]) -> None:
    first = recap_issue(actor=org.users["staf1"], employee=org.staf1, year=YEAR)
    records[0].jp = Decimal("17")
    records[0].save()
    second = recap_issue(actor=org.users["staf1"], employee=org.staf1, year=YEAR)
    records[0].jp = Decimal("16")
    records[0].save()
    third = recap_issue(actor=org.users["staf1"], employee=org.staf1, year=YEAR)
    assert second.code != first.code
    assert third.code == first.code


def test_empty_year_has_a_recap_too(org: Org) -> None:
    recap = recap_issue(actor=org.users["staf1"], employee=org.staf1, year=YEAR)
    assert (recap.total_hundredths, recap.record_count) == (0, 0)
    text = pdf_text(recap_pdf(recap, verify_url="https://x.example/verifikasi/"))
    assert recap.code in text and "Belum ada pengembangan kompetensi terverifikasi" in text


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ABCD-EFGH-JKMN", "ABCD-EFGH-JKMN"),
        ("abcd-efgh-jkmn", "ABCD-EFGH-JKMN"),
        ("ABCDEFGHJKMN", "ABCD-EFGH-JKMN"),
        ("  abcd efgh  jkmn ", "ABCD-EFGH-JKMN"),
        ("AB-CD-EF-GH-JK-MN", "ABCD-EFGH-JKMN"),
        ("ABCD-EFGH-JKM", None),  # too short
        ("ABCD-EFGH-JKMNP", None),  # too long
        ("ABCD-EFGH-JKM0", None),  # 0 is not in the alphabet
        ("ABCD-EFGH-JKMI", None),
        ("ABCD/EFGH/JKMN", None),
        ("", None),
    ],
)
def test_normalize_code(typed: str, expected: str | None) -> None:
    assert normalize_code(typed) == expected


def test_check_accepts_typed_variants(org: Org, records: list[LearningRecord]) -> None:
    recap = recap_issue(actor=org.users["staf1"], employee=org.staf1, year=YEAR)
    for typed in (recap.code, recap.code.lower(), recap.code.replace("-", ""), " ".join(recap.code.split("-"))):
        check = recap_check(typed)
        assert check is not None and check.recap.pk == recap.pk and check.matches
    assert recap_check("2222-2222-2222") is None


def test_mask_nip() -> None:
    assert mask_nip("198501012010011001") == "1985**********1001"
    assert mask_nip("1234") == "****"


def test_pdf_refuses_stale_data(org: Org, records: list[LearningRecord]) -> None:
    recap = recap_issue(actor=org.users["staf1"], employee=org.staf1, year=YEAR)
    records[0].jp = Decimal("1")
    records[0].save()
    with pytest.raises(RecapStale):
        recap_pdf(recap, verify_url="https://x.example/")


def test_pdf_pages_repeat_the_heading_and_number_pages(org: Org) -> None:
    long_title = "Pelatihan Teknis Penyusunan Analisis Jabatan dan Analisis Beban Kerja " * 3
    for i in range(60):
        add(org.staf1, f"{long_title} angkatan {i + 1}", "2", start=dt.date(2025, 1 + i % 12, 1 + i % 28))
    recap = recap_issue(actor=org.users["staf1"], employee=org.staf1, year=YEAR)
    data = recap_pdf(recap, verify_url="https://x.example/verifikasi/X/")
    reader = PdfReader(io.BytesIO(data))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) >= 3
    for n, text in enumerate(pages, start=1):
        if "angkatan" in text:
            assert "Penyelenggara" in text  # the heading row on every page of the table
        assert f"halaman {n} dari {len(pages)}" in text
        assert recap.code in text
    assert "Jumlah" in "\n".join(pages) and f"{recap.total_hundredths // 100}" in "\n".join(pages)


def test_pdf_with_core_font_replaces_what_latin1_cannot_hold(
    org: Org, records: list[LearningRecord], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf_mod, "FONT_DIRS", ())
    Employee.objects.filter(pk=org.staf1.pk).update(name="Ni Kadek Ayu Śuryani “Ayu”")
    org.staf1.refresh_from_db()
    add(org.staf1, "Pelatihan \u2013 Bahasa 日本語", "1", start=dt.date(2025, 2, 2))
    recap = recap_issue(actor=org.users["staf1"], employee=org.staf1, year=YEAR)
    text = pdf_text(recap_pdf(recap, verify_url="https://x.example/"))
    assert 'Ni Kadek Ayu Suryani "Ayu"' in text
    assert "Pelatihan - Bahasa ???" in text
    assert recap.code in text and org.staf1.nip in text


def test_pdf_keeps_names_whole_with_dejavu(org: Org) -> None:
    if pdf_mod.unicode_font() is None:
        pytest.skip("DejaVu Sans is not installed here; the core-font fallback is tested above")
    Employee.objects.filter(pk=org.staf1.pk).update(name="Ni Kadek Ayu Śuryani")
    org.staf1.refresh_from_db()
    recap = recap_issue(actor=org.users["staf1"], employee=org.staf1, year=YEAR)
    assert "Ni Kadek Ayu Śuryani" in pdf_text(recap_pdf(recap, verify_url="https://x.example/"))


def test_latin1() -> None:
    assert pdf_mod.latin1("Café Ślązak \u2013 “x” 日") == 'Café Slazak - "x" ?'


# --- PDF download ----------------------------------------------------------------------------------------------


def test_download_pdf(org: Org, records: list[LearningRecord]) -> None:
    response = download(org.client("staf1"), org.staf1)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="rekap-jp-{org.staf1.nip}-{YEAR}.pdf"'
    assert response.content.startswith(b"%PDF")
    recap = JpRecap.objects.get()
    text = pdf_text(response.content)
    assert recap.code in text
    assert org.staf1.nip in text
    assert "24.5 JP" in text
    assert "Rekap Pengembangan Kompetensi Tahun 2025" in text
    assert "Kabupaten A" in text and "Staf Satu" in text and "Analis" in text and "Bidang A1" in text
    assert "Pelatihan Analisis Kebijakan" in text and "SERT-001" in text
    assert "Diajukan belum diverifikasi" not in text and "Milik rekan" not in text
    assert "Lintas tahun" not in text and "Tahun lalu" not in text
    assert "Batas minimal" in text and "20 JP" in text and "Memenuhi" in text
    assert f"http://testserver/verifikasi/{recap.code}/" in text
    # Downloading again reuses the recap.
    assert download(org.client("staf1"), org.staf1).status_code == 200
    assert JpRecap.objects.count() == 1


def test_pdf_shows_pppk_maximum_and_shortfall_status(org: Org) -> None:
    add(org.staf2, "Pelatihan panjang", "30", start=dt.date(2025, 2, 2))
    text = pdf_text(download(org.client("staf2"), org.staf2).content)
    assert "Batas maksimal" in text and "24 JP" in text and "Melebihi batas maksimal" in text
    assert "Batas minimal" not in text
    text = pdf_text(download(org.client("staf1"), org.staf1).content)  # no records
    assert "Belum memenuhi batas minimal" in text


def test_pdf_qr_and_public_url_from_settings(org: Org, records: list[LearningRecord], settings: Any) -> None:
    settings.BANGKOM_PUBLIC_URL = "https://bangkom.example.go.id"
    response = download(org.client("staf1"), org.staf1)
    recap = JpRecap.objects.get()
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert f"https://bangkom.example.go.id/verifikasi/{recap.code}/" in text
    images = [img for page in reader.pages for img in page.images]
    assert len(images) == 1  # the QR code


def test_download_bad_year_is_404(org: Org) -> None:
    client = org.client("staf1")
    assert download(client, org.staf1, 1900).status_code == 404
    assert download(client, org.staf1, dt.date.today().year + 5).status_code == 404  # noqa: DTZ011


def test_download_needs_login(org: Org) -> None:
    response = download(Client(), org.staf1)
    assert response.status_code == 302 and reverse("login") in response["Location"]


DOWNLOADERS = [
    ("staf1", "staf1", 200),
    ("staf1", "staf2", 404),  # a colleague
    ("staf2", "staf1", 404),
    ("kabid", "staf1", 200),  # atasan langsung
    ("kepala", "staf1", 200),  # atasan tidak langsung
    ("kasubag", "staf1", 404),  # another chain
    ("staf1", "kabid", 404),  # a subordinate cannot reach the atasan
    ("admin_a", "staf1", 200),
    ("admin_b", "staf1", 404),  # admin instansi of another instansi
    ("pegawai_b", "staf1", 404),
    ("nasional", "staf1", 404),
    ("penyelenggara_a", "staf1", 404),
    ("staf1", "pegawai_b", 404),
]


@pytest.mark.parametrize(("viewer", "target", "expected"), DOWNLOADERS)
def test_download_scope(org: Org, records: list[LearningRecord], viewer: str, target: str, expected: int) -> None:
    emp = getattr(org, target)
    response = download(org.client(viewer), emp)
    assert response.status_code == expected
    assert JpRecap.objects.filter(employee=emp).exists() == (expected == 200)
    if expected == 404:
        assert emp.nip.encode() not in response.content


# --- public verification ----------------------------------------------------------------------------------


def test_public_form_works_anonymously(org: Org) -> None:
    response = Client().get(reverse("recap_verify"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="kode"' in html and "Verifikasi rekap" in html


def test_public_page_anonymous_with_masked_nip(
    org: Org, records: list[LearningRecord], django_assert_num_queries: Any
) -> None:
    recap = recap_issue(actor=org.users["staf1"], employee=org.staf1, year=YEAR)
    client = Client()
    url = reverse("recap_verify_code", args=[recap.code])
    with django_assert_num_queries(2):  # the recap with pegawai and instansi; the current records
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Rekap sah" in html and "telah berubah" not in html
    assert org.staf1.nip not in html
    assert mask_nip(org.staf1.nip) in html
    assert "Staf Satu" in html and "Kabupaten A" in html
    assert "24.5 JP" in html and ">3<" in html and ">2025<" in html
    assert recap.code in html
    # No record is listed on the public page, only the summary.
    assert "Pelatihan Analisis Kebijakan" not in html and "Bidang A1" not in html


def test_public_page_warns_when_data_changed(org: Org, records: list[LearningRecord]) -> None:
    recap = recap_issue(actor=org.users["staf1"], employee=org.staf1, year=YEAR)
    records[0].status = RecordStatus.REJECTED
    records[0].save()
    response = Client().get(reverse("recap_verify_code", args=[recap.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "data telah berubah sejak rekap diterbitkan" in html
    assert "24.5 JP" in html  # what the paper says, not the current total


def test_public_lookup_by_form_normalises_and_redirects(org: Org, records: list[LearningRecord]) -> None:
    recap = recap_issue(actor=org.users["staf1"], employee=org.staf1, year=YEAR)
    client = Client()
    canonical = reverse("recap_verify_code", args=[recap.code])
    typed = " " + recap.code.lower().replace("-", " ") + " "
    response = client.get(reverse("recap_verify"), {"kode": typed})
    assert response.status_code == 302 and response["Location"] == canonical
    response = client.get(reverse("recap_verify_code", args=[recap.code.replace("-", "").lower()]))
    assert response.status_code == 302 and response["Location"] == canonical
    assert client.get(canonical).status_code == 200


@pytest.mark.parametrize("code", ["2222-3333-4444", "NOT-A-CODE", "ABCD-EFGH-JKM0"])
def test_unknown_code_is_404(org: Org, records: list[LearningRecord], code: str) -> None:
    recap_issue(actor=org.users["staf1"], employee=org.staf1, year=YEAR)
    client = Client()
    for response in (
        client.get(reverse("recap_verify_code", args=[code])),
        client.get(reverse("recap_verify"), {"kode": code}, follow=True),
    ):
        assert response.status_code == 404
        html = response.content.decode()
        assert "Kode tidak ditemukan" in html
        assert org.staf1.nip not in html and "Staf Satu" not in html


def test_public_page_for_logged_in_user(org: Org, records: list[LearningRecord]) -> None:
    recap = recap_issue(actor=org.users["staf1"], employee=org.staf1, year=YEAR)
    response = org.client("pegawai_b").get(reverse("recap_verify_code", args=[recap.code]))
    assert response.status_code == 200
    assert org.staf1.nip not in response.content.decode()
