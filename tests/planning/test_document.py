"""The AKPK document: PDF and XLSX of an approved AKPK, their content, and who may download them."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from bangkom.planning.document import akpk_document, akpk_pdf, akpk_xlsx
from bangkom.planning.models import Akpk, AkpkStatus, Need, NeedStatus
from bangkom.planning.services import akpk_approve, need_review, needs_gather
from tests.planning.conftest import Plan


@pytest.fixture
def approved(plan: Plan) -> Akpk:
    admin = plan.org.users["admin_a"]
    needs_gather(actor=admin, akpk=plan.akpk)
    kabid_need = Need.objects.get(employee=plan.org.kabid)
    need_review(actor=plan.org.users["kepala"], need=kabid_need, approve=False, reason="Tidak relevan")
    return akpk_approve(actor=admin, akpk=plan.akpk, approve_pending=True)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_pdf_download(plan: Plan, approved: Akpk, django_assert_max_num_queries: Any) -> None:
    client = plan.org.client("admin_a")
    with django_assert_max_num_queries(10):
        response = client.get(f"/akpk/{approved.pk}/dokumen.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="akpk-A-2026.pdf"'
    text = pdf_text(response.content)
    assert "Kabupaten A" in text
    assert "2026" in text
    assert "Pengelolaan Anggaran" in text and "A.T.1" in text
    assert "Staf Satu" in text and "Bidang A1" in text
    assert "Kabid A" not in text  # the rejected need is left out
    assert "oleh admin_a" in text  # who approved it


def test_pdf_with_many_needs_spans_pages(plan: Plan, approved: Akpk) -> None:
    doc = akpk_document(plan.org.users["admin_a"], approved)
    many = doc.needs * 40
    content = akpk_pdf(type(doc)(doc.akpk, doc.agency_name, doc.per_competency, doc.per_unit, many))
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) > 1
    assert "halaman 2 dari" in reader.pages[1].extract_text()


def test_xlsx_download(plan: Plan, approved: Akpk) -> None:
    response = plan.org.client("admin_a").get(f"/akpk/{approved.pk}/dokumen.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="akpk-A-2026.xlsx"'
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Per kompetensi", "Per unit kerja", "Daftar kebutuhan", "Keterangan"]
    per_comp = list(wb["Per kompetensi"].iter_rows(values_only=True))
    assert per_comp[0] == ("Kode", "Kompetensi", "Pegawai", "Kebutuhan", "Rata-rata kesenjangan")
    assert per_comp[1:] == [
        ("A.T.1", "Pengelolaan Anggaran", 2, 2, 1.5),
        ("M.1", "Integritas", 1, 1, 1),
        ("M.4", "Orientasi pada Hasil", 1, 1, 1),
    ]
    per_unit = list(wb["Per unit kerja"].iter_rows(values_only=True))
    assert [(r[0], r[2], r[4]) for r in per_unit[1:]] == [
        ("A-U0", "A.T.1", 1),
        ("A-U1", "A.T.1", 1),
        ("A-U1", "M.1", 1),
        ("A-U1", "M.4", 1),
    ]
    needs = list(wb["Daftar kebutuhan"].iter_rows(values_only=True))
    assert len(needs) == 5  # header + 4 (kabid's need was rejected)
    assert {r[1] for r in needs[1:]} == {"Kepala A", "Staf Satu"}
    assert all(r[9] == str(NeedStatus.APPROVED.label) for r in needs[1:])
    info = dict(wb["Keterangan"].iter_rows(values_only=True))
    assert info["Instansi"] == "Kabupaten A" and info["Tahun"] == 2026


def test_xlsx_quotes_formula_like_text(plan: Plan, approved: Akpk) -> None:
    Need.objects.filter(employee=plan.org.kepala).update(note="=HYPERLINK(1)")
    content = akpk_xlsx(akpk_document(plan.org.users["admin_a"], approved))
    rows = list(load_workbook(io.BytesIO(content))["Daftar kebutuhan"].iter_rows(values_only=True))
    assert "'=HYPERLINK(1)" in {r[10] for r in rows}


def test_only_an_approved_akpk_has_a_document(plan: Plan) -> None:
    needs_gather(actor=plan.org.users["admin_a"], akpk=plan.akpk)
    client = plan.org.client("admin_a")
    assert client.get(f"/akpk/{plan.akpk.pk}/dokumen.pdf").status_code == 404
    assert client.get(f"/akpk/{plan.akpk.pk}/dokumen.xlsx").status_code == 404


@pytest.mark.parametrize(("user", "status"), [("kepala", 403), ("staf1", 403), ("nasional", 403), ("admin_b", 404)])
def test_document_is_for_the_admin_instansi(plan: Plan, approved: Akpk, user: str, status: int) -> None:
    client = plan.org.client(user)
    assert client.get(f"/akpk/{approved.pk}/dokumen.pdf").status_code == status
    assert client.get(f"/akpk/{approved.pk}/dokumen.xlsx").status_code == status


def test_akpk_page_links_the_documents_once_approved(plan: Plan, approved: Akpk) -> None:
    body = plan.org.client("admin_a").get("/akpk/").content.decode()
    assert f"/akpk/{approved.pk}/dokumen.pdf" in body and f"/akpk/{approved.pk}/dokumen.xlsx" in body
    assert f"/akpk/{approved.pk}/kebutuhan/" in body
    Akpk.objects.filter(pk=approved.pk).update(status=AkpkStatus.IN_REVIEW)
    body = plan.org.client("admin_a").get("/akpk/").content.decode()
    assert "dokumen.pdf" not in body
    assert f"/akpk/{approved.pk}/setujui/" in body
