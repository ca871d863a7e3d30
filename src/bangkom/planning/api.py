"""JSON API for the AKPK (needs analysis) and the catalogue of offerings: the same selectors and services as
the pages, so scope and rules are written once.

Scope: an AKPK, need or offering the caller may not read answers 404, exactly like one that does not exist,
so ids cannot be probed. One the caller may read but may not act on (a pegawai deactivating an offering, an
admin instansi proposing a need in a pegawai's name) answers 403: nothing is revealed that the caller could
not already read. A refusal by a service (RecordInvalid) answers 422 in the house shape
{"detail": [{"field", "message"}]} and writes nothing.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import BeforeValidator, StringConstraints

from bangkom.accounts.roles import roles_for
from bangkom.config.pagination import PageNumberPagination
from bangkom.engine.hours import format_jp
from bangkom.learning.api import ErrorsOut, MessageOut, field_errors
from bangkom.org.models import Agency
from bangkom.org.selectors import agencies_visible_to, employees_visible_to
from bangkom.planning.models import Akpk, Need, Offering
from bangkom.planning.selectors import (
    NeedAggregate,
    akpk_get,
    akpk_list,
    need_aggregates,
    need_counts,
    need_get,
    need_list,
    offering_get,
    offerings_visible_to,
)
from bangkom.planning.services import (
    OfferingData,
    OutOfScope,
    RecordInvalid,
    akpk_approve,
    akpk_create,
    akpk_gather_start,
    need_propose,
    need_review,
    offering_save,
    offering_set_active,
)

router = Router(tags=["AKPK dan katalog"])

PAGE_SIZE = 100
MAX_PAGE_SIZE = 500

NeedStatusIn = Literal["proposed", "approved_by_atasan", "approved", "rejected"]
NeedSourceIn = Literal["gap_current", "gap_next", "performance", "pegawai", "atasan", "instansi_priority"]
ModalityIn = Literal["online", "offline", "blended"]


def _id_as_text(value: Any) -> Any:
    """A competency may be named by its id as a JSON number; the services take codes and ids as text alike."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


# Not `str | int`: a union would report a bad value twice, as "competency.str" and "competency.int".
CompetencyRef = Annotated[str, BeforeValidator(_id_as_text), StringConstraints(max_length=50)]


def _number(value: Decimal | None) -> str | None:
    """Exact decimal as text without trailing zeros ("12.5", "3"), as in the learning API."""
    return None if value is None else format_jp(int((value * 100).to_integral_value()))


def _akpk_missing() -> HttpError:
    return HttpError(404, _("AKPK tidak ditemukan atau di luar lingkup Anda."))


def _need_missing() -> HttpError:
    return HttpError(404, _("Kebutuhan tidak ditemukan atau di luar lingkup Anda."))


def _employee_missing() -> HttpError:
    return HttpError(404, _("Pegawai tidak ditemukan atau di luar lingkup Anda."))


def _offering_missing() -> HttpError:
    return HttpError(404, _("Penawaran tidak ditemukan atau di luar lingkup Anda."))


def _forbidden() -> HttpError:
    return HttpError(403, _("Anda tidak berwenang melakukan tindakan ini."))


def _akpk_or_404(request: HttpRequest, akpk_id: int) -> Akpk:
    akpk = akpk_get(request.user, akpk_id)
    if akpk is None:
        raise _akpk_missing()
    return akpk


def _managed_agency(request: HttpRequest, code: str | None, *, penyelenggara: bool) -> Agency:
    """The instansi named by code (among those the caller may read), or else the only one the caller manages.

    Whether the caller may act on it is the service's rule; this only finds it.
    """
    code = (code or "").strip()
    if code:
        agency = agencies_visible_to(request.user).filter(code=code).first()
        if agency is None:
            raise HttpError(404, _("Instansi tidak ditemukan atau di luar lingkup Anda."))
        return agency
    roles = roles_for(request.user)
    managed = roles.admin_agency_ids | (roles.penyelenggara_agency_ids if penyelenggara else frozenset())
    if not managed:
        raise _forbidden()
    if len(managed) > 1:
        raise RecordInvalid({"agency_code": [_("Anda mengelola beberapa instansi: sebutkan kode instansinya.")]})
    return Agency.objects.get(pk=next(iter(managed)))


# --- AKPK ----------------------------------------------------------------------------------------------------


