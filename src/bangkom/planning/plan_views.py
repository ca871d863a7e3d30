"""Pages of the development plan: runs of an AKPK (admin instansi), one run's result, the pegawai's IDP and
the atasan's IDP approvals. Thin: rules in plan_services, reads in plan_selectors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bangkom.accounts.roles import roles_for
from bangkom.competency.models import Competency
from bangkom.engine import planner
from bangkom.engine.textnum import plain_int
from bangkom.learning.models import LearningRecord
from bangkom.planning.models import PlanGapKind, PlanItem, PlanItemStatus, PlanRun
from bangkom.planning.plan_selectors import (
    akpk_for_admin,
    forecast_rows,
    idp_items_to_decide,
    my_idp_items,
    records_to_link,
    run_employees,
    run_for_admin,
    run_gaps,
    run_items,
    runs_of,
)
from bangkom.planning.plan_services import (
    MINIMUM_REASON_TEXT,
    NEED_REASON_TEXT,
    NOTE_TEXT,
    OutOfScope,
    RecordInvalid,
    RunSettings,
    idp_decide,
    idp_link_record,
    plan_adopt,
    plan_run_start,
    reason_text,
)
from bangkom.web.charts import bars_svg, line_svg
from bangkom.web.downloads import FORMATS, table_response
from bangkom.web.paging import querystring_base

PAGE_SIZE = 50
TABS = ("pegawai", "butir", "kebutuhan", "minimal")


def _errors(request: HttpRequest, exc: RecordInvalid) -> None:
    for m in exc.messages:
        messages.error(request, m)


# --- admin instansi: runs -----------------------------------------------------------------------------------


@login_required
def plan_runs_view(request: HttpRequest, akpk_pk: int) -> HttpResponse:
    akpk = akpk_for_admin(request.user, akpk_pk)
    if akpk is None:
        raise Http404
    form: dict[str, Any] = {"budget": "", "jp_cap": "40", "mix_penalty": "0.1", "time_limit": "10", "with_curve": True}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        p = request.POST
        form = {
            "budget": p.get("budget", ""),
            "jp_cap": p.get("jp_cap", ""),
            "mix_penalty": p.get("mix_penalty", ""),
            "time_limit": p.get("time_limit", ""),
            "include_pending": p.get("include_pending") == "1",
            "with_curve": p.get("with_curve") == "1",
        }
        try:
            run = plan_run_start(actor=request.user, akpk=akpk, data=RunSettings(**form), lang=get_language() or "id")
        except OutOfScope as exc:
            raise Http404 from exc
        except RecordInvalid as exc:
            errors = exc.errors
        else:
            return redirect("plan_run", run.pk)
    page = Paginator(runs_of(akpk), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "planning/plan_runs.html",
        {"akpk": akpk, "page_obj": page, "form": form, "errors": errors, "querystring_base": querystring_base(request)},
        status=422 if errors else 200,
    )


def _rp_short(value: float) -> str:
    """Axis labels: 'Rp 0', 'Rp 750 jt', 'Rp 1,5 M' (juta, miliar)."""
    if value >= 1e9:
        return _("Rp %(n)s M") % {"n": number_format(value / 1e9, 1 if value % 1e9 else 0)}
    if value >= 1e6:
        return _("Rp %(n)s jt") % {"n": number_format(value / 1e6, 0)}
    return _("Rp %(n)s") % {"n": number_format(value, 0, force_grouping=True)}


def _curve_svg(run: PlanRun) -> str:
    points = run.curve or []
    if len(points) < 2:
        return ""
    xs = [float(p["budget"]) for p in points]
    ys = [float(p["coverage"]) for p in points]
    labels = [_rp_short(x) for x in xs]
    tips = [
        _("%(b)s: %(c)s%% kesenjangan tertutup, %(n)s pegawai di bawah JP minimal")
        % {"b": labels[i], "c": number_format(ys[i], 1), "n": p["below_minimum"]}
        for i, p in enumerate(points)
    ]
    here = next((i for i, p in enumerate(points) if p["budget"] == run.budget), None)
    return line_svg(
        xs,
        ys,
        x_labels=labels,
        y_max=max(100.0, *ys) if ys else 100.0,
        y_suffix="%",
        title=_("Anggaran dan kesenjangan tertutup"),
        desc=_("Persentase kesenjangan berbobot yang ditutup rencana pada tiap besaran anggaran."),
        point_titles=tips,
        highlight=here,
        chart_id="curve",
    )


def _mix_svg(run: PlanRun) -> str:
    jp = (run.summary or {}).get("jp_by_mix") or [0, 0, 0]
    total = sum(jp) or 1.0
    labels = [_("70 (di tempat kerja): %(p)s%%"), _("20 (sosial): %(p)s%%"), _("10 (klasikal): %(p)s%%")]
    return bars_svg(
        [label % {"p": number_format(100 * v / total, 0)} for label, v in zip(labels, jp, strict=True)],
        [round(v) for v in jp],
        ["#15803d", "#1d4ed8", "#b45309"],
        title=_("JP rencana per kategori 70-20-10"),
        chart_id="mix",
    )


def _download(run: PlanRun, tab: str, q: str, fmt: str) -> HttpResponse:
    base = f"rencana-{run.akpk.agency.code}-{run.akpk.year}-{run.pk}-{tab}"
    if tab == "butir":
        return table_response(
            base,
            ["nip", "name", "unit", "offering", "form", "jp", "cost", "needs_closed", "value", "status"],
            (
                [
                    i.employee.nip,
                    i.employee.name,
                    i.employee.unit.name if i.employee.unit else "",
                    i.offering.title,
                    i.offering.form.name,
                    str(i.offering.jp),
                    i.offering.cost_per_participant,
                    "; ".join(f"{c['competency']}:+{c['closed']}" for c in i.closes),
                    i.value,
                    i.get_status_display(),
                ]
                for i in run_items(run, q).iterator(chunk_size=2000)
            ),
            fmt,
        )
    kind = PlanGapKind.NEED if tab == "kebutuhan" else PlanGapKind.MINIMUM
    return table_response(
        base,
        ["nip", "name", "unit", "competency", "reason_code", "reason", "jp_shortfall"],
        (
            [
                g.employee.nip,
                g.employee.name,
                g.employee.unit.name if g.employee.unit else "",
                g.competency.code if g.competency else "",
                g.reason,
                reason_text(kind, g.reason),
                str(g.shortfall),
            ]
            for g in run_gaps(run, kind, q).iterator(chunk_size=2000)
        ),
        fmt,
    )


def _with_reasons(items: list[PlanItem]) -> None:
    """Each item's `closes` with competency code and name, for the page (one query for the page)."""
    ids = {c["competency"] for i in items for c in i.closes}
    names = {c.pk: f"{c.code} {c.name}" for c in Competency.objects.filter(pk__in=ids)}
    for i in items:
        i.reasons = [{**c, "competency": names.get(c["competency"], c["competency"])} for c in i.closes]  # type: ignore[attr-defined]


