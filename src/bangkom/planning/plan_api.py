"""JSON API of the development plan and the IDP: the same services and selectors as the pages.

Scope as in planning/api.py: a run or IDP item outside the caller's scope answers 404 (like one that does not
exist); one the caller may read but not act on answers 403; a refusal by a service answers 422 in the house
shape and writes nothing. Runs: the admin instansi of the AKPK's instansi. IDP items: the pegawai, their
atasan chain (who decides) and the admin instansi (who reads).
"""

from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from bangkom.config.pagination import PageNumberPagination
from bangkom.learning.api import ErrorsOut, MessageOut, field_errors
from bangkom.learning.models import LearningRecord, RecordStatus
from bangkom.org.selectors import employees_visible_to
from bangkom.planning.api import _number
from bangkom.planning.models import PlanGap, PlanItem, PlanRun
from bangkom.planning.plan_selectors import akpk_for_admin, idp_items_to_decide, my_idp_items, run_for_admin, runs_of
from bangkom.planning.plan_services import (
    OutOfScope,
    RecordInvalid,
    RunSettings,
    idp_decide,
    idp_link_record,
    plan_adopt,
    plan_run_start,
    reason_text,
)

router = Router(tags=["Rencana pengembangan dan IDP"])
PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


def _missing(what: str) -> HttpError:
    return HttpError(404, _("%(what)s tidak ditemukan atau di luar lingkup Anda.") % {"what": what})


def _forbidden() -> HttpError:
    return HttpError(403, _("Anda tidak berwenang melakukan tindakan ini."))


def _run_or_404(request: HttpRequest, run_id: int) -> PlanRun:
    run = run_for_admin(request.user, run_id)
    if run is None:
        raise _missing(_("Rencana"))
    return run


class RunIn(Schema):
    budget: int | str = Field(..., description='Anggaran dalam rupiah: 1500000000 atau "1.500.000.000".')
    jp_cap: float = Field(40, description="Batas JP per pegawai dalam rencana.")
    include_pending: bool = Field(False, description="Sertakan kebutuhan yang baru disetujui atasan (simulasi).")
    mix_penalty: float = Field(0.1, description="Pengurang nilai per JP yang menyimpang dari 70-20-10.")
    time_limit: int = Field(10, description="Batas waktu hitung, detik.")
    with_curve: bool = Field(True, description="Hitung juga kurva anggaran (0%-200% anggaran).")


class RunOut(Schema):
    id: int
    akpk_id: int
    year: int
    status: str = Field(..., description="running, failed, finished atau adopted.")
    job_id: str | None
    budget: int
    jp_cap: float
    include_pending: bool
    mix_penalty: float
    time_limit: int
    with_curve: bool
    created_at: str
    objective: float | None
    bound: float | None
    gap: float | None = Field(..., description="Selisih optimalitas relatif: (batas atas - nilai) / batas atas.")
    value: float | None = Field(..., description="Kesenjangan berbobot yang tertutup.")
    value_total: float | None
    cost: int | None
    method: str
    seconds: float | None
    summary: dict[str, Any]
    curve: list[dict[str, Any]] = Field(..., description="Titik kurva anggaran: budget, value, coverage (%), ...")


def _status(run: PlanRun) -> str:
    if run.is_adopted:
        return "adopted"
    if run.is_finished:
        return "finished"
    if run.job is not None and run.job.status == "failed":
        return "failed"
    return "running"


def _run_out(run: PlanRun) -> RunOut:
    return RunOut(
        id=run.pk,
        akpk_id=run.akpk_id,
        year=run.akpk.year,
        status=_status(run),
        job_id=str(run.job_id) if run.job_id else None,
        budget=run.budget,
        jp_cap=float(run.jp_cap),
        include_pending=run.include_pending,
        mix_penalty=run.mix_penalty,
        time_limit=run.time_limit,
        with_curve=run.with_curve,
        created_at=run.created_at.isoformat(),
        objective=run.objective,
        bound=run.bound,
        gap=run.gap,
        value=run.value,
        value_total=run.value_total,
        cost=run.cost,
        method=run.method,
        seconds=run.seconds,
        summary=run.summary or {},
        curve=run.curve or [],
    )


