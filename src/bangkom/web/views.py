"""Pages. Each view parses the request, calls a selector or service, and renders."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from bangkom.accounts.roles import Roles, roles_for
from bangkom.audit.selectors import audit_changes, audit_events_visible_to
from bangkom.competency.mapping import (
    competency_for_unit,
    drilldown,
    employee_jpm,
    next_positions,
    unit_mapping,
    units_for,
)
from bangkom.competency.selectors import CompetencyProfile, employee_competency_profile, position_skj
from bangkom.engine.gaps import MAPPING_CATEGORIES
from bangkom.engine.textnum import plain_int
from bangkom.evaluation.kirkpatrick import behaviour_due_for, reactions_open_for
from bangkom.jobs.models import Job
from bangkom.jobs.selectors import jobs_visible_to
from bangkom.learning.ledger import jp_summary
from bangkom.learning.selectors import verification_queue
from bangkom.mentoring.selectors import overdue_for
from bangkom.org.selectors import (
    employee_get,
    employee_list,
    position_list,
    subordinates_of,
)
from bangkom.planning.plan_selectors import idp_items_to_decide, my_idp_items
from bangkom.web.charts import bars_svg, heatmap_svg, radar_svg
from bangkom.web.downloads import table_response
from bangkom.web.forms import ImportForm
from bangkom.web.paging import querystring_base
from bangkom.web.selectors import admin_employee_count, agency_statistics
from bangkom.web.services import start_import

PAGE_SIZE = 50
NEXT_POSITIONS_LIMIT = 50  # a ranking is read from the top; search reaches the rest


def _page(request: HttpRequest, items: Any) -> Page:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _require_admin_instansi(request: HttpRequest) -> Roles:
    roles = roles_for(request.user)
    if not roles.is_admin_instansi:
        raise PermissionDenied
    return roles


@login_required
def home(request: HttpRequest) -> HttpResponse:
    roles = roles_for(request.user)
    me = employee_get(request.user, roles.employee_id) if roles.employee_id else None
    ctx: dict[str, Any] = {"me": me, "role_labels": roles.names()}
    if me is not None:
        ctx["jp"] = jp_summary(me, timezone.localdate())
    if roles.is_atasan or roles.is_admin_instansi:
        ctx["waiting_verification"] = verification_queue(request.user).count()
    if me is not None:
        ctx["overdue_sessions"] = overdue_for(request.user)
        ctx["reactions_open"] = reactions_open_for(request.user).count()
        ctx["idp_open"] = my_idp_items(request.user).filter(record__isnull=True).exclude(status="rejected").count()
    if roles.is_atasan:
        ctx["team_size"] = subordinates_of(request.user).count()
        ctx["idp_to_decide"] = idp_items_to_decide(request.user).count()
        ctx["behaviour_due"] = sum(1 for d in behaviour_due_for(request.user) if d.status != "upcoming")
    if roles.is_admin_instansi:
        ctx["agency_employee_count"] = admin_employee_count(request.user)
    if roles.is_admin_nasional:
        ctx["agency_stats"] = agency_statistics(request.user)
    return render(request, "web/home.html", ctx)


def _employee_page(request: HttpRequest, profile: CompetencyProfile | None) -> HttpResponse:
    if profile is None:
        raise Http404
    employee, lines = profile.employee, profile.lines
    is_self = employee.pk == roles_for(request.user).employee_id
    radar = radar_svg(
        [line.code for line in lines],
        [line.required_level for line in lines],
        [line.current_level for line in lines],
        title=_("Level saat ini dibandingkan standar"),
        legend_required=_("Standar"),
        legend_current=_("Saat ini"),
        legend_unassessed=_("Belum dinilai"),
        desc=_("Garis putus-putus merah: level standar SKJ; area biru: level saat ini. Rinciannya ada di tabel."),
    )
    jpm_view = employee_jpm(employee, lines)
    return render(
        request,
        "web/employee_detail.html",
        {
            "employee": employee,
            "lines": lines,
            "summary": {"total": profile.total, "met": profile.met, "unassessed": profile.unassessed},
            "is_self": is_self,
            "radar": mark_safe(radar),  # noqa: S308 - every label is escaped by radar_svg
            "jpm": jpm_view,
            "jpm_labels": (_category_label(jpm_view.mapping), _category_label(jpm_view.filling)) if jpm_view else None,
        },
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    employee_id = roles_for(request.user).employee_id
    return _employee_page(
        request, employee_competency_profile(request.user, employee_id) if employee_id is not None else None
    )


@login_required
def employee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _employee_page(request, employee_competency_profile(request.user, pk))


@login_required
def employee_list_view(request: HttpRequest) -> HttpResponse:
    roles = roles_for(request.user)
    if not (roles.is_admin_instansi or roles.is_atasan):
        raise PermissionDenied
    q = request.GET.get("q", "").strip()
    page = _page(request, employee_list(request.user, search=q))
    return render(
        request,
        "web/employee_list.html",
        {"page_obj": page, "q": q, "querystring_base": querystring_base(request)},
    )


@login_required
def position_list_view(request: HttpRequest) -> HttpResponse:
    roles = roles_for(request.user)
    if not (roles.is_admin_instansi or roles.is_admin_nasional):
        raise PermissionDenied
    q = request.GET.get("q", "").strip()
    items = position_list(request.user, search=q).annotate(n_requirements=Count("requirements"))
    page = _page(request, items)
    return render(
        request,
        "web/position_list.html",
        {"page_obj": page, "q": q, "querystring_base": querystring_base(request)},
    )


@login_required
def position_detail(request: HttpRequest, pk: int) -> HttpResponse:
    roles = roles_for(request.user)
    if not (roles.is_admin_instansi or roles.is_admin_nasional):
        raise PermissionDenied
    skj = position_skj(request.user, pk)
    if skj is None:
        raise Http404
    return render(request, "web/position_detail.html", {"position": skj.position, "requirements": skj.requirements})


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    _require_admin_instansi(request)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            job = start_import(user=request.user, files=form.cleaned_data["files"], lang=get_language() or "id")
            return redirect("job_detail", pk=job.pk)
    else:
        form = ImportForm()
    recent = jobs_visible_to(request.user).filter(kind="import")[:10]
    return render(request, "web/import.html", {"form": form, "recent_jobs": recent})


def _job_for(request: HttpRequest, pk: Any) -> Job:
    job = jobs_visible_to(request.user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


@login_required
def job_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    job = _job_for(request, pk)
    counts = []
    if isinstance(job.result, dict) and isinstance(job.result.get("counts"), dict):
        counts = [{"kind": k, **v} for k, v in job.result["counts"].items()]
    lines = job.error_report.splitlines()
    preview = "\n".join(lines[:200]) + ("\n…" if len(lines) > 200 else "")
    back = _job_back(job)
    return render(
        request,
        "web/job_detail.html",
        {"job": job, "counts": counts, "report_preview": preview, "back_url": back[0], "back_label": back[1]},
    )


def _job_back(job: Any) -> tuple[str, str]:
    """Where the page the job was started from lives, so the user can go back once it is done."""
    params = job.params if isinstance(job.params, dict) else {}
    if job.kind == "import":
        return reverse("import"), _("Kembali ke impor")
    if job.kind == "akpk_gather" and plain_int(params.get("akpk_id")) is not None:
        return f"{reverse('akpk')}?instansi={job.agency_id}&akpk={params['akpk_id']}", _("Kembali ke AKPK")
    if job.kind == "plan_run" and (run_id := plain_int(params.get("run_id"))) is not None:
        return reverse("plan_run", args=[run_id]), _("Lihat hasil rencana")
    if job.kind == "mentoring_match" and (programme_id := plain_int(params.get("programme_id"))) is not None:
        return reverse("programme_detail", args=[programme_id]), _("Kembali ke program")
    return "", ""


@login_required
@require_GET
def job_status(request: HttpRequest, pk: Any) -> JsonResponse:
    job = _job_for(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "progress": job.progress,
            "message": job.message,
            "finished": job.is_finished,
            "url": reverse("job_detail", args=[job.pk]),
        }
    )


@login_required
def job_report(request: HttpRequest, pk: Any) -> HttpResponse:
    job = _job_for(request, pk)
    response = HttpResponse(job.error_report, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="laporan-impor-{job.pk}.txt"'
    return response


def _audit_entities() -> dict[str, str]:
    return {
        "competency.assessment": _("Penilaian kompetensi"),
        "competency.requirement": _("Standar kompetensi jabatan (SKJ)"),
        "accounts.roleassignment": _("Peran"),
        "org.employee": _("Pegawai"),
        "learning.learningrecord": _("Catatan pembelajaran"),
        "learning.agencyjprule": _("Aturan JP instansi"),
        "learning.jprecap": _("Rekap JP"),
        "accounts.apitoken": _("Token API"),
    }


def _audit_actions() -> dict[str, str]:
    return {
        "create": _("dibuat"),
        "update": _("diubah"),
        "delete": _("dihapus"),
        "import": _("impor"),
        "verify": _("diverifikasi"),
        "reject": _("ditolak"),
        "revoke": _("dicabut"),
    }


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    _require_admin_instansi(request)
    entities, actions = _audit_entities(), _audit_actions()
    entity = request.GET.get("entity", "")
    page = _page(request, audit_events_visible_to(request.user, entity=entity))
    rows = [
        {
            "event": ev,
            "action": actions.get(ev.action, ev.action),
            "entity": entities.get(ev.entity, ev.entity),
            "changes": audit_changes(ev),
        }
        for ev in page.object_list
    ]
    return render(
        request,
        "web/audit_list.html",
        {
            "page_obj": page,
            "rows": rows,
            "entity": entity,
            "entities": list(entities.items()),
            "querystring_base": querystring_base(request),
        },
    )


# ---- competency mapping ------------------------------------------------------------------------------

CATEGORY_COLOURS = {
    "optimal": "#1e7a3c",
    "cukup_optimal": "#e6aa28",
    "kurang_optimal": "#b42318",
    "belum_dinilai": "#9aa3af",
}


def _category_label(name: str) -> str:
    labels = {
        "optimal": _("Optimal"),
        "cukup_optimal": _("Cukup optimal"),
        "kurang_optimal": _("Kurang optimal"),
        "belum_dinilai": _("Belum dinilai"),
        "memenuhi_syarat": _("Memenuhi syarat"),
        "masih_memenuhi_syarat": _("Masih memenuhi syarat"),
        "kurang_memenuhi_syarat": _("Kurang memenuhi syarat"),
    }
    return str(labels.get(name, name))


def _require_mapper(request: HttpRequest) -> None:
    """Mapping pages are for atasan and admin instansi; a pegawai has their own profile instead."""
    roles = roles_for(request.user)
    if not (roles.is_admin_instansi or roles.is_atasan):
        raise PermissionDenied


def _optional(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


@login_required
def mapping_view(request: HttpRequest) -> HttpResponse:
    _require_mapper(request)
    units = list(units_for(request.user))
    if not units:
        raise Http404
    chosen = request.GET.get("unit", "")
    unit = next((u for u in units if str(u.pk) == chosen), None) if chosen else None
    if chosen and unit is None:  # an id outside the user's units: no hint whether it exists
        raise Http404
    result = unit_mapping(request.user, unit, unit.agency if unit else units[0].agency)
    values = [[_optional(v) for v in row] for row in result.share_below]
    if request.GET.get("format") == "csv":
        return _csv_response(
            "pemetaan-unit.csv",
            ["unit_code", "unit_name", "competency_code", "competency_name", "assessed", "below", "share_below"],
            [
                [
                    u.code,
                    u.name,
                    code,
                    result.competency_names[j],
                    int(result.assessed[i, j]),
                    int(result.below[i, j]),
                    "" if values[i][j] is None else f"{values[i][j]:.4f}",
                ]
                for i, u in enumerate(result.units)
                for j, code in enumerate(result.competency_codes)
            ],
        )
    links = [[reverse("mapping_drilldown", args=[u.pk, cid]) for cid in result.competency_ids] for u in result.units]
    heatmap = (
        heatmap_svg(
            [u.name for u in result.units],
            result.competency_codes,
            values,
            links,
            title=_("Porsi pegawai di bawah standar per unit dan kompetensi"),
            desc=_("Baris: unit kerja; kolom: kompetensi; warna dari hijau (0%) ke merah (100%)."),
            legend_title=_("Porsi pegawai yang dinilai dan di bawah standar"),
            legend_none=_("belum ada penilaian"),
        )
        if result.units
        else ""
    )
    names = list(MAPPING_CATEGORIES)
    bars = bars_svg(
        [_category_label(n) for n in names],
        [int(c) for c in result.category_counts],
        [CATEGORY_COLOURS[n] for n in names],
        title=_("Sebaran kategori JPM"),
    )
    distribution = [(_category_label(n), int(c)) for n, c in zip(names, result.category_counts, strict=True)]
    unit_rows = [
        (u, [int(c) for c in result.unit_category_counts[i]], result.unit_mean_jpm[i])
        for i, u in enumerate(result.units)
    ]
    return render(
        request,
        "web/mapping.html",
        {
            "units": units,
            "unit": unit,
            "result": result,
            "heatmap": mark_safe(heatmap),  # noqa: S308 - escaped SVG
            "bars": mark_safe(bars),  # noqa: S308 - built by bars_svg with every label escaped
            "distribution": distribution,
            "category_labels": [_category_label(n) for n in names],
            "unit_rows": unit_rows,
            "competencies": list(zip(result.competency_codes, result.competency_names, strict=True)),
        },
    )


@login_required
def mapping_drilldown(request: HttpRequest, unit_pk: int, competency_pk: int) -> HttpResponse:
    _require_mapper(request)
    unit = units_for(request.user).filter(pk=unit_pk).first()
    competency = competency_for_unit(unit, competency_pk) if unit is not None else None
    if unit is None or competency is None:
        raise Http404
    rows = drilldown(request.user, unit, competency.pk)
    if request.GET.get("format") == "csv":
        return _csv_response(
            f"di-bawah-standar-{unit.code}-{competency.code}.csv",
            ["nip", "name", "unit_code", "competency_code", "required_level", "assessed_level", "gap"],
            [[r.nip, r.name, unit.code, competency.code, r.required, r.current, r.gap] for r in rows],
        )
    return render(
        request,
        "web/mapping_drilldown.html",
        {
            "unit": unit,
            "competency": competency,
            "page_obj": _page(request, rows),
            "querystring_base": querystring_base(request),
        },
    )


@login_required
def next_positions_view(request: HttpRequest, pk: int) -> HttpResponse:
    employee = employee_get(request.user, pk)
    if employee is None:
        raise Http404
    q = request.GET.get("q", "").strip()[:100]
    rows = next_positions(employee, search=q, limit=NEXT_POSITIONS_LIMIT)
    return render(
        request,
        "web/next_positions.html",
        {
            "employee": employee,
            "rows": [(r, _category_label(r.mapping), _category_label(r.filling)) for r in rows],
            "q": q,
            "capped": len(rows) >= NEXT_POSITIONS_LIMIT,
            "limit": NEXT_POSITIONS_LIMIT,
        },
    )


def _csv_response(filename: str, header: list[str], rows: list[list[Any]]) -> HttpResponse:
    return table_response(filename.removesuffix(".csv"), header, rows, "csv")