@login_required
def plan_run_view(request: HttpRequest, pk: int) -> HttpResponse:
    run = run_for_admin(request.user, pk)
    if run is None:
        raise Http404
    tab = request.GET.get("tab", "butir")
    tab = tab if tab in TABS else "butir"
    q = request.GET.get("q", "").strip()
    fmt = request.GET.get("format", "")
    if run.is_finished and fmt in FORMATS and tab != "pegawai":
        return _download(run, tab, q, fmt)
    context: dict[str, Any] = {"run": run, "akpk": run.akpk, "tab": tab, "q": q}
    if run.is_finished:
        reason = request.GET.get("alasan", "")
        page: Page[Any]
        if tab == "pegawai":
            page = Paginator(run_employees(run, q), PAGE_SIZE).get_page(request.GET.get("page"))
            context["rows"] = forecast_rows(run, list(page.object_list), timezone.localdate())
        elif tab == "butir":
            page = Paginator(run_items(run, q), PAGE_SIZE).get_page(request.GET.get("page"))
            _with_reasons(list(page.object_list))
        else:
            kind = PlanGapKind.NEED if tab == "kebutuhan" else PlanGapKind.MINIMUM
            page = Paginator(run_gaps(run, kind, q, reason), PAGE_SIZE).get_page(request.GET.get("page"))
        summary = run.summary or {}
        context.update(
            page_obj=page,
            querystring_base=querystring_base(request),
            curve_svg=_curve_svg(run),
            mix_svg=_mix_svg(run),
            notes=[NOTE_TEXT[n] for n in summary.get("notes", []) if n in NOTE_TEXT],
            need_reasons=[
                (code, NEED_REASON_TEXT[code], summary.get("need_reasons", {}).get(code, 0))
                for code in planner.NEED_REASONS
                if summary.get("need_reasons", {}).get(code)
            ],
            minimum_reasons=[
                (code, MINIMUM_REASON_TEXT[code], summary.get("minimum_reasons", {}).get(code, 0))
                for code in planner.MINIMUM_REASONS
                if summary.get("minimum_reasons", {}).get(code)
            ],
            summary=summary,
        )
    return render(request, "planning/plan_run.html", context)