@router.post(
    "/akpk/{akpk_id}/plans",
    response={202: RunOut, 403: MessageOut, 404: MessageOut, 422: ErrorsOut},
    summary="Hitung rencana pengembangan (pekerjaan latar)",
)
def plan_start_api(request: HttpRequest, akpk_id: int, payload: RunIn) -> Status[Any]:
    """Admin instansi. Menyimpan parameter dan memulai perhitungan; pantau dengan GET /plans/{id}."""
    akpk = akpk_for_admin(request.user, akpk_id)
    if akpk is None:
        raise _missing(_("AKPK"))
    try:
        run = plan_run_start(
            actor=request.user, akpk=akpk, data=RunSettings(**payload.dict()), lang=get_language() or "id"
        )
    except OutOfScope as exc:
        raise _forbidden() from exc
    except RecordInvalid as exc:
        return Status(422, field_errors(exc.errors))
    return Status(202, _run_out(_run_or_404(request, run.pk)))


@router.get("/akpk/{akpk_id}/plans", response={200: list[RunOut], 404: MessageOut}, summary="Daftar rencana AKPK")
@paginate(PageNumberPagination, page_size=20, max_page_size=100)
def plan_list_api(request: HttpRequest, akpk_id: int) -> list[RunOut]:
    akpk = akpk_for_admin(request.user, akpk_id)
    if akpk is None:
        raise _missing(_("AKPK"))
    return [_run_out(r) for r in runs_of(akpk).select_related("akpk")]


@router.get("/plans/{run_id}", response={200: RunOut, 404: MessageOut}, summary="Satu rencana")
def plan_detail_api(request: HttpRequest, run_id: int) -> RunOut:
    return _run_out(_run_or_404(request, run_id))


@router.post(
    "/plans/{run_id}/adopt",
    response={200: RunOut, 403: MessageOut, 404: MessageOut, 422: ErrorsOut},
    summary="Tetapkan rencana menjadi IDP",
)
def plan_adopt_api(request: HttpRequest, run_id: int) -> Status[Any]:
    """Butir rencana menjadi IDP pegawai, menunggu persetujuan atasan. AKPK harus sudah disetujui."""
    run = _run_or_404(request, run_id)
    try:
        plan_adopt(actor=request.user, run=run)
    except OutOfScope as exc:
        raise _forbidden() from exc
    except RecordInvalid as exc:
        return Status(422, field_errors(exc.errors))
    return Status(200, _run_out(_run_or_404(request, run_id)))


class ClosesOut(Schema):
    competency: int
    gap: int
    closed: int
    weight: float


class ItemOut(Schema):
    id: int
    run_id: int
    year: int = Field(..., alias="run.akpk.year")
    employee_nip: str = Field(..., alias="employee.nip")
    employee_name: str = Field(..., alias="employee.name")
    offering_id: int
    offering_title: str = Field(..., alias="offering.title")
    form: int = Field(..., alias="offering.form_id")
    jp: str
    cost: int = Field(..., alias="offering.cost_per_participant")
    value: float
    closes: list[ClosesOut] = Field(..., description="Kebutuhan yang ditutup butir ini (alasannya).")
    towards_minimum: str
    status: str
    reason: str
    record_id: int | None
    done: bool = Field(..., description="Catatan pembelajaran terhubung dan sudah diverifikasi.")

    @staticmethod
    def resolve_jp(obj: PlanItem) -> str | None:
        return _number(obj.offering.jp)

    @staticmethod
    def resolve_towards_minimum(obj: PlanItem) -> str | None:
        return _number(obj.towards_minimum)

    @staticmethod
    def resolve_done(obj: PlanItem) -> bool:
        return obj.record is not None and obj.record.status == RecordStatus.VERIFIED


def _items(qs: QuerySet[PlanItem]) -> QuerySet[PlanItem]:
    return qs.select_related("run__akpk", "employee", "offering", "record")


@router.get("/plans/{run_id}/items", response={200: list[ItemOut], 404: MessageOut}, summary="Penugasan rencana")
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def plan_items_api(request: HttpRequest, run_id: int) -> QuerySet[PlanItem]:
    run = _run_or_404(request, run_id)
    return _items(run.items.all()).order_by("employee_id", "offering_id")