class AkpkFields(Schema):
    id: int
    agency_code: str
    agency_name: str
    year: int
    status: str = Field(..., description="draft | in_review | approved (disetujui: dibekukan).")
    gathered_at: dt.datetime | None
    approved_at: dt.datetime | None


class AkpkOut(AkpkFields):
    @staticmethod
    def resolve_agency_code(obj: Akpk) -> str:
        return obj.agency.code

    @staticmethod
    def resolve_agency_name(obj: Akpk) -> str:
        return obj.agency.name


class AggregateOut(Schema):
    unit_code: str | None = Field(None, description="Kode unit kerja; null pada rekap per kompetensi.")
    unit_name: str | None = None
    competency_code: str
    competency_name: str
    employees: int = Field(..., description="Pegawai berbeda yang membutuhkan kompetensi ini.")
    needs: int = Field(..., description="Baris kebutuhan (satu pegawai dapat punya beberapa sumber).")
    mean_gap: float | None = Field(..., description="Rata-rata (sasaran - saat ini) atas kebutuhan berlevel.")


class AkpkDetailOut(AkpkFields):
    counts_by_status: dict[str, int]
    counts_by_source: dict[str, int]
    per_competency: list[AggregateOut]
    per_unit: list[AggregateOut]


def _aggregate(row: NeedAggregate, *, by_unit: bool) -> AggregateOut:
    return AggregateOut(
        unit_code=row.unit_code if by_unit else None,
        unit_name=row.unit_name if by_unit else None,
        competency_code=row.competency_code,
        competency_name=row.competency_name,
        employees=row.employees,
        needs=row.needs,
        mean_gap=row.mean_gap,
    )


@router.get("/akpk", response=list[AkpkOut], summary="Daftar AKPK")
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def akpk_list_api(request: HttpRequest, year: int | None = None) -> QuerySet[Akpk]:
    """AKPK instansi pemanggil (admin instansi: instansi yang dikelolanya; pegawai: instansinya sendiri),
    tahun terbaru lebih dulu. Baris AKPK tidak memuat data pribadi."""
    qs = akpk_list(request.user)
    if year is not None:
        qs = qs.filter(year=year)
    return qs


@router.get(
    "/akpk/{akpk_id}",
    response={200: AkpkDetailOut, 404: MessageOut},
    summary="Satu AKPK dengan rekap kebutuhan",
)
def akpk_detail_api(request: HttpRequest, akpk_id: int, include_rejected: bool = False) -> AkpkDetailOut:
    """Rekap kebutuhan per kompetensi dan per unit kerja x kompetensi, serta jumlah per status dan sumber.
    Rekap dihitung dalam lingkup pemanggil: admin instansi seluruh pegawai, atasan bawahannya, pegawai dirinya
    sendiri. Kebutuhan yang ditolak tidak dihitung kecuali include_rejected=true."""
    akpk = _akpk_or_404(request, akpk_id)
    counts = need_counts(request.user, akpk)
    per_comp = need_aggregates(request.user, akpk, include_rejected=include_rejected, by_unit=False)
    per_unit = need_aggregates(request.user, akpk, include_rejected=include_rejected, by_unit=True)
    return AkpkDetailOut(
        id=akpk.pk,
        agency_code=akpk.agency.code,
        agency_name=akpk.agency.name,
        year=akpk.year,
        status=akpk.status,
        gathered_at=akpk.gathered_at,
        approved_at=akpk.approved_at,
        counts_by_status=counts["status"],
        counts_by_source=counts["source"],
        per_competency=[_aggregate(r, by_unit=False) for r in per_comp],
        per_unit=[_aggregate(r, by_unit=True) for r in per_unit],
    )


class AkpkCreateIn(Schema):
    year: int = Field(..., description="Tahun AKPK.")
    agency_code: str | None = Field(
        None, max_length=50, description="Instansi; kosong: satu-satunya instansi yang Anda kelola."
    )


@router.post(
    "/akpk",
    response={201: AkpkOut, 403: MessageOut, 404: MessageOut, 422: ErrorsOut},
    summary="Buat AKPK",
)
def akpk_create_api(request: HttpRequest, payload: AkpkCreateIn) -> Status[Any]:
    """Admin instansi: satu AKPK per instansi dan tahun, berstatus draft."""
    try:
        agency = _managed_agency(request, payload.agency_code, penyelenggara=False)
        akpk = akpk_create(actor=request.user, agency=agency, year=payload.year)
    except OutOfScope as exc:
        raise _forbidden() from exc
    except RecordInvalid as exc:
        return Status(422, field_errors(exc.errors))
    return Status(201, AkpkOut.from_orm(_akpk_or_404(request, akpk.pk)))


