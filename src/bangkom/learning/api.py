"""JSON API for learning records, so that other systems (an LMS, a training provider) can push completions.

The same services as the pages: record_save checks dates, JP, form, duplicates and scope once for every caller,
and refuses with every problem found while writing nothing. A pegawai or record outside the caller's scope
answers 404 exactly like one that does not exist, so ids and NIPs cannot be probed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from bangkom.config.pagination import PageNumberPagination
from bangkom.engine.hours import format_jp
from bangkom.learning.models import LearningRecord
from bangkom.learning.selectors import record_get, records_visible_to
from bangkom.learning.services import OutOfScope, RecordData, RecordInvalid, record_reject, record_save, record_verify
from bangkom.org.selectors import employees_visible_to

router = Router(tags=["catatan pembelajaran"])

PAGE_SIZE = 100


def _number(value: Decimal | None) -> str | None:
    """Exact decimal as text without trailing zeros ("12.5", "3"): no float rounding on the way to the client."""
    return None if value is None else format_jp(int((value * 100).to_integral_value()))


class RecordIn(Schema):
    nip: str = Field(..., max_length=30, description="NIP/NI PPPK pegawai, sebagai teks (18 angka).")
    form: int = Field(..., description="Bentuk pengembangan: id jenis diklat SIASN, 1-25.")
    title: str = Field(..., max_length=500)
    provider: str = Field(..., max_length=255, description="Penyelenggara.")
    start_date: dt.date = Field(..., description="YYYY-MM-DD")
    end_date: dt.date = Field(..., description="YYYY-MM-DD; tidak boleh sebelum start_date.")
    jp: Decimal | None = Field(None, description="JP sesuai sertifikat (angka, paling banyak 2 desimal).")
    quantity: Decimal | None = Field(
        None, description="Jumlah satuan (sesi, hari, kegiatan, modul) untuk bentuk yang dihitung per satuan."
    )
    certificate_no: str = Field("", max_length=100, description="Nomor sertifikat; dipakai untuk menolak duplikat.")
    status: str | None = Field(
        None,
        description=(
            "planned | submitted | verified. Kosong: verified bila pemanggil berwenang memverifikasi pegawai ini "
            "(admin instansi, atasan), selain itu submitted."
        ),
    )


class RecordOut(Schema):
    id: int
    nip: str
    form: int
    title: str
    provider: str
    start_date: dt.date
    end_date: dt.date
    jp: str = Field(..., description='JP yang diakui, teks desimal tanpa nol di belakang (mis. "7.5").')
    quantity: str | None
    certificate_no: str
    status: str
    rejection_reason: str
    source: str
    has_evidence: bool
    notes: list[str] = Field(default_factory=list, description="Catatan dari penyimpanan, mis. JP yang dibatasi.")

    @staticmethod
    def resolve_nip(obj: LearningRecord) -> str:
        return obj.employee.nip

    @staticmethod
    def resolve_form(obj: LearningRecord) -> int:
        return obj.form_id

    @staticmethod
    def resolve_jp(obj: LearningRecord) -> str | None:
        return _number(obj.jp)

    @staticmethod
    def resolve_quantity(obj: LearningRecord) -> str | None:
        return _number(obj.quantity)

    @staticmethod
    def resolve_has_evidence(obj: LearningRecord) -> bool:
        return bool(obj.evidence)


class RejectIn(Schema):
    reason: str = Field(..., max_length=1000, description="Alasan penolakan; pegawai perlu tahu apa yang diperbaiki.")


class MessageOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    field: str | None = Field(..., description="Nama isian; null untuk masalah catatan secara keseluruhan.")
    message: str


class ErrorsOut(Schema):
    detail: list[FieldErrorOut]


def field_errors(errors: Mapping[str, list[str]]) -> dict[str, Any]:
    """RecordInvalid's messages in the API's 422 shape, the same as for a malformed request (config.api)."""
    return {
        "detail": [
            {"field": None if key == "__all__" else key, "message": message}
            for key, messages in errors.items()
            for message in messages
        ]
    }


def _employee_missing() -> HttpError:
    return HttpError(404, _("Pegawai tidak ditemukan atau di luar lingkup Anda."))


def _record_missing() -> HttpError:
    return HttpError(404, _("Catatan tidak ditemukan atau di luar lingkup Anda."))


def _out(record: LearningRecord, notes: list[str] | None = None) -> RecordOut:
    return RecordOut.from_orm(record).model_copy(update={"notes": notes or []})


@router.post(
    "/records",
    response={201: RecordOut, 404: MessageOut, 422: ErrorsOut},
    summary="Catat kegiatan pembelajaran",
)
def record_create(request: HttpRequest, payload: RecordIn) -> Status[Any]:
    """Satu kegiatan untuk satu pegawai (dicari menurut NIP dalam lingkup pemanggil). Masukan yang salah ditolak
    dengan 422 dan semua masalahnya, tanpa ada yang tersimpan. Bukti (berkas sertifikat) belum dapat diunggah
    lewat API: unggah lewat halaman catatan pembelajaran."""
    employee = employees_visible_to(request.user).filter(nip=payload.nip.strip()).select_related("agency").first()
    if employee is None:
        raise _employee_missing()
    data = RecordData(
        form=payload.form,
        title=payload.title,
        provider=payload.provider,
        start_date=payload.start_date,
        end_date=payload.end_date,
        jp=payload.jp,
        quantity=payload.quantity,
        certificate_no=payload.certificate_no,
        status=payload.status or None,
    )
    try:
        saved = record_save(actor=request.user, employee=employee, data=data, source="api")
    except OutOfScope as exc:
        raise _employee_missing() from exc
    except RecordInvalid as exc:
        return Status(422, field_errors(exc.errors))
    return Status(201, _out(saved.record, saved.notes))


@router.get("/records", response=list[RecordOut], summary="Daftar catatan pembelajaran")
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def record_list(
    request: HttpRequest, nip: str = "", status: str = "", year: int | None = Query(None, ge=1, le=9999)
) -> QuerySet[LearningRecord]:
    """Catatan yang boleh dilihat pemanggil, terbaru (tanggal selesai) lebih dulu; saring menurut NIP, status
    (planned, submitted, verified, rejected) dan tahun tanggal selesai."""
    qs = records_visible_to(request.user).select_related("employee")
    if nip.strip():
        qs = qs.filter(employee__nip=nip.strip())
    if status:
        qs = qs.filter(status=status)
    if year is not None:
        qs = qs.filter(end_date__year=year)
    return qs.order_by("-end_date", "-pk")


@router.get("/records/{record_id}", response={200: RecordOut, 404: MessageOut}, summary="Satu catatan")
def record_detail(request: HttpRequest, record_id: int) -> RecordOut:
    record = record_get(request.user, record_id)
    if record is None:
        raise _record_missing()
    return _out(record)


@router.post(
    "/records/{record_id}/verify",
    response={200: RecordOut, 404: MessageOut, 422: ErrorsOut},
    summary="Verifikasi catatan yang diajukan",
)
def record_verify_api(request: HttpRequest, record_id: int) -> Status[Any]:
    """Admin instansi pegawai itu atau atasannya; tidak pernah pegawai itu sendiri (404)."""
    record = record_get(request.user, record_id)
    if record is None:
        raise _record_missing()
    try:
        record = record_verify(actor=request.user, record=record)
    except OutOfScope as exc:
        raise _record_missing() from exc
    except RecordInvalid as exc:
        return Status(422, field_errors(exc.errors))
    return Status(200, _out(record))


@router.post(
    "/records/{record_id}/reject",
    response={200: RecordOut, 404: MessageOut, 422: ErrorsOut},
    summary="Tolak catatan yang diajukan",
)
def record_reject_api(request: HttpRequest, record_id: int, payload: RejectIn) -> Status[Any]:
    """Seperti verifikasi; alasan wajib diisi."""
    record = record_get(request.user, record_id)
    if record is None:
        raise _record_missing()
    try:
        record = record_reject(actor=request.user, record=record, reason=payload.reason)
    except OutOfScope as exc:
        raise _record_missing() from exc
    except RecordInvalid as exc:
        return Status(422, field_errors(exc.errors))
    return Status(200, _out(record))
