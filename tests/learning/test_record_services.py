"""Learning record workflow: credit by the instansi's rules, refusals that write nothing, verification, scope."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from bangkom.audit.models import AuditEvent
from bangkom.learning.models import AgencyJpRule, LearningRecord, RecordStatus
from bangkom.learning.services import (
    OutOfScope,
    RecordData,
    RecordInvalid,
    RuleData,
    jp_rules_save,
    record_delete,
    record_reject,
    record_save,
    record_verify,
)

TODAY = timezone.localdate()
START = TODAY - dt.timedelta(days=40)
END = TODAY - dt.timedelta(days=39)


def png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buf, format="PNG")
    return buf.getvalue()


def data(**over: Any) -> RecordData:
    base: dict[str, Any] = {
        "form": 3,
        "title": "Pelatihan Analisis Data",
        "provider": "BPSDM Provinsi",
        "start_date": START,
        "end_date": END,
        "jp": Decimal("16"),
    }
    base.update(over)
    return RecordData(**base)


def counts() -> tuple[int, int]:
    return LearningRecord.objects.count(), AuditEvent.objects.count()


@pytest.mark.django_db
def test_pegawai_records_own_activity_as_submitted_and_admin_verifies(org: Any) -> None:
    saved = record_save(actor=org.users["staf1"], employee=org.staf1, data=data())
    rec = saved.record
    assert rec.status == RecordStatus.SUBMITTED and rec.jp == Decimal("16") and rec.source == "web"
    with pytest.raises(OutOfScope):  # a pegawai never verifies their own record
        record_verify(actor=org.users["staf1"], record=rec)
    record_verify(actor=org.users["admin_a"], record=rec)
    rec.refresh_from_db()
    assert rec.status == RecordStatus.VERIFIED and rec.verified_by == org.users["admin_a"]
    assert AuditEvent.objects.filter(entity="learning.learningrecord", action="verify", object_id=str(rec.pk)).exists()


@pytest.mark.django_db
def test_atasan_up_the_chain_verifies_and_a_colleague_cannot(org: Any) -> None:
    rec = record_save(actor=org.users["staf1"], employee=org.staf1, data=data()).record
    with pytest.raises(OutOfScope):
        record_verify(actor=org.users["kasubag"], record=rec)  # same instansi, other chain
    with pytest.raises(OutOfScope):
        record_verify(actor=org.users["admin_b"], record=rec)  # other instansi
    record_verify(actor=org.users["kepala"], record=rec)  # indirect atasan
    assert LearningRecord.objects.get(pk=rec.pk).status == RecordStatus.VERIFIED


@pytest.mark.django_db
def test_reject_needs_a_reason_then_correction_resubmits(org: Any) -> None:
    rec = record_save(actor=org.users["staf1"], employee=org.staf1, data=data()).record
    with pytest.raises(RecordInvalid, match="Alasan penolakan wajib"):
        record_reject(actor=org.users["kabid"], record=rec, reason="  ")
    record_reject(actor=org.users["kabid"], record=rec, reason="Sertifikat tidak terbaca")
    rec.refresh_from_db()
    assert rec.status == RecordStatus.REJECTED and rec.rejection_reason == "Sertifikat tidak terbaca"
    with pytest.raises(RecordInvalid, match="Hanya catatan berstatus Diajukan"):
        record_verify(actor=org.users["kabid"], record=rec)
    fixed = record_save(
        actor=org.users["staf1"], employee=org.staf1, data=data(certificate_no="SERT-001"), record=rec
    ).record
    assert fixed.pk == rec.pk and fixed.status == RecordStatus.SUBMITTED and fixed.rejection_reason == ""


@pytest.mark.django_db
def test_verified_record_is_locked_for_the_pegawai(org: Any) -> None:
    rec = record_save(actor=org.users["admin_a"], employee=org.staf1, data=data()).record
    assert rec.status == RecordStatus.VERIFIED  # entered by a verifier: verified at once
    with pytest.raises(RecordInvalid, match="sudah terverifikasi tidak dapat diubah"):
        record_save(actor=org.users["staf1"], employee=org.staf1, data=data(jp=Decimal(40)), record=rec)
    with pytest.raises(RecordInvalid, match="tidak dapat dihapus"):
        record_delete(actor=org.users["staf1"], record=rec)
    record_delete(actor=org.users["admin_a"], record=rec)
    assert not LearningRecord.objects.filter(pk=rec.pk).exists()


BAD_INPUT = [
    ("end before start", {"start_date": END, "end_date": START}, "end_date", "sebelum tanggal mulai"),
    ("negative JP", {"jp": Decimal("-2")}, "jp", "tidak negatif"),
    ("JP not a number", {"jp": Decimal("NaN")}, "jp", "tidak negatif"),
    ("unknown form", {"form": 99}, "form", "tidak dikenal"),
    ("form missing", {"form": None}, "form", "wajib diisi"),
    ("empty title", {"title": "  "}, "title", "Judul wajib"),
    ("empty provider", {"provider": ""}, "provider", "Penyelenggara wajib"),
    ("no JP for a certificate form", {"jp": None}, "jp", "JP wajib diisi"),
    ("coaching without sessions", {"form": 14, "jp": None}, "quantity", "Jumlah sesi wajib"),
    ("negative sessions", {"form": 14, "jp": None, "quantity": Decimal("-1")}, "quantity", "tidak negatif"),
    ("future end, not planned", {"end_date": TODAY + dt.timedelta(days=3)}, "end_date", "belum lewat"),
    ("JP too large", {"jp": Decimal("10000")}, "jp", "terlalu besar"),
    ("status not allowed", {"status": "rejected"}, "status", "tidak dapat dipakai"),
    (
        "evidence not PDF or image",
        {"evidence": SimpleUploadedFile("bukti.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")},
        "evidence",
        "harus PDF atau gambar",
    ),
    (
        "image that does not open",
        {"evidence": SimpleUploadedFile("bukti.png", b"\x89PNG\r\n\x1a\nbroken", content_type="image/png")},
        "evidence",
        "harus PDF atau gambar",
    ),
    (
        "empty evidence",
        {"evidence": SimpleUploadedFile("bukti.pdf", b"", content_type="application/pdf")},
        "evidence",
        "kosong",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "over", "field", "message"), BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_bad_input_is_refused_and_nothing_is_written(
    org: Any, case: str, over: dict[str, Any], field: str, message: str
) -> None:
    before = counts()
    with pytest.raises(RecordInvalid) as exc:
        record_save(actor=org.users["staf1"], employee=org.staf1, data=data(**over))
    assert field in exc.value.errors, exc.value.errors
    assert any(message in m for m in exc.value.errors[field]), exc.value.errors
    assert counts() == before


@pytest.mark.django_db
def test_evidence_too_large_is_refused(org: Any, settings: Any) -> None:
    settings.BANGKOM_EVIDENCE_MAX_BYTES = 1000
    before = counts()
    big = SimpleUploadedFile("bukti.pdf", b"%PDF-1.7\n" + b"0" * 2000, content_type="application/pdf")
    with pytest.raises(RecordInvalid, match="terlalu besar"):
        record_save(actor=org.users["staf1"], employee=org.staf1, data=data(evidence=big))
    assert counts() == before


@pytest.mark.django_db
def test_evidence_is_stored_under_a_random_name_with_the_detected_type(org: Any) -> None:
    upload = SimpleUploadedFile("../../etc/passwd.png", png_bytes(), content_type="application/x-evil")
    rec = record_save(actor=org.users["staf1"], employee=org.staf1, data=data(evidence=upload)).record
    assert rec.evidence_type == "image/png"
    assert rec.evidence.name.startswith("evidence/") and rec.evidence.name.endswith(".png")
    assert "passwd" not in rec.evidence.name


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ["pegawai_b", "admin_b", "kasubag", "staf2", "nasional", "penyelenggara_a"])
def test_record_for_someone_outside_scope_is_refused(org: Any, actor: str) -> None:
    before = counts()
    with pytest.raises(OutOfScope):
        record_save(actor=org.users[actor], employee=org.staf1, data=data())
    assert counts() == before


DUPLICATES = [
    ("same certificate", {"title": "Judul lain", "certificate_no": "sert-77"}),
    ("same title any case, same dates", {"title": "PELATIHAN analisis data ", "certificate_no": ""}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "over"), DUPLICATES, ids=[d[0] for d in DUPLICATES])
def test_duplicates_are_refused(org: Any, case: str, over: dict[str, Any]) -> None:
    record_save(actor=org.users["staf1"], employee=org.staf1, data=data(certificate_no="SERT-77"))
    before = counts()
    with pytest.raises(RecordInvalid, match="sudah tercatat"):
        record_save(actor=org.users["staf1"], employee=org.staf1, data=data(**over))
    assert counts() == before
    # another pegawai may hold the same title and dates
    record_save(actor=org.users["staf2"], employee=org.staf2, data=data(**over))


CREDITS = [
    # form, quantity, stated JP, days, expected JP, capped
    (14, Decimal(5), None, 1, Decimal(4), True),  # coaching: 2 JP a session, at most 2 sessions a month
    (15, Decimal(1), None, 1, Decimal(2), False),
    (10, Decimal(1), None, 20, Decimal(20), False),  # magang: 20 JP per kegiatan
    (20, Decimal(1), None, 2, Decimal(10), False),  # patok banding: 10 JP
    (16, Decimal(2), None, 1, Decimal(6), False),  # e-learning: 3 JP a module
    (16, Decimal(2), Decimal("4.5"), 1, Decimal("4.5"), False),  # ... unless the module states its JP
    (22, None, Decimal(9), 3, Decimal(6), True),  # belajar mandiri: at most 2 JP a day
    (3, None, Decimal("12.25"), 2, Decimal("12.25"), False),  # classical: as on the certificate
]


@pytest.mark.django_db
@pytest.mark.parametrize(("form", "quantity", "jp", "days", "expected", "capped"), CREDITS)
def test_jp_is_credited_by_the_default_rules(
    org: Any, form: int, quantity: Decimal | None, jp: Decimal | None, days: int, expected: Decimal, capped: bool
) -> None:
    start = dt.date(TODAY.year - 1, 3, 2)
    saved = record_save(
        actor=org.users["staf1"],
        employee=org.staf1,
        data=data(form=form, quantity=quantity, jp=jp, start_date=start, end_date=start + dt.timedelta(days=days - 1)),
    )
    assert saved.record.jp == expected
    assert saved.credit.capped is capped
    assert bool(saved.notes) is capped


@pytest.mark.django_db
def test_agency_rule_overrides_the_default_for_its_own_pegawai_only(org: Any) -> None:
    jp_rules_save(
        actor=org.users["admin_a"],
        agency=org.agency_a,
        rows=[RuleData(14, "sesi", Decimal(3), None, None)],
    )
    start = dt.date(TODAY.year - 1, 5, 1)
    coaching = data(form=14, jp=None, quantity=Decimal(5), start_date=start, end_date=start)
    assert record_save(actor=org.users["staf1"], employee=org.staf1, data=coaching).record.jp == Decimal(15)
    assert record_save(actor=org.users["pegawai_b"], employee=org.pegawai_b, data=coaching).record.jp == Decimal(4)
    # saving the national default again removes the override
    jp_rules_save(actor=org.users["admin_a"], agency=org.agency_a, rows=[RuleData(14, "sesi", Decimal(2), 2, None)])
    assert not AgencyJpRule.objects.filter(agency=org.agency_a).exists()


RULE_REFUSALS = [
    (RuleData(14, "sesi", None, 2, None), "wajib diisi"),
    (RuleData(14, "minggu", Decimal(2), None, None), "tidak dikenal"),
    (RuleData(16, "modul", None, None, None), "JP per modul"),
    (RuleData(22, "jp", None, None, Decimal(-1)), "antara 0"),
    (RuleData(14, "sesi", Decimal(2), 0, None), "antara 1 dan 100"),
    (RuleData(99, "jp", None, None, None), "tidak dikenal"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "message"), RULE_REFUSALS)
def test_bad_rule_rows_refuse_the_whole_table(org: Any, row: RuleData, message: str) -> None:
    good = RuleData(15, "sesi", Decimal(3), None, None)
    with pytest.raises(RecordInvalid, match=message):
        jp_rules_save(actor=org.users["admin_a"], agency=org.agency_a, rows=[good, row])
    assert not AgencyJpRule.objects.exists()


@pytest.mark.django_db
def test_only_the_instansi_admin_edits_its_rules(org: Any) -> None:
    with pytest.raises(OutOfScope):
        jp_rules_save(
            actor=org.users["admin_b"], agency=org.agency_a, rows=[RuleData(15, "sesi", Decimal(3), None, None)]
        )