class ApproveIn(Schema):
    approve_pending: bool = Field(
        False, description="true: kebutuhan yang belum diputuskan ikut disetujui; false: ditolak 422 bila masih ada."
    )


@router.post(
    "/akpk/{akpk_id}/approve",
    response={200: AkpkOut, 403: MessageOut, 404: MessageOut, 422: ErrorsOut},
    summary="Setujui AKPK",
)
def akpk_approve_api(request: HttpRequest, akpk_id: int, payload: ApproveIn | None = None) -> Status[Any]:
    """Admin instansi. AKPK yang disetujui dibekukan: tidak ada lagi penghimpunan, usulan atau keputusan."""
    akpk = _akpk_or_404(request, akpk_id)
    try:
        akpk_approve(
            actor=request.user, akpk=akpk, approve_pending=payload.approve_pending if payload is not None else False
        )
    except OutOfScope as exc:
        raise _forbidden() from exc
    except RecordInvalid as exc:
        return Status(422, field_errors(exc.errors))
    return Status(200, AkpkOut.from_orm(_akpk_or_404(request, akpk.pk)))


class GatherIn(Schema):
    next_positions: dict[int, int] = Field(
        default_factory=dict,
        description="Jabatan berikutnya per pegawai: {id pegawai: id jabatan} (sumber gap_next); boleh kosong.",
    )


class JobStartedOut(Schema):
    job_id: str
    status: str
    url: str = Field(..., description="Pantau kemajuannya di sini (GET).")


@router.post(
    "/akpk/{akpk_id}/gather",
    response={202: JobStartedOut, 403: MessageOut, 404: MessageOut, 422: ErrorsOut},
    summary="Himpun kebutuhan (pekerjaan latar)",
)
def akpk_gather_api(request: HttpRequest, akpk_id: int, payload: GatherIn | None = None) -> Status[Any]:
    """Admin instansi. Menghimpun kebutuhan dari kesenjangan SKJ, jabatan berikutnya, kinerja tahun lalu dan
    kompetensi prioritas instansi sebagai pekerjaan latar; jawabannya id pekerjaan untuk /api/v1/jobs/{id}."""
    akpk = _akpk_or_404(request, akpk_id)
    next_positions = payload.next_positions if payload is not None else {}
    try:
        job = akpk_gather_start(
            actor=request.user, akpk=akpk, next_positions=next_positions or None, lang=get_language() or "id"
        )
    except OutOfScope as exc:
        raise _forbidden() from exc
    except RecordInvalid as exc:
        return Status(422, field_errors(exc.errors))
    return Status(202, JobStartedOut(job_id=str(job.pk), status=job.status, url=f"/api/v1/jobs/{job.pk}"))


# --- Needs ---------------------------------------------------------------------------------------------------


class NeedOut(Schema):
    id: int
    akpk_id: int
    nip: str
    employee_name: str
    unit_code: str
    competency_code: str
    competency_name: str
    current_level: int | None
    target_level: int
    gap: int | None
    priority: int = Field(..., description="1 (rendah) sampai 5 (tinggi).")
    source: str
    status: str
    note: str
    review_reason: str
    atasan_reviewed_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    updated_at: dt.datetime

    @staticmethod
    def resolve_nip(obj: Need) -> str:
        return obj.employee.nip

    @staticmethod
    def resolve_employee_name(obj: Need) -> str:
        return obj.employee.name

    @staticmethod
    def resolve_unit_code(obj: Need) -> str:
        return obj.employee.unit.code

    @staticmethod
    def resolve_competency_code(obj: Need) -> str:
        return obj.competency.code

    @staticmethod
    def resolve_competency_name(obj: Need) -> str:
        return obj.competency.name

    @staticmethod
    def resolve_gap(obj: Need) -> int | None:
        return obj.gap