@login_required
def plan_adopt_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what adopting does, and the confirmation button; POST: adopt."""
    run = run_for_admin(request.user, pk)
    if run is None:
        raise Http404
    if request.method != "POST":
        replaces = PlanRun.objects.filter(akpk=run.akpk, adopted_at__isnull=False).exclude(pk=run.pk).first()
        return render(request, "planning/plan_adopt.html", {"run": run, "akpk": run.akpk, "replaces": replaces})
    try:
        plan_adopt(actor=request.user, run=run)
    except OutOfScope as exc:
        raise Http404 from exc
    except RecordInvalid as exc:
        _errors(request, exc)
    else:
        messages.success(
            request, _("Rencana ditetapkan: butir-butirnya kini menjadi IDP pegawai dan menunggu persetujuan atasan.")
        )
    return redirect("plan_run", run.pk)


# --- pegawai: IDP ---------------------------------------------------------------------------------------------


@login_required
def idp_view(request: HttpRequest) -> HttpResponse:
    roles = roles_for(request.user)
    if roles.employee_id is None:
        raise PermissionDenied
    items = list(my_idp_items(request.user))
    choices = {i.pk: list(records_to_link(i)[:50]) for i in items if i.status == PlanItemStatus.APPROVED}
    return render(
        request,
        "planning/idp.html",
        {
            "items": items,
            "choices": choices,
            "done": sum(1 for i in items if i.record and i.record.status == "verified"),
        },
    )


@login_required
@require_POST
def idp_link_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = PlanItem.objects.select_related("employee").filter(pk=pk).first()
    if item is None:
        raise Http404
    raw = request.POST.get("record", "")
    record = None
    if raw:
        record = LearningRecord.objects.filter(pk=plain_int(raw) or 0).first()
        if record is None:
            messages.error(request, _("Catatan pembelajaran tidak ditemukan."))
            return redirect("idp")
    try:
        idp_link_record(actor=request.user, item=item, record=record)
    except OutOfScope as exc:
        raise Http404 from exc
    except RecordInvalid as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Catatan pembelajaran dihubungkan.") if record else _("Tautan dilepas."))
    return redirect("idp")


# --- atasan: approvals ----------------------------------------------------------------------------------------


@login_required
def idp_approvals_view(request: HttpRequest) -> HttpResponse:
    if not roles_for(request.user).is_atasan:
        raise PermissionDenied
    status = request.GET.get("status", PlanItemStatus.PROPOSED)
    status = status if status in PlanItemStatus.values or status == "" else PlanItemStatus.PROPOSED
    q = request.GET.get("q", "").strip()
    page = Paginator(idp_items_to_decide(request.user, q, status), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "planning/idp_approvals.html",
        {
            "page_obj": page,
            "q": q,
            "status": status,
            "statuses": [(v, label) for v, label in PlanItemStatus.choices if v != PlanItemStatus.DRAFT],
            "querystring_base": querystring_base(request),
        },
    )


@login_required
@require_POST
def idp_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = PlanItem.objects.select_related("employee").filter(pk=pk).first()
    if item is None:
        raise Http404
    decision = request.POST.get("decision", "")
    if decision not in ("approve", "reject"):
        messages.error(request, _("Pilih setujui atau tolak."))
    else:
        try:
            idp_decide(
                actor=request.user, item=item, approve=decision == "approve", reason=request.POST.get("reason", "")
            )
        except OutOfScope as exc:
            raise Http404 from exc
        except RecordInvalid as exc:
            _errors(request, exc)
        else:
            messages.success(
                request,
                (_("Butir IDP %(name)s disetujui.") if decision == "approve" else _("Butir IDP %(name)s ditolak."))
                % {"name": item.employee.name},
            )
    return redirect(f"{reverse('idp_approvals')}?{request.POST.get('back', '')}")