class GapOut(Schema):
    kind: str
    employee_nip: str = Field(..., alias="employee.nip")
    employee_name: str = Field(..., alias="employee.name")
    competency_code: str | None
    reason: str = Field(..., description="Kode alasan (engine.planner NEED_REASONS / MINIMUM_REASONS).")
    reason_text: str
    shortfall: str = Field(..., description="Kekurangan JP menuju JP minimal (jenis minimum).")

    @staticmethod
    def resolve_competency_code(obj: PlanGap) -> str | None:
        return obj.competency.code if obj.competency else None

    @staticmethod
    def resolve_reason_text(obj: PlanGap) -> str:
        return reason_text(obj.kind, obj.reason)

    @staticmethod
    def resolve_shortfall(obj: PlanGap) -> str | None:
        return _number(obj.shortfall)


@router.get("/plans/{run_id}/gaps", response={200: list[GapOut], 404: MessageOut}, summary="Yang belum terlayani")
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def plan_gaps_api(
    request: HttpRequest, run_id: int, kind: Literal["need", "minimum"] | None = None
) -> QuerySet[PlanGap]:
    """Kebutuhan yang belum tertutup (need) dan pegawai yang tetap di bawah JP minimal (minimum), dengan alasan."""
    run = _run_or_404(request, run_id)
    qs = PlanGap.objects.filter(run=run).select_related("employee", "competency").order_by("kind", "employee_id")
    return qs.filter(kind=kind) if kind else qs


@router.get("/idp", response=list[ItemOut], summary="IDP saya")
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def idp_mine_api(request: HttpRequest) -> QuerySet[PlanItem]:
    return _items(my_idp_items(request.user))


@router.get("/idp/team", response=list[ItemOut], summary="IDP bawahan (atasan)")
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def idp_team_api(
    request: HttpRequest, status: Literal["proposed", "approved", "rejected"] | None = None
) -> QuerySet[PlanItem]:
    return _items(idp_items_to_decide(request.user, "", status or ""))


def _item_or_404(request: HttpRequest, item_id: int) -> PlanItem:
    item = (
        PlanItem.objects.filter(
            pk=item_id, run__adopted_at__isnull=False, employee__in=employees_visible_to(request.user)
        )
        .select_related("employee")
        .first()
    )
    if item is None:
        raise _missing(_("Butir IDP"))
    return item


class DecisionIn(Schema):
    approve: bool
    reason: str = ""


@router.post(
    "/idp/{item_id}/decision",
    response={200: ItemOut, 403: MessageOut, 404: MessageOut, 422: ErrorsOut},
    summary="Setujui atau tolak butir IDP (atasan)",
)
def idp_decide_api(request: HttpRequest, item_id: int, payload: DecisionIn) -> Status[Any]:
    item = _item_or_404(request, item_id)
    try:
        idp_decide(actor=request.user, item=item, approve=payload.approve, reason=payload.reason)
    except OutOfScope as exc:
        raise _forbidden() from exc
    except RecordInvalid as exc:
        return Status(422, field_errors(exc.errors))
    return Status(200, _items(PlanItem.objects.filter(pk=item.pk)).get())


class LinkIn(Schema):
    record_id: int | None = Field(..., description="Id catatan pembelajaran; null melepas tautan.")


@router.post(
    "/idp/{item_id}/record",
    response={200: ItemOut, 403: MessageOut, 404: MessageOut, 422: ErrorsOut},
    summary="Hubungkan catatan pembelajaran ke butir IDP",
)
def idp_link_api(request: HttpRequest, item_id: int, payload: LinkIn) -> Status[Any]:
    item = _item_or_404(request, item_id)
    record = None
    if payload.record_id is not None:
        record = LearningRecord.objects.filter(
            pk=payload.record_id, employee__in=employees_visible_to(request.user)
        ).first()
        if record is None:
            return Status(422, field_errors({"record_id": [_("Catatan pembelajaran tidak ditemukan.")]}))
    try:
        idp_link_record(actor=request.user, item=item, record=record)
    except OutOfScope as exc:
        raise _forbidden() from exc
    except RecordInvalid as exc:
        return Status(422, field_errors(exc.errors))
    return Status(200, _items(PlanItem.objects.filter(pk=item.pk)).get())