@router.get(
    "/akpk/{akpk_id}/needs",
    response={200: list[NeedOut], 404: MessageOut},
    summary="Daftar kebutuhan sebuah AKPK",
)
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def need_list_api(
    request: HttpRequest,
    akpk_id: int,
    status: NeedStatusIn | None = None,
    source: NeedSourceIn | None = None,
    competency: str = "",
    nip: str = "",
) -> QuerySet[Need]:
    """Kebutuhan dalam lingkup pemanggil: admin instansi semua kebutuhan AKPK itu, atasan kebutuhan
    bawahannya (langsung dan tidak langsung), pegawai kebutuhannya sendiri. Saring menurut status, sumber,
    kompetensi (kode) dan NIP; urut nama pegawai, lalu kode kompetensi."""
    akpk = _akpk_or_404(request, akpk_id)
    qs = need_list(request.user, akpk=akpk, status=status or "", source=source or "")
    if competency.strip():
        qs = qs.filter(competency__code=competency.strip())
    if nip.strip():
        qs = qs.filter(employee__nip=nip.strip())
    return qs.select_related("employee__unit")


class NeedProposeIn(Schema):
    nip: str | None = Field(
        None, max_length=30, description="NIP pegawai yang diusulkan; kosong: pemanggil sendiri (pegawai)."
    )
    competency: CompetencyRef = Field(..., description='Kode kompetensi (mis. "M.4") atau id-nya (angka).')
    target_level: int = Field(..., description="Level sasaran 1-5, di atas level saat ini.")
    priority: int | None = Field(None, description="1 (rendah) sampai 5 (tinggi); kosong: 3.")
    note: str = Field("", max_length=2000)


@router.post(
    "/akpk/{akpk_id}/needs",
    response={201: NeedOut, 403: MessageOut, 404: MessageOut, 422: ErrorsOut},
    summary="Usulkan kebutuhan",
)
def need_propose_api(request: HttpRequest, akpk_id: int, payload: NeedProposeIn) -> Status[Any]:
    """Pegawai mengusulkan untuk dirinya sendiri (sumber pegawai), atasan untuk bawahannya (sumber atasan,
    langsung berstatus disetujui atasan). Mengusulkan lagi kompetensi yang sama memperbarui usulan selama
    belum diputuskan."""
    akpk = _akpk_or_404(request, akpk_id)
    employees = employees_visible_to(request.user)
    if payload.nip and payload.nip.strip():
        employee = employees.filter(nip=payload.nip.strip()).first()
    else:
        own = roles_for(request.user).employee_id
        employee = employees.filter(pk=own).first() if own is not None else None
    if employee is None:
        raise _employee_missing()
    try:
        need = need_propose(
            actor=request.user,
            employee=employee,
            competency=payload.competency.strip(),
            target_level=payload.target_level,
            note=payload.note,
            akpk=akpk,
            priority=payload.priority,
        )
    except OutOfScope as exc:
        raise _forbidden() from exc
    except RecordInvalid as exc:
        return Status(422, field_errors(exc.errors))
    return Status(201, _need_out(need.pk, request))


def _need_out(pk: int, request: HttpRequest) -> NeedOut:
    need = need_get(request.user, pk)
    if need is None:  # the caller just wrote it: cannot happen, but never answer outside the scope
        raise _need_missing()
    return NeedOut.from_orm(need)


@router.get("/akpk/needs/{need_id}", response={200: NeedOut, 404: MessageOut}, summary="Satu kebutuhan")
def need_detail_api(request: HttpRequest, need_id: int) -> NeedOut:
    return _need_out(need_id, request)


class NeedReviewIn(Schema):
    decision: Literal["approve", "reject"] = Field(..., description="approve (setujui) atau reject (tolak).")
    reason: str = Field("", max_length=2000, description="Alasan; wajib bila ditolak.")


@router.post(
    "/akpk/needs/{need_id}/review",
    response={200: NeedOut, 403: MessageOut, 404: MessageOut, 422: ErrorsOut},
    summary="Putuskan kebutuhan",
)
def need_review_api(request: HttpRequest, need_id: int, payload: NeedReviewIn) -> Status[Any]:
    """Atasan (siapa pun di rantai atasan pegawai) memutuskan lebih dahulu, lalu admin instansi memutuskan
    yang disetujui atasan. Pegawai tanpa atasan langsung ke admin instansi. Pegawai tidak dapat memutuskan
    kebutuhannya sendiri (422)."""
    need = need_get(request.user, need_id)
    if need is None:
        raise _need_missing()
    try:
        need_review(actor=request.user, need=need, approve=payload.decision == "approve", reason=payload.reason)
    except OutOfScope as exc:
        raise _forbidden() from exc
    except RecordInvalid as exc:
        return Status(422, field_errors(exc.errors))
    return Status(200, _need_out(need.pk, request))


# --- Catalogue -----------------------------------------------------------------------------------------------


class OfferingCompetencyIn(Schema):
    competency: CompetencyRef = Field(..., description='Kode kompetensi (mis. "M.4") atau id-nya (angka).')
    level_increase: int = Field(1, description="Kenaikan level yang dijanjikan, 1-4.")


class OfferingIn(Schema):
    form: int = Field(..., description="Bentuk pengembangan: id jenis diklat SIASN, 1-25.")
    title: str = Field(..., max_length=500)
    provider: str = Field(..., max_length=255, description="Penyelenggara.")
    jp: Decimal = Field(..., description="JP kegiatan (angka, paling banyak 2 desimal).")
    cost_per_participant: int = Field(0, description="Biaya per peserta dalam rupiah bulat.")
    modality: str = Field("offline", description="online (daring) | offline (luring) | blended (campuran).")
    seats: int | None = Field(None, description="Kuota peserta; kosong: tak terbatas.")
    start_date: dt.date | None = Field(None, description="YYYY-MM-DD; kosong bersama end_date: mandiri.")
    end_date: dt.date | None = None
    location: str = Field("", max_length=255)
    eligible_position_kinds: list[str] = Field(
        default_factory=list, description="Jenis jabatan sasaran (mis. pelaksana, pengawas); kosong: semua."
    )
    min_level: int | None = Field(None, description="Level minimal peserta 1-5; kosong: tanpa syarat.")
    active: bool = True
    competencies: list[OfferingCompetencyIn] = Field(default_factory=list)


class OfferingCreateIn(OfferingIn):
    agency_code: str | None = Field(
        None,
        max_length=50,
        description="Instansi pemilik; kosong: satu-satunya instansi yang Anda kelola. Abaikan bila national.",
    )
    national: bool = Field(False, description="true: katalog nasional (admin nasional saja).")


class OfferingCompetencyOut(Schema):
    code: str
    name: str
    level_increase: int


class OfferingOut(Schema):
    id: int
    agency_code: str | None = Field(..., description="Instansi pemilik; null untuk katalog nasional.")
    form: int
    form_name: str
    path: str = Field(..., description="Jalur bentuk pengembangan: klasikal atau nonklasikal.")
    title: str
    provider: str
    jp: str = Field(..., description='Teks desimal tanpa nol di belakang (mis. "7.5").')
    cost_per_participant: int
    seats: int | None
    start_date: dt.date | None
    end_date: dt.date | None
    modality: str
    location: str
    eligible_position_kinds: list[str]
    min_level: int | None
    active: bool
    competencies: list[OfferingCompetencyOut]

    @staticmethod
    def resolve_agency_code(obj: Offering) -> str | None:
        return obj.agency.code if obj.agency is not None else None

    @staticmethod
    def resolve_form(obj: Offering) -> int:
        return obj.form_id

    @staticmethod
    def resolve_form_name(obj: Offering) -> str:
        return obj.form.name

    @staticmethod
    def resolve_path(obj: Offering) -> str:
        return obj.form.path

    @staticmethod
    def resolve_jp(obj: Offering) -> str | None:
        return _number(obj.jp)

    @staticmethod
    def resolve_competencies(obj: Offering) -> list[OfferingCompetencyOut]:
        rows = sorted(obj.competencies.all(), key=lambda c: c.competency.code)  # prefetched: sort here, no query
        return [
            OfferingCompetencyOut(code=c.competency.code, name=c.competency.name, level_increase=c.level_increase)
            for c in rows
        ]


@router.get("/offerings", response=list[OfferingOut], summary="Katalog penawaran pengembangan")
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def offering_list_api(
    request: HttpRequest,
    form: int | None = None,
    modality: ModalityIn | None = None,
    active: bool | None = None,
    competency: str = "",
    search: str = "",
) -> QuerySet[Offering]:
    """Katalog nasional dan katalog instansi pemanggil. Saring menurut bentuk (jenis diklat SIASN), moda,
    aktif (kosong: semua), kompetensi (kode) dan kata kunci pada judul atau penyelenggara."""
    qs = offerings_visible_to(request.user, active_only=False)
    if form is not None:
        qs = qs.filter(form_id=form)
    if modality:
        qs = qs.filter(modality=modality)
    if active is not None:
        qs = qs.filter(active=active)
    if competency.strip():
        qs = qs.filter(competencies__competency__code=competency.strip()).distinct()
    term = search.strip()[:100]
    if term:
        qs = qs.filter(Q(title__icontains=term) | Q(provider__icontains=term))
    return qs.order_by("title", "pk")


@router.get("/offerings/{offering_id}", response={200: OfferingOut, 404: MessageOut}, summary="Satu penawaran")
def offering_detail_api(request: HttpRequest, offering_id: int) -> OfferingOut:
    offering = offering_get(request.user, offering_id)
    if offering is None:
        raise _offering_missing()
    return OfferingOut.from_orm(offering)


def _offering_data(payload: OfferingIn, agency: Agency | None) -> OfferingData:
    return OfferingData(
        form=payload.form,
        title=payload.title,
        provider=payload.provider,
        jp=payload.jp,
        cost_per_participant=payload.cost_per_participant,
        modality=payload.modality,
        agency=agency,
        seats=payload.seats,
        start_date=payload.start_date,
        end_date=payload.end_date,
        location=payload.location,
        eligible_position_kinds=payload.eligible_position_kinds,
        min_level=payload.min_level,
        active=payload.active,
        competencies=[(c.competency.strip(), c.level_increase) for c in payload.competencies],
    )


def _owner_agency(request: HttpRequest, payload: OfferingCreateIn) -> Agency | None:
    """The instansi a new offering belongs to; the service decides whether the caller may edit its catalogue."""
    if payload.national:
        return None
    return _managed_agency(request, payload.agency_code, penyelenggara=True)


@router.post(
    "/offerings",
    response={201: OfferingOut, 403: MessageOut, 404: MessageOut, 422: ErrorsOut},
    summary="Tambah penawaran",
)
def offering_create_api(request: HttpRequest, payload: OfferingCreateIn) -> Status[Any]:
    """Admin instansi (atau penyelenggara instansi itu) untuk katalog instansinya; admin nasional untuk
    katalog nasional. Masukan yang salah ditolak 422 dengan semua masalahnya, tanpa ada yang tersimpan."""
    try:
        agency = _owner_agency(request, payload)
        offering = offering_save(actor=request.user, data=_offering_data(payload, agency))
    except OutOfScope as exc:
        raise _forbidden() from exc
    except RecordInvalid as exc:
        return Status(422, field_errors(exc.errors))
    return Status(201, _offering_out(request, offering.pk))


def _offering_out(request: HttpRequest, pk: int) -> OfferingOut:
    offering = offering_get(request.user, pk)
    if offering is None:
        raise _offering_missing()
    return OfferingOut.from_orm(offering)


@router.put(
    "/offerings/{offering_id}",
    response={200: OfferingOut, 403: MessageOut, 404: MessageOut, 422: ErrorsOut},
    summary="Ubah penawaran",
)
def offering_update_api(request: HttpRequest, offering_id: int, payload: OfferingIn) -> Status[Any]:
    """Mengganti seluruh isian penawaran (juga daftar kompetensinya). Instansi pemilik tidak dapat diubah."""
    offering = offering_get(request.user, offering_id)
    if offering is None:
        raise _offering_missing()
    try:
        offering_save(actor=request.user, data=_offering_data(payload, offering.agency), offering=offering)
    except OutOfScope as exc:
        raise _forbidden() from exc
    except RecordInvalid as exc:
        return Status(422, field_errors(exc.errors))
    return Status(200, _offering_out(request, offering.pk))


def _set_active(request: HttpRequest, offering_id: int, *, active: bool) -> OfferingOut:
    offering = offering_get(request.user, offering_id)
    if offering is None:
        raise _offering_missing()
    try:
        offering_set_active(actor=request.user, offering=offering, active=active)
    except OutOfScope as exc:
        raise _forbidden() from exc
    return _offering_out(request, offering.pk)


@router.post(
    "/offerings/{offering_id}/activate",
    response={200: OfferingOut, 403: MessageOut, 404: MessageOut},
    summary="Aktifkan penawaran",
)
def offering_activate_api(request: HttpRequest, offering_id: int) -> OfferingOut:
    """Penawaran kembali ikut dihitung pengoptimal rencana."""
    return _set_active(request, offering_id, active=True)


@router.post(
    "/offerings/{offering_id}/deactivate",
    response={200: OfferingOut, 403: MessageOut, 404: MessageOut},
    summary="Nonaktifkan penawaran",
)
def offering_deactivate_api(request: HttpRequest, offering_id: int) -> OfferingOut:
    """Penawaran keluar dari perhitungan pengoptimal; riwayatnya tetap."""
    return _set_active(request, offering_id, active=False)
